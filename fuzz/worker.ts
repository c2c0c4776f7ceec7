// A worker thread of `npm run fuzz`: runs the command line's own main() (what bin/jepsen-ts.js
// runs, exit-code mapping included) on each argument list it is sent, with stdout and stderr
// captured, and answers with the exit code. A case that never ends is the parent's to stop.
import { parentPort } from 'node:worker_threads';
import { main } from '../src/cli/main.ts';

export interface FuzzJob {
  id: number;
  args: string[];
}

export interface FuzzAnswer {
  id: number;
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

const KEEP = 64 * 1024;

parentPort!.on('message', (job: FuzzJob) => {
  let stdout = '';
  let stderr = '';
  const text = (c: unknown) => (typeof c === 'string' ? c : Buffer.from(c as Uint8Array).toString('utf8'));
  const out = process.stdout.write;
  const err = process.stderr.write;
  // (Captured, and kept bounded: a case may print a long counterexample.)
  process.stdout.write = ((c: unknown) => ((stdout = (stdout + text(c)).slice(0, KEEP)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: unknown) => ((stderr = (stderr + text(c)).slice(0, KEEP)), true)) as typeof process.stderr.write;
  const started = performance.now();
  void main(job.args)
    .catch((e: unknown) => {
      // main() turns every error into an exit code; one that escapes it is a crash too.
      stderr += `main() threw: ${e instanceof Error ? e.stack : String(e)}`;
      return -1;
    })
    .then((code) => {
      process.stdout.write = out;
      process.stderr.write = err;
      const answer: FuzzAnswer = { id: job.id, code, stdout, stderr, ms: performance.now() - started };
      parentPort!.postMessage(answer);
    });
});
