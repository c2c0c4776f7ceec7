// What a part's search found, told in the history's terms: per key, the verdict and its cost; for
// an invalid key, the op that could not be linearized, the states it was stuck in, and the window
// of ops that explains it, each with the model states before and after it where the longest
// linearizable prefix fixes them. Then the parts folded into one result.
import type { CheckResult, History, Op } from '../../src/types.ts';
import type { Kernel } from './kernel.ts';
import type { Part } from './prepare.ts';
import type { Outcome, Verdict } from './search.ts';

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
  /** Model states (described) before and after the op, on the longest linearizable prefix, and
   *  the op's place in that linearization (0-based). */
  'state-before'?: string;
  'state-after'?: string;
  'linearized-position'?: number;
}

/** One key's outcome, as listed in the result. */
export interface KeyOutcome {
  key: string;
  valid: Verdict;
  reason?: string;
  ops: number;
  configurations: number;
  'time-ms': number;
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
  /** Invalid and unknown keys first, then valid ones, at most KEYS_LISTED. */
  keys: KeyOutcome[];
  'key-counts': { valid: number; invalid: number; unknown: number };
  'time-ms': number;
}

/** A part's report, in indices of the history the part was prepared from (what a worker sends). */
export interface PartReport extends KeyOutcome {
  culprit?: { invoke: number; complete: number };
  states?: string[];
  linearized?: number;
  window?: Array<{ invoke: number; complete: number; before?: string; after?: string; position?: number; culprit?: true }>;
}

/** A key as shown: its canonical text, cut short when long (the full key is in the history). */
export const keyLabel = (k: string) => (k.length > 200 ? `${k.slice(0, 200)}… (${k.length} characters)` : k);

const WINDOW_MAX = 40;
const WINDOW_BEFORE = 3;
export const KEYS_LISTED = 100;

export function partReport(part: Part, kernel: Kernel | null, o: Outcome, timeMs: number): PartReport {
  const base: PartReport = { key: keyLabel(part.key), valid: o.valid, ...(o.reason ? { reason: o.reason } : {}), ops: part.n, configurations: o.configurations, 'time-ms': Math.round(timeMs) };
  if (o.valid !== false || o.culprit === undefined || !kernel) return base;
  const c = o.culprit;
  const states = new Map<number, { before: string; after: string; position: number }>();
  const path = o.path ?? [];
  const first = (o.linearized ?? path.length) - path.length;
  path.forEach((p, k) => states.set(p.op, { before: kernel.describe(p.before), after: kernel.describe(p.after), position: first + k }));
  return {
    ...base,
    culprit: { invoke: part.invokeIndex[c], complete: part.completeIndex[c] },
    states: (o.states ?? []).map((s) => kernel.describe(s)),
    linearized: o.linearized,
    window: windowAround(part, c).map((i) => {
      const st = states.get(i);
      return { invoke: part.invokeIndex[i], complete: part.completeIndex[i], ...(st ? { before: st.before, after: st.after, position: st.position } : {}), ...(i === c ? { culprit: true as const } : {}) };
    }),
  };
}

/** The culprit and the ops that explain it: the last few ops completed before it began, and
 *  every op overlapping the span from the earliest of those to the culprit's completion. */
function windowAround(part: Part, c: number): number[] {
  const { invokeIndex: inv, completeIndex: done } = part;
  const before: number[] = [];
  for (let i = 0; i < part.n; i++) if (done[i] >= 0 && done[i] < inv[c]) before.push(i);
  before.sort((a, b) => done[b] - done[a]);
  const from = before.slice(0, WINDOW_BEFORE).reduce((m, i) => Math.min(m, inv[i]), inv[c]);
  const chosen: number[] = [];
  for (let i = 0; i < part.n; i++) if (inv[i] <= done[c] && (done[i] < 0 || done[i] >= from)) chosen.push(i);
  return chosen
    .sort((a, b) => Math.abs(inv[a] - inv[c]) - Math.abs(inv[b] - inv[c]))
    .slice(0, WINDOW_MAX)
    .sort((a, b) => inv[a] - inv[b]);
}

/** Folds part reports into the result; `unwrap` gives the value the model saw in an op. */
export function combine(model: string, history: History, reports: PartReport[], totalParts: number, timeMs: number, unwrap: (v: unknown) => unknown): LinearizableResult {
  const counts = { valid: 0, invalid: 0, unknown: 0 };
  for (const r of reports) counts[r.valid === true ? 'valid' : r.valid === false ? 'invalid' : 'unknown']++;
  const rank = (r: PartReport) => (r.valid === false ? 0 : r.valid === 'unknown' ? 1 : 2);
  const keys = [...reports]
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, KEYS_LISTED)
    .map((r): KeyOutcome => ({ key: r.key, valid: r.valid, ...(r.reason ? { reason: r.reason } : {}), ops: r.ops, configurations: r.configurations, 'time-ms': r['time-ms'] }));
  const summary = {
    model,
    parts: totalParts,
    'ops-checked': reports.reduce((s, p) => s + p.ops, 0),
    configurations: reports.reduce((s, p) => s + p.configurations, 0),
    keys,
    'key-counts': counts,
    'time-ms': Math.round(timeMs),
  };
  const bad = reports.find((p) => p.valid === false && p.culprit);
  if (bad && bad.culprit) {
    return {
      valid: false,
      ...summary,
      ...(bad.key !== '*' ? { key: bad.key } : {}),
      culprit: history[bad.culprit.complete],
      'culprit-invoke': history[bad.culprit.invoke],
      'last-states': bad.states,
      'linearized-prefix': bad.linearized,
      window: (bad.window ?? []).map((w) => windowOp(history, w, unwrap)),
    };
  }
  const unknown = reports.find((p) => p.valid === 'unknown');
  if (unknown || reports.length < totalParts) {
    const reason = unknown ? `${unknown.key !== '*' ? `key ${unknown.key}: ` : ''}${unknown.reason}` : 'not every key was checked';
    return { valid: 'unknown', ...summary, reason };
  }
  return { valid: true, ...summary };
}

function windowOp(history: History, w: NonNullable<PartReport['window']>[number], unwrap: (v: unknown) => unknown): WindowOp {
  const inv = history[w.invoke];
  const done = w.complete >= 0 ? history[w.complete] : null;
  return {
    process: inv.process,
    f: inv.f,
    value: unwrap(inv.value) ?? null,
    ...(done ? { output: unwrap(done.value) ?? null } : {}),
    type: done ? 'ok' : 'info',
    'invoke-index': inv.index,
    'complete-index': done ? done.index : null,
    start: inv.time,
    end: done ? done.time : null,
    ...(w.culprit ? { culprit: true as const } : {}),
    ...(w.before !== undefined ? { 'state-before': w.before, 'state-after': w.after, 'linearized-position': w.position } : {}),
  };
}
