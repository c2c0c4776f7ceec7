// Maelstrom's pn-counter checker (also g-counter's): the counter is eventually consistent, so only
// the final reads — those begun after every add and every fault, once the system had time to
// recover — are checked. Each must be the sum of the acknowledged adds plus the deltas of some
// subset of the indeterminate (info) adds: the acceptable set, kept as disjoint integer ranges.
import type { CheckResult, History } from '../../src/types.ts';
import { pairIndex } from '../../src/history.ts';
import { say, type Explanation } from './values.ts';

export interface PnCounterResult extends CheckResult {
  'acknowledged-sum': number;
  'indeterminate-adds': number;
  /** The acceptable values of a final read, as closed ranges (the first 20). */
  acceptable: Array<[number, number]>;
  'final-reads': Array<{ index: number; node?: string; value: unknown }>;
  errors: Array<{ index: number; node?: string; value: unknown }>;
  headline: string;
  explanations: Explanation[];
}

/** Past this many ranges the set is widened to its hull (an over-approximation, said in the result). */
const MAX_RANGES = 10_000;

/** Adds {x + d : x ∈ ranges} to ranges (closed integer ranges, sorted, disjoint, non-adjacent). */
function widen(ranges: Array<[number, number]>, d: number): Array<[number, number]> {
  const all = [...ranges, ...ranges.map(([a, b]) => [a + d, b + d] as [number, number])].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

export function checkPnCounter(history: History): PnCounterResult {
  const pair = pairIndex(history);
  let sum = 0;
  const info: number[] = [];
  let lastAddOrFault = -1;
  for (const op of history) {
    if (op.process === 'nemesis') {
      lastAddOrFault = op.index;
      continue;
    }
    if (op.f !== 'add') continue;
    lastAddOrFault = op.index;
    if (op.type === 'ok') sum += Number(op.value);
    else if (op.type === 'info') info.push(Number(history[pair[op.index]]?.value ?? op.value));
  }
  let ranges: Array<[number, number]> = [[sum, sum]];
  let widened = false;
  for (const d of info) {
    if (!Number.isFinite(d) || d === 0) continue;
    ranges = widen(ranges, d);
    if (ranges.length > MAX_RANGES) {
      ranges = [[ranges[0][0], ranges[ranges.length - 1][1]]];
      widened = true;
    }
  }
  const ok = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && ranges.some(([a, b]) => v >= a && v <= b);
  const finals = history.filter((op) => op.f === 'read' && op.type === 'ok' && op.process !== 'nemesis' && pair[op.index] > lastAddOrFault);
  const errors = finals.filter((r) => !ok(r.value)).map((r) => ({ index: r.index, node: r.node, value: r.value }));
  const valid: CheckResult['valid'] = errors.length > 0 ? false : finals.length === 0 ? 'unknown' : true;
  const fmt = (r: [number, number]) => (r[0] === r[1] ? String(r[0]) : `${r[0]}..${r[1]}`);
  const accepted = ranges.slice(0, 3).map(fmt).join(', ') + (ranges.length > 3 ? ', …' : '');
  const allowed = info.length ? ` and ${info.length} indeterminate adds allow ${accepted}` : '';
  return {
    valid,
    explanations: errors.map((e) => ({ type: 'final-read', sentence: `The final read at index ${e.index}${e.node ? ` on ${e.node}` : ''} returned ${say(e.value)}, but the acknowledged adds sum to ${sum}${allowed}.`, ops: [e.index] })),
    'acknowledged-sum': sum,
    'indeterminate-adds': info.length,
    acceptable: ranges.slice(0, 20),
    'final-reads': finals.map((r) => ({ index: r.index, node: r.node, value: r.value })),
    errors,
    ...(widened ? { note: `too many indeterminate adds to track exactly: any value from ${ranges[0][0]} to ${ranges[0][1]} is accepted` } : {}),
    ...(finals.length === 0 ? { reason: 'no final read succeeded: nothing to check' } : {}),
    headline: errors.length
      ? `${errors.length} of ${finals.length} final reads outside ${accepted} (e.g. ${String(errors[0].value)} on ${errors[0].node ?? '?'})`
      : `${finals.length} final reads, acceptable ${accepted}`,
  };
}
