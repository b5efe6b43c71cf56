// A test-only worker entry: worker 1 throws before its optimizer step 3.
import { serveWorker } from '../worker.ts';
import { throwFault } from './fault.ts';

await serveWorker({ beforeStep: (worker, step) => worker === 1 && step === 3 && throwFault() });
