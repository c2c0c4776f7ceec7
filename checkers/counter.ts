// The counter checker (DESIGN.md §7), with Jepsen's semantics.
//
// linearizable: every ok read must lie in [sum of ok adds completed before the read's
//   invocation, sum of all non-failed adds invoked before the read completed]; info adds only
//   widen the upper bound. With negative deltas the same reasoning gives
//   lower = (positive ok adds done before invoke) + (negative non-failed adds invoked before completion),
//   upper = (negative ok adds done before invoke) + (positive non-failed adds invoked before completion).
// eventual: only final reads (invoked after every add and every fault) are checked; each must
//   equal the sum of ok adds plus some subset of the indeterminate (info) deltas.
// Both modes report lost updates: how far the final read falls short of the least it could be.
import type { CheckResult, Checker, History } from '../src/types.ts';
import { pairIndex } from '../src/history.ts';

export type CounterConsistency = 'linearizable' | 'eventual';

export interface BadRead {
  index: number;
  process: number | string;
  node?: string;
  value: number;
  lower: number;
  upper: number;
  final: boolean;
}

export interface CounterResult extends CheckResult {
  consistency: CounterConsistency;
  reads: number;
  'final-reads': Array<{ index: number; node?: string; value: number }>;
  'acknowledged-sum': number;
  'indeterminate-adds': number;
  'possible-final': { lower: number; upper: number };
  'lost-updates': number;
  converged: boolean | null;
  'error-count': number;
  errors: BadRead[];
  reason?: string;
}

const MAX_LISTED = 100;

export function checkCounter(history: History, consistency: CounterConsistency = 'linearizable'): CounterResult {
  const pair = pairIndex(history);
  let posOk = 0, negOk = 0; // ok adds completed so far
  let posNf = 0, negNf = 0; // non-failed adds invoked so far
  let infoPos = 0, infoNeg = 0;
  const infoDeltas: number[] = [];
  let lastAddOrFault = -1;
  const readStart = new Map<string | number, { posOk: number; negOk: number }>();
  const errors: BadRead[] = [];
  let errorCount = 0;
  let reads = 0;
  const okReads: Array<{ index: number; invoke: number; node?: string; value: number; lower: number; upper: number; process: number | string }> = [];

  for (let i = 0; i < history.length; i++) {
    const op = history[i];
    if (op.process === 'nemesis') {
      lastAddOrFault = i;
      continue;
    }
    if (op.f === 'add') {
      lastAddOrFault = i;
      if (op.type === 'invoke') {
        const c = pair[i];
        const outcome = c >= 0 ? history[c].type : 'info';
        if (outcome === 'fail') continue;
        const d = Number(op.value);
        if (d >= 0) posNf += d; else negNf += d;
        if (outcome !== 'ok') {
          infoDeltas.push(d);
          if (d >= 0) infoPos += d; else infoNeg += d;
        }
      } else if (op.type === 'ok') {
        const d = Number(history[pair[i]]?.value ?? op.value);
        if (d >= 0) posOk += d; else negOk += d;
      }
    } else if (op.f === 'read') {
      if (op.type === 'invoke') {
        readStart.set(op.process, { posOk, negOk });
      } else if (op.type === 'ok') {
        reads++;
        const start = readStart.get(op.process) ?? { posOk: 0, negOk: 0 };
        readStart.delete(op.process);
        const lower = start.posOk + negNf;
        const upper = start.negOk + posNf;
        okReads.push({ index: i, invoke: pair[i], node: op.node, value: Number(op.value), lower, upper, process: op.process });
      } else {
        readStart.delete(op.process);
      }
    }
  }

  const ackSum = posOk + negOk;
  const finalLower = ackSum + infoNeg;
  const finalUpper = ackSum + infoPos;
  const finals = okReads.filter((r) => r.invoke > lastAddOrFault);
  const note = (r: (typeof okReads)[number], lower: number, upper: number, final: boolean) => {
    errorCount++;
    if (errors.length < MAX_LISTED) errors.push({ index: r.index, process: r.process, node: r.node, value: r.value, lower, upper, final });
  };

  let reason: string | undefined;
  if (consistency === 'linearizable') {
    for (const r of okReads) if (!(r.value >= r.lower && r.value <= r.upper)) note(r, r.lower, r.upper, r.invoke > lastAddOrFault);
  } else {
    const possible = subsetSumChecker(infoDeltas);
    for (const r of finals) if (!possible(r.value - ackSum)) note(r, finalLower, finalUpper, true);
    if (finals.length === 0) reason = 'no final reads after the last add and the last fault: nothing to check in eventual mode';
  }

  const lost = finals.reduce((m, r) => Math.max(m, finalLower - r.value), 0);
  const converged = finals.length === 0 ? null : finals.every((r) => r.value === finals[0].value);
  let valid: CounterResult['valid'] = errorCount === 0;
  if (valid && consistency === 'eventual') {
    if (finals.length === 0) valid = 'unknown';
    else if (!converged) {
      valid = false;
      reason = 'final reads disagree after recovery: the replicas did not converge';
    }
  }
  return {
    valid,
    consistency,
    reads,
    'final-reads': finals.map((r) => ({ index: r.index, node: r.node, value: r.value })),
    'acknowledged-sum': ackSum,
    'indeterminate-adds': infoDeltas.length,
    'possible-final': { lower: finalLower, upper: finalUpper },
    'lost-updates': lost,
    converged,
    'error-count': errorCount,
    errors,
    ...(reason ? { reason } : {}),
  };
}

/**
 * Whether x is the sum of some subset of the deltas. Bounded knapsack over the distinct absolute
 * values (deltas are small integers, so there are few), shifted so every choice adds a
 * non-negative amount: O(distinct values × range).
 */
export function subsetSumChecker(deltas: readonly number[]): (x: number) => boolean {
  if (deltas.length === 0) return (x) => x === 0;
  const allInts = deltas.every(Number.isInteger);
  const base = deltas.reduce((s, d) => s + Math.min(d, 0), 0); // every negative delta taken
  const range = deltas.reduce((s, d) => s + Math.abs(d), 0);
  if (!allInts || range > 50_000_000) {
    // Too large or not integral to enumerate: the interval is the honest approximation.
    const hi = base + range;
    return (x) => x >= base && x <= hi;
  }
  const counts = new Map<number, number>();
  for (const d of deltas) if (d !== 0) counts.set(Math.abs(d), (counts.get(Math.abs(d)) ?? 0) + 1);
  let reach = new Uint8Array(range + 1);
  reach[0] = 1;
  for (const [v, c] of counts) {
    const next = new Uint8Array(range + 1);
    // For each residue class mod v, slide a window of the last c+1 positions.
    for (let r = 0; r < v && r <= range; r++) {
      let lastReach = -Infinity; // position (in steps) of the latest reachable entry
      for (let k = 0, s = r; s <= range; k++, s += v) {
        if (reach[s]) lastReach = k;
        if (k - lastReach <= c) next[s] = 1;
      }
    }
    reach = next;
  }
  return (x) => {
    const off = x - base;
    return Number.isInteger(off) && off >= 0 && off <= range && reach[off] === 1;
  };
}

export function counterChecker(consistency: CounterConsistency): Checker<CounterResult> {
  return { check: (_test, history) => checkCounter(history, consistency) };
}
