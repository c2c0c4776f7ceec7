// A worker thread of the linearizability checker: checks its share of the parts and reports each.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { checkPart } from './check.ts';
import { loadModel, type ModelSpec } from './index.ts';
import type { History } from '../../src/types.ts';

const { spec, parts, deadlineIn, memo } = workerData as { spec: ModelSpec; parts: Array<{ key: string; history: History }>; deadlineIn?: number; memo: number };
const deadline = deadlineIn === undefined ? undefined : performance.now() + deadlineIn;
const model = await loadModel(spec);
for (const p of parts) {
  const r = checkPart(p.key, p.history, model, { deadline, maxMemoBytes: memo });
  parentPort!.postMessage(r);
  if (r.valid === false) break;
}
