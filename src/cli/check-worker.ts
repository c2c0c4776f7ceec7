// A worker thread of `check --jobs N`: checks the histories it is sent, one at a time.
import { parentPort } from 'node:worker_threads';
import { checkFile, type CheckJob } from './check-file.ts';

parentPort!.on('message', (job: CheckJob) => {
  void checkFile(job).then(
    ({ history: _h, ...outcome }) => parentPort!.postMessage(outcome),
    (e: unknown) => parentPort!.postMessage({ file: job.file, ops: 0, crashed: e instanceof Error ? e.stack ?? e.message : String(e) }),
  );
});
