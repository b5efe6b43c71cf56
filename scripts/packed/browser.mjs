// Bundled for the browser by esbuild: must need no Node built-in.
import { defaultSpec, fit, encodeModel, trainingProfileSvg } from '@dnn/nn';
import { createFastGemm } from '@dnn/tensor';
globalThis.dnn = { defaultSpec, fit, encodeModel, trainingProfileSvg, createFastGemm };
