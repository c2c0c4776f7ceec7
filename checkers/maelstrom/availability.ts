// Maelstrom's availability goal (--availability): none by default; "total" means every operation
// must succeed; a fraction 0..1 is a lower bound on the share of operations that succeed. Counts
// client operations only.
import type { CheckResult, Checker, History } from '../../src/types.ts';

/** An availability goal: "total", or a fraction from 0 to 1 (as a number or its text). */
export type Availability = 'total' | number;

/** Parses the option's text; undefined when it is not a goal. */
export function parseAvailability(v: unknown): Availability | undefined {
  if (v === 'total') return 'total';
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

export interface AvailabilityResult extends CheckResult {
  goal: Availability;
  'ok-fraction': number;
}

export function checkAvailability(history: History, goal: Availability): AvailabilityResult {
  let invokes = 0;
  let oks = 0;
  for (const op of history) {
    if (op.process === 'nemesis') continue;
    if (op.type === 'invoke') invokes++;
    else if (op.type === 'ok') oks++;
  }
  const fraction = invokes === 0 ? 1 : oks / invokes;
  const valid = goal === 'total' ? fraction === 1 : fraction >= goal;
  return { valid, goal, 'ok-fraction': fraction, ...(valid ? {} : { reason: `only ${(fraction * 100).toFixed(1)}% of operations succeeded; the goal was ${goal === 'total' ? 'all of them' : `${goal * 100}%`}` }) };
}

/** The workload's checker, with the availability goal checked too (when there is one). */
export function withAvailability(checker: Checker, goal: Availability | undefined): Checker {
  if (goal === undefined) return checker;
  return {
    async check(test, history, opts) {
      const r = await checker.check(test, history, opts);
      const a = checkAvailability(history, goal);
      const valid = r.valid === false || a.valid === false ? false : r.valid;
      // A result that explains itself gets the missed goal as one more sentence.
      const own = Array.isArray(r.explanations) && a.valid === false ? { explanations: [...r.explanations, { type: 'availability', sentence: `${String(a.reason)}.` }] } : {};
      return { ...r, ...own, valid, availability: a };
    },
  };
}
