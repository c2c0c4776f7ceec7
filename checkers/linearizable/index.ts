// The linearizability checker: loads the model, splits the history into independent parts, and
// checks them, in parallel worker threads when there is enough work. The first illegal part ends
// the check (the other workers are stopped). Budgets end in unknown, never in a crash or a hang.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';
import type { Checker, History } from '../../src/types.ts';
import { sibling, workerUrl } from '../../src/util/paths.ts';
import { MODELS, type Model, type RegisterOptions } from './models.ts';
import { checkPart, combineParts, type LinearizableResult, type PartResult } from './check.ts';

/** A model by built-in name, or a module path exporting a model (or a factory taking init). */
export interface ModelSpec {
  name: string;
  init?: unknown;
  options?: RegisterOptions;
}

export interface LinearizableOptions {
  /** Seconds; past it the result is unknown. */
  timeout?: number;
  /** Bytes of memo, over all workers; past it the result is unknown. */
  maxMemoBytes?: number;
  /** Worker threads (default: the cores, for more than one part with enough ops). */
  workers?: number;
}

export function isModelPath(name: string): boolean {
  return /[/\\]|\.(ts|js|mjs)$/.test(name);
}

export async function loadModel(spec: ModelSpec): Promise<Model<any>> {
  if (!isModelPath(spec.name)) {
    const make = MODELS[spec.name];
    if (!make) throw new Error(`unknown model "${spec.name}"; built-in models are: ${Object.keys(MODELS).join(', ')}`);
    return spec.name === 'register' || spec.name === 'cas-register' ? (make as (i: unknown, o?: RegisterOptions) => Model<any>)(spec.init, spec.options) : make(spec.init);
  }
  // tsImport loads a TypeScript module wherever it lives (a .ts file outside any ESM package
  // would otherwise be taken for CommonJS).
  const url = pathToFileURL(path.resolve(spec.name)).href;
  const mod = (/\.(c|m)?ts$/.test(spec.name) ? await tsImport(url, import.meta.url) : await import(url)) as Record<string, unknown>;
  // A module loaded as CommonJS arrives wrapped once more (default.default).
  const unwrap = (m: Record<string, unknown>) => m.default ?? m.model;
  let exported = unwrap(mod);
  if (exported && typeof exported === 'object' && typeof (exported as Model).step !== 'function') exported = unwrap(exported as Record<string, unknown>) ?? exported;
  const model = typeof exported === 'function' ? (exported as (init: unknown) => Model<any>)(spec.init) : exported;
  if (!model || typeof (model as Model).step !== 'function' || typeof (model as Model).init !== 'function') {
    throw new Error(`${spec.name} must export a model (an object with init and step) as default or as "model"`);
  }
  return model as Model<any>;
}

// Measured on 2 cores: at 100k ops one thread takes 0.19 s and two workers 0.45 s (start-up and
// copying dominate); at 1M ops one thread takes 10.9 s and two workers 5.4 s.
const PARALLEL_MIN_OPS = 200_000;
const workerEntry = workerUrl(sibling(import.meta.url, './worker'));

export async function checkLinearizable(history: History, spec: ModelSpec, o: LinearizableOptions = {}): Promise<LinearizableResult> {
  const started = performance.now();
  const model = await loadModel(spec);
  const parts = model.partition ? model.partition(history) : [{ key: '*', history: history.filter((op) => op.process !== 'nemesis') }];
  const deadline = o.timeout !== undefined ? started + o.timeout * 1000 : undefined;
  const maxMemo = o.maxMemoBytes ?? 2 * 1024 ** 3;
  const total = parts.reduce((s, p) => s + p.history.length, 0);
  const workers = Math.min(o.workers ?? os.availableParallelism(), parts.length);
  // Workers pay off only for big histories, unless asked for explicitly.
  if (workers <= 1 || (o.workers === undefined && total < PARALLEL_MIN_OPS)) {
    const results: PartResult[] = [];
    for (const p of parts) {
      const r = checkPart(p.key, p.history, model, { deadline, maxMemoBytes: maxMemo });
      results.push(r);
      if (r.valid === false) break;
    }
    return combineParts(model.name, results, started, parts.length);
  }
  return combineParts(model.name, await inWorkers(parts, spec, workers, deadline, maxMemo / workers), started, parts.length);
}

/** Spreads parts over worker threads, biggest first to the least loaded; stops at the first illegal part. */
async function inWorkers(parts: Array<{ key: string; history: History }>, spec: ModelSpec, n: number, deadline: number | undefined, memoPerWorker: number): Promise<PartResult[]> {
  const buckets: Array<{ load: number; parts: typeof parts }> = Array.from({ length: n }, () => ({ load: 0, parts: [] }));
  for (const p of [...parts].sort((a, b) => b.history.length - a.history.length)) {
    const b = buckets.reduce((x, y) => (y.load < x.load ? y : x));
    b.parts.push(p);
    b.load += p.history.length;
  }
  const results: PartResult[] = [];
  const pool: Worker[] = [];
  await new Promise<void>((resolve, reject) => {
    let running = n;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const w of pool) void w.terminate();
      resolve();
    };
    const timer = setTimeout(() => {
      for (const p of parts) if (!results.some((r) => r.key === p.key)) results.push({ key: p.key, valid: 'unknown', ops: 0, configurations: 0, reason: 'check timeout' });
      finish();
    }, deadline === undefined ? 2 ** 31 - 1 : Math.max(0, deadline - performance.now()));
    for (const b of buckets) {
      const w = new Worker(workerEntry, {
        workerData: { spec, parts: b.parts, deadlineIn: deadline === undefined ? undefined : deadline - performance.now(), memo: memoPerWorker },
      });
      pool.push(w);
      w.on('message', (r: PartResult) => {
        results.push(r);
        if (r.valid === false) finish();
      });
      w.on('error', (e) => {
        if (!settled) {
          settled = true;
          for (const x of pool) void x.terminate();
          reject(e);
        }
      });
      w.on('exit', () => {
        if (--running === 0) finish();
      });
    }
  });
  return results;
}

/** For runs: the linearizability checker as a Checker. */
export function linearizableChecker(spec: ModelSpec, o: LinearizableOptions = {}): Checker<LinearizableResult> {
  return { check: (_test, history) => checkLinearizable(history, spec, o) };
}
