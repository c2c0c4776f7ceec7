// Parts of a history searched on several threads: this one and worker threads, each taking a
// share of the parts (biggest first to the least loaded) and searching its share round robin. The
// first invalid part anywhere stops every thread. Workers can be started before the history is
// split (their start-up overlaps that work); parts travel to them as typed arrays, transferred
// rather than copied, plus the plain values a model reads.
import { Worker } from 'node:worker_threads';
import { sibling, workerUrl } from '../../src/util/paths.ts';
import { keyLabel, type PartReport } from './check.ts';
import { errorFromWorker, type WorkerMessage } from './worker-protocol.ts';
import type { Model } from './models.ts';
import type { Part } from './prepare.ts';
import { runParts, wallNow } from './runner.ts';

export const workerEntry = workerUrl(sibling(import.meta.url, './worker'));

/** A built-in model as a worker rebuilds it. */
export interface BuiltinSpec {
  name: string;
  init?: unknown;
  options?: unknown;
}

export interface PoolOptions {
  threads: number;
  deadline?: number;
  memoBytes: number;
}

/** Worker threads waiting for their share of the parts. */
export class PartWorkers {
  readonly workers: Worker[] = [];
  constructor(count: number, readonly spec: BuiltinSpec, readonly deadline: number | undefined) {
    for (let k = 0; k < count; k++) this.workers.push(new Worker(workerEntry, { workerData: { kind: 'parts', spec, deadline } }));
  }
  close(): void {
    for (const w of this.workers) void w.terminate();
  }
}

/** Reports for every part (in the parts' order), searched on `threads` threads (using the
 *  workers given, starting more if need be). */
export async function searchParts(parts: readonly Part[], model: Model<any>, o: PoolOptions, pool: PartWorkers): Promise<PartReport[]> {
  const reports: Array<PartReport | undefined> = new Array(parts.length);
  const threads = Math.max(1, Math.min(o.threads, parts.length));
  const perThread = o.memoBytes / threads;
  // Workers not needed go; missing ones are started.
  for (const w of pool.workers.splice(threads - 1)) void w.terminate();
  while (pool.workers.length < threads - 1) pool.workers.push(new PartWorkers(1, pool.spec, pool.deadline).workers[0]);
  if (threads === 1) {
    await runParts(parts, model, { deadline: o.deadline, memoBytes: perThread, onReport: (i, r) => ((reports[i] = r), r.valid === false) });
    return fill(parts, reports);
  }
  const buckets: number[][] = Array.from({ length: threads }, () => []);
  const load = new Array<number>(threads).fill(0);
  const order = parts.map((_, i) => i).sort((a, b) => parts[b].n - parts[a].n);
  for (const i of order) {
    let t = 0;
    for (let k = 1; k < threads; k++) if (load[k] < load[t]) t = k;
    buckets[t].push(i);
    load[t] += parts[i].n + 1;
  }
  // A share that cannot be sent (a value nested deeper than the structured clone can go) is
  // searched here instead.
  for (let k = pool.workers.length - 1; k >= 0; k--) {
    const mine = buckets[k + 1].map((i) => parts[i]);
    const transfer = mine.flatMap((p) => [p.events, p.invokeIndex, p.completeIndex, ...(p.reg ? [p.reg.code, p.reg.a, p.reg.b] : [])].map((a) => a.buffer)) as ArrayBuffer[];
    try {
      pool.workers[k].postMessage({ parts: mine, indices: buckets[k + 1], memoBytes: perThread }, transfer);
    } catch {
      void pool.workers[k].terminate();
      pool.workers.splice(k, 1);
      buckets[0].push(...buckets.splice(k + 1, 1)[0]);
    }
  }
  let stopped = false;
  const stopWorkers = () => pool.close();
  let failure: unknown = null;
  const exited = pool.workers.map(
    (w) =>
      new Promise<void>((resolve) => {
        w.on('message', (m: WorkerMessage) => {
          if (m.type === 'report') {
            reports[m.index] = m.report;
            if (m.report.valid === false && !stopped) {
              stopped = true;
              stopWorkers();
            }
          } else if (m.type === 'error') {
            failure ??= errorFromWorker(m);
            stopped = true;
            stopWorkers();
          }
        });
        w.on('error', (e) => {
          failure ??= e;
          stopped = true;
          stopWorkers();
        });
        w.on('exit', () => resolve());
      }),
  );
  // A worker that ignores its deadline (it should not) is stopped a second after it.
  const backstop = o.deadline === undefined ? undefined : setTimeout(stopWorkers, Math.max(0, o.deadline - wallNow()) + 1000);
  try {
    const mine = buckets[0].map((i) => parts[i]);
    await runParts(mine, model, {
      deadline: o.deadline,
      memoBytes: perThread,
      onReport: (k, r) => {
        reports[buckets[0][k]] = r;
        if (r.valid === false && !stopped) {
          stopped = true;
          stopWorkers();
        }
        return stopped;
      },
      stopped: () => stopped,
    });
  } catch (e) {
    stopWorkers();
    throw e;
  } finally {
    await Promise.all(exited);
    if (backstop) clearTimeout(backstop);
  }
  if (failure) throw failure;
  return fill(parts, reports);
}

/** Parts that never got a report (their thread was stopped) are unknown. */
function fill(parts: readonly Part[], reports: Array<PartReport | undefined>): PartReport[] {
  const invalid = reports.some((r) => r?.valid === false);
  return parts.map((p, i) => reports[i] ?? { key: keyLabel(p.key), valid: 'unknown', reason: invalid ? 'stopped: another key is not linearizable' : 'check timeout', ops: p.n, configurations: 0, 'time-ms': 0 });
}
