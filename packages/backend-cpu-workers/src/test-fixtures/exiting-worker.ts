// A test-only worker entry: worker 0's thread ends before its optimizer step 2.
import { serveWorker } from '../worker.ts';
import { exitFault } from './fault.ts';

await serveWorker({ beforeStep: (worker, step) => worker === 0 && step === 2 && exitFault() });
