// Linearizability of a history against a model, with P-compositionality: independent parts
// (keys) are checked separately, and the first illegal part decides. An invalid result names the
// op that could not be linearized, the model states it could have found, and the window of ops
// concurrent with it.
import { performance } from 'node:perf_hooks';
import type { CheckResult, History, Op } from '../../src/types.ts';
import type { Model } from './models.ts';
import { search, searchOps, type SearchBudget, type SearchOp } from './search.ts';

export interface WindowOp {
  process: number | string;
  f: string;
  value: unknown;
  output?: unknown;
  type: 'ok' | 'info';
  'invoke-index': number;
  'complete-index': number | null;
  start: number; // ns
  end: number | null; // ns; null = never known to complete
  culprit?: true;
}

export interface LinearizableResult extends CheckResult {
  model: string;
  parts: number;
  'ops-checked': number;
  configurations: number;
  key?: string;
  culprit?: Op;
  'culprit-invoke'?: Op;
  'last-states'?: string[];
  'linearized-prefix'?: number;
  window?: WindowOp[];
  reason?: string;
  'time-ms': number;
}

export interface PartResult {
  key: string;
  valid: true | false | 'unknown';
  ops: number;
  configurations: number;
  reason?: string;
  culprit?: Op;
  culpritInvoke?: Op;
  states?: string[];
  linearized?: number;
  window?: WindowOp[];
}

const WINDOW_MAX = 40;
const WINDOW_BEFORE = 3;

/** Checks one independent part (already unwrapped for the model). */
export function checkPart(key: string, history: History, model: Model<any>, budget: SearchBudget): PartResult {
  const ops = searchOps(history, model);
  const r = search(ops, model, budget);
  const base = { key, valid: r.valid, ops: r.ops, configurations: r.configurations };
  if (r.valid === true) return base;
  if (r.valid === 'unknown') return { ...base, reason: r.reason };
  const describe = model.describe ?? ((s: unknown) => JSON.stringify(s));
  return {
    ...base,
    culprit: history[r.culprit.completeIndex],
    culpritInvoke: history[r.culprit.invokeIndex],
    states: r.states.map(describe),
    linearized: r.linearized,
    window: windowAround(r.culprit, ops, history),
  };
}

/** The culprit and the ops that explain it: the last few ops completed before it began, and
 *  every op overlapping the span from the earliest of those to the culprit's completion. */
function windowAround(c: SearchOp, ops: SearchOp[], history: History): WindowOp[] {
  const before = ops
    .filter((o) => !o.indeterminate && o.completeIndex < c.invokeIndex)
    .sort((a, b) => b.completeIndex - a.completeIndex)
    .slice(0, WINDOW_BEFORE);
  const from = before.reduce((m, o) => Math.min(m, o.invokeIndex), c.invokeIndex);
  const overlaps = (o: SearchOp) => o.invokeIndex <= c.completeIndex && (o.indeterminate || o.completeIndex >= from);
  const chosen = ops
    .filter(overlaps)
    .sort((a, b) => Math.abs(a.invokeIndex - c.invokeIndex) - Math.abs(b.invokeIndex - c.invokeIndex))
    .slice(0, WINDOW_MAX)
    .sort((a, b) => a.invokeIndex - b.invokeIndex);
  return chosen.map((o) => {
    const inv = history[o.invokeIndex];
    const done = o.indeterminate ? null : history[o.completeIndex];
    return {
      process: inv.process as number,
      f: o.f,
      value: o.input ?? null,
      ...(o.indeterminate ? {} : { output: o.output ?? null }),
      type: o.indeterminate ? 'info' : 'ok',
      'invoke-index': inv.index,
      'complete-index': done ? done.index : null,
      start: inv.time,
      end: done ? done.time : null,
      ...(o === c ? { culprit: true as const } : {}),
    };
  });
}

/** Folds part results into one: the first invalid part decides; otherwise any unknown. */
export function combineParts(model: string, parts: PartResult[], startedAt: number, totalParts = parts.length): LinearizableResult {
  const bad = parts.find((p) => p.valid === false);
  const unknown = parts.find((p) => p.valid === 'unknown');
  const summary = {
    model,
    parts: totalParts,
    'ops-checked': parts.reduce((s, p) => s + p.ops, 0),
    configurations: parts.reduce((s, p) => s + p.configurations, 0),
    'time-ms': Math.round(performance.now() - startedAt),
  };
  if (bad) {
    return {
      valid: false,
      ...summary,
      ...(bad.key !== '*' ? { key: bad.key } : {}),
      culprit: bad.culprit,
      'culprit-invoke': bad.culpritInvoke,
      'last-states': bad.states,
      'linearized-prefix': bad.linearized,
      window: bad.window,
    };
  }
  if (unknown) return { valid: 'unknown', ...summary, reason: `${unknown.key !== '*' ? `key ${unknown.key}: ` : ''}${unknown.reason}` };
  return { valid: true, ...summary };
}
