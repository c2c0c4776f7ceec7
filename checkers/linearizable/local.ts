// Models by spec (built-in by name, or a user's module by path) and a whole check in the current
// thread: split, search every part round robin, fold the reports.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../../src/errors.ts';
import type { History } from '../../src/types.ts';
import { shortText } from '../../src/util/safe-text.ts';
import { combine, type LinearizableResult, type PartReport } from './check.ts';
import { ModelError } from './errors.ts';
import { guardModel } from './guard.ts';
import { MODELS, type Model } from './models.ts';
import { partsOf, type Part } from './prepare.ts';
import { runParts } from './runner.ts';
import { performance } from 'node:perf_hooks';

/** A model by built-in name, or a module path exporting a model (or a factory taking init and
 *  options); or, in this process only, a model object (its step cannot be stopped by the
 *  deadline if it never returns: prefer a module path). */
export interface ModelSpec {
  name: string;
  init?: unknown;
  options?: unknown;
  model?: Model<any>;
}

export function isModelPath(name: string): boolean {
  return /[/\\]|\.(c|m)?(ts|js)$/.test(name);
}

export function builtinModel(spec: ModelSpec): Model<any> {
  const make = Object.hasOwn(MODELS, spec.name) ? MODELS[spec.name] : undefined;
  if (!make) throw new UsageError(`Unknown model ${shortText(spec.name, 60)}; built-in models are: ${Object.keys(MODELS).join(', ')} (or a path to your own model module).`);
  return make(spec.init, spec.options);
}

/** Loads a user's model module: its default export (or export named "model") is a model, or a
 *  factory called with (init, options). What fails in the user's code is a ModelError. */
export async function loadUserModel(spec: ModelSpec): Promise<Model<any>> {
  const name = spec.name;
  let mod: Record<string, unknown>;
  try {
    // tsImport loads a TypeScript module wherever it lives (a .ts file outside any ESM package
    // would otherwise be taken for CommonJS).
    const url = pathToFileURL(path.resolve(name)).href;
    // (tsx is loaded only for a TypeScript model: it costs a lot to load.)
    mod = (/\.(c|m)?ts$/.test(name) ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url) : await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new ModelError(name, 'the module could not be loaded', e);
  }
  // A module loaded as CommonJS arrives wrapped once more (default.default).
  const unwrap = (m: Record<string, unknown>) => (Object.hasOwn(m, 'default') ? m.default : Object.hasOwn(m, 'model') ? m.model : undefined);
  let exported = unwrap(mod);
  if (exported && typeof exported === 'object' && typeof (exported as Model).step !== 'function') exported = unwrap(exported as Record<string, unknown>) ?? exported;
  let model: unknown = exported;
  if (typeof exported === 'function') {
    try {
      model = (exported as (init: unknown, options: unknown) => unknown)(spec.init, spec.options);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new ModelError(name, 'its factory threw', e);
    }
  }
  if (!model || typeof model !== 'object' || typeof (model as Model).step !== 'function' || typeof (model as Model).init !== 'function') {
    throw new ModelError(name, 'the module must export a model (an object with init and step), or a function returning one, as default or as "model"');
  }
  return guardModel(model as Model<any>, name);
}

export interface ThreadCheckOptions {
  deadline?: number;
  memoBytes: number;
  /** Told the parts once split, and each part's report as it is decided. */
  onParts?(parts: readonly Part[]): void;
  onReport?(index: number, report: PartReport): void;
}

/** Splits the history and searches every part here, round robin; the first invalid part ends it. */
export async function checkInThread(history: History, model: Model<any>, o: ThreadCheckOptions): Promise<LinearizableResult> {
  const started = performance.now();
  const parts = partsOf(history, model);
  o.onParts?.(parts);
  const reports: PartReport[] = new Array(parts.length);
  await runParts(parts, model, {
    deadline: o.deadline,
    memoBytes: o.memoBytes,
    onReport: (i, r) => {
      reports[i] = r;
      o.onReport?.(i, r);
      return r.valid === false;
    },
  });
  return combine(model.name, history, reports.filter(Boolean), parts.length, performance.now() - started, unwrapper(model));
}

/** The value the model saw in an op of the history (keyed values unwrapped). */
export function unwrapper(model: Model<any>): (v: unknown) => unknown {
  const keyOf = model.keyOf;
  if (!keyOf) return (v) => v;
  return (v) => {
    const k = keyOf(v);
    return k ? k.value : v;
  };
}
