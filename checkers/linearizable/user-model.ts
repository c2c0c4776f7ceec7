// A check with a user's model runs whole in a worker thread, which this thread terminates at the
// deadline: --check-timeout holds even when the model's step never returns. The worker's heap is
// bounded too; running out of it is an unknown verdict, not a crash.
import { Worker } from 'node:worker_threads';
import type { History } from '../../src/types.ts';
import { combine, type LinearizableResult, type PartReport } from './check.ts';
import type { ModelSpec } from './local.ts';
import { workerEntry } from './pool.ts';
import { wallNow } from './runner.ts';
import { errorFromWorker, type WorkerMessage } from './worker-protocol.ts';

/** How long past the deadline the worker may take to give its own answer before it is stopped. */
const GRACE_MS = 100;

export function checkInWorker(history: History, spec: ModelSpec, o: { deadline?: number; memoBytes: number }): Promise<LinearizableResult> {
  const started = wallNow();
  const heapMb = Math.max(512, Math.ceil((2 * o.memoBytes) / 2 ** 20) + 256);
  let w: Worker;
  try {
    w = new Worker(workerEntry, {
      workerData: { kind: 'user', spec: { name: spec.name, init: spec.init, options: spec.options }, history, deadline: o.deadline, memoBytes: o.memoBytes },
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
  } catch (e) {
    // The history (or init) could not be copied to the worker: a value nested deeper than the
    // structured clone goes. The model cannot be run where it can be stopped, so it is not run.
    if (!(e instanceof RangeError) && (e as { name?: string }).name !== 'DataCloneError') throw e;
    const reason = 'the history holds a value nested too deep to hand to the model, which runs in a worker thread';
    return Promise.resolve(combine(spec.name, history, [{ key: '*', valid: 'unknown', reason, ops: 0, configurations: 0, 'time-ms': 0 }], 1, wallNow() - started, (v) => v));
  }
  let keys: Array<{ key: string; ops: number }> = [];
  const reports = new Map<number, PartReport>();
  return new Promise<LinearizableResult>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      void w.terminate();
      f();
    };
    // Parts the worker never reported on are unknown, for the reason it was stopped.
    const giveUp = (reason: string) =>
      settle(() => {
        const all = keys.map((k, i): PartReport => reports.get(i) ?? { key: k.key, valid: 'unknown', reason, ops: k.ops, configurations: 0, 'time-ms': 0 });
        const r = combine(spec.name, history, all.length ? all : [{ key: '*', valid: 'unknown', reason, ops: 0, configurations: 0, 'time-ms': 0 }], Math.max(1, keys.length), wallNow() - started, (v) => v);
        resolve(r.valid === 'unknown' ? { ...r, reason } : r);
      });
    const timer = o.deadline === undefined ? undefined : setTimeout(() => giveUp(`check timeout (model ${spec.name} was stopped at the deadline)`), Math.max(0, o.deadline - wallNow()) + GRACE_MS);
    w.on('message', (m: WorkerMessage) => {
      if (m.type === 'parts') keys = m.keys;
      else if (m.type === 'report') reports.set(m.index, m.report);
      else if (m.type === 'result') settle(() => resolve(m.result));
      else settle(() => reject(errorFromWorker(m)));
    });
    w.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') giveUp(`memory ceiling reached (the model's worker used its ${heapMb} MiB heap)`);
      else settle(() => reject(e));
    });
    w.on('exit', (code) => {
      if (!settled) settle(() => reject(new Error(`linearizability checker worker exited (code ${code}) without an answer`)));
    });
  });
}
