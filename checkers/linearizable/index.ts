// The linearizability checker: a history, a model (built-in by name, or a user's module by path)
// and budgets in; a verdict out, with each key's outcome and, when invalid, the op that could not
// be linearized and the window of ops that explains it. Independent keys are searched on several
// threads and round robin within each, so the first illegal key ends the check at once and an
// undecidable key cannot starve the others. Every budget (time, memory) ends in unknown with the
// reason, never in a crash or a hang; a history that does not fit its model is refused
// (HistoryMismatchError), and a user's model that throws is reported as its fault (ModelError).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Checker, History } from '../../src/types.ts';
import { combine, type LinearizableResult } from './check.ts';
import { guardModel } from './guard.ts';
import { builtinModel, checkInThread, isModelPath, loadUserModel, unwrapper, type ModelSpec } from './local.ts';
import type { Model } from './models.ts';
import { PartWorkers, searchParts } from './pool.ts';
import { partsOf } from './prepare.ts';
import { wallNow } from './runner.ts';
import { checkInWorker } from './user-model.ts';

export type { ModelSpec } from './local.ts';
export { isModelPath } from './local.ts';
export { MODELS, register, casRegister, multiRegister, mutex, fifoQueue, set, counter, keyedValue, type Model, type LinOp, type RegisterOptions } from './models.ts';
export { ModelError, HistoryMismatchError } from './errors.ts';
export type { LinearizableResult, WindowOp, KeyOutcome } from './check.ts';

export interface LinearizableOptions {
  /** Seconds; past it the undecided keys are unknown. */
  timeout?: number;
  /** Bytes for the search's memo over all threads (default 1 GiB); past it a key is unknown. */
  maxMemoBytes?: number;
  /** Threads to search on, this one included (default, for big multi-key histories: the cores
   *  not already busy, by the load average). */
  workers?: number;
}

/** Below this many ops in all, worker threads cost more (start-up, copying) than they save. */
const PARALLEL_MIN_OPS = 100_000;
const DEFAULT_MEMO_BYTES = 2 ** 30;

/** A model by spec: built-in by name (with init and options), or a user's module by path. */
export async function loadModel(spec: ModelSpec): Promise<Model<any>> {
  if (spec.model) return guardModel(spec.model, spec.name);
  return isModelPath(spec.name) ? loadUserModel(spec) : builtinModel(spec);
}

export async function checkLinearizable(history: History, spec: ModelSpec, o: LinearizableOptions = {}): Promise<LinearizableResult> {
  const started = performance.now();
  const deadline = o.timeout !== undefined ? wallNow() + o.timeout * 1000 : undefined;
  const memoBytes = o.maxMemoBytes ?? DEFAULT_MEMO_BYTES;
  if (spec.model) return checkInThread(history, guardModel(spec.model, spec.name), { deadline, memoBytes });
  if (isModelPath(spec.name)) return checkInWorker(history, spec, { deadline, memoBytes });
  const model = builtinModel(spec);
  // A big history likely splits into several parts: workers start now, while it is split.
  // Worker threads pay only on idle cores: on a busy machine they slow everything down.
  const cores = Math.max(1, Math.min(os.availableParallelism(), os.availableParallelism() + 1 - Math.round(os.loadavg()[0])));
  const early = o.workers ?? (history.length >= 2 * PARALLEL_MIN_OPS ? cores : 1);
  const pool = new PartWorkers(Math.max(0, early - 1), { name: spec.name, init: spec.init, options: spec.options }, deadline);
  try {
    const parts = partsOf(history, model);
    const total = parts.reduce((s, p) => s + p.n, 0);
    const threads = o.workers ?? (parts.length > 1 && total >= PARALLEL_MIN_OPS ? cores : 1);
    const reports = await searchParts(parts, model, { threads, deadline, memoBytes }, pool);
    return combine(model.name, history, reports, parts.length, performance.now() - started, unwrapper(model));
  } finally {
    pool.close();
  }
}

/** For runs: the linearizability checker as a Checker. */
export function linearizableChecker(spec: ModelSpec, o: LinearizableOptions = {}): Checker<LinearizableResult> {
  return { check: (_test, history) => checkLinearizable(history, spec, o) };
}
