/** A bad command line: exit code 2. The message names the flag. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Thrown on Ctrl-C (exit code 130) or SIGTERM (143) to leave after cleaning up. */
export class Interrupted extends Error {
  readonly exitCode: number;
  constructor(message = 'interrupted', signal: 'SIGINT' | 'SIGTERM' | null = 'SIGINT') {
    super(signal === 'SIGTERM' ? message.replace(/^interrupted/, 'terminated') : message);
    this.exitCode = signal === 'SIGTERM' ? 143 : 130;
    this.name = 'Interrupted';
  }
}
