import { parentPort, workerData } from 'node:worker_threads';
import { runSweepSpec, type SweepRunSpec } from './sweep.js';

// A sweep worker thread: runs the specs it is sent, one at a time, and posts each row back.
const { path, fixed } = workerData as { path: string; fixed: readonly string[] };
parentPort?.on('message', (spec: SweepRunSpec) => {
  runSweepSpec(path, fixed, spec).then(
    (row) => parentPort?.postMessage({ row }),
    (error: unknown) => parentPort?.postMessage({ error: (error as Error).message, index: spec.index }),
  );
});
