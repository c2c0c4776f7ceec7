// A worker thread of the linearizability checker. Two jobs:
// - "parts": a share of the parts of a history checked with a built-in model (prepared by the
//   starting thread); each part's report is sent as soon as it is decided;
// - "user": a whole check with a user's model, which must run where a deadline can stop it (the
//   starting thread terminates this worker at the deadline, even if the model's step never
//   returns). Everything that calls the model's code runs here: loading, partition, check, search.
import { parentPort, workerData } from 'node:worker_threads';
import type { History } from '../../src/types.ts';
import { runParts } from './runner.ts';
import { keyLabel } from './check.ts';
import { errorToMessage, type WorkerMessage } from './worker-protocol.ts';
import type { Part } from './prepare.ts';
import { builtinModel, checkInThread, loadUserModel, type ModelSpec } from './local.ts';

type Job =
  | { kind: 'parts'; spec: ModelSpec; deadline?: number }
  | { kind: 'user'; spec: ModelSpec; history: History; deadline?: number; memoBytes: number };
/** The share of a "parts" job, sent once the history is split. */
interface Share {
  parts: Part[];
  indices: number[];
  memoBytes: number;
}

const post = (m: WorkerMessage) => parentPort!.postMessage(m);
const job = workerData as Job;

try {
  if (job.kind === 'parts') {
    const model = builtinModel(job.spec);
    const share = await new Promise<Share>((resolve) => parentPort!.once('message', resolve));
    await runParts(share.parts, model, {
      deadline: job.deadline,
      memoBytes: share.memoBytes,
      onReport: (k, report) => {
        post({ type: 'report', index: share.indices[k], report });
        return report.valid === false;
      },
    });
  } else {
    const model = await loadUserModel(job.spec);
    const result = await checkInThread(job.history, model, {
      deadline: job.deadline,
      memoBytes: job.memoBytes,
      onParts: (parts) => post({ type: 'parts', keys: parts.map((p) => ({ key: keyLabel(p.key), ops: p.n })) }),
      onReport: (index, report) => post({ type: 'report', index, report }),
    });
    post({ type: 'result', result });
  }
} catch (e) {
  post({ type: 'error', ...errorToMessage(e) });
}
