/** The CLI's version, replaced at build time from package.json. */
declare const __DNN_VERSION__: string | undefined;
export const VERSION: string = typeof __DNN_VERSION__ === 'string' ? __DNN_VERSION__ : '0.0.0-dev';
