// Jepsen's set-full checker (jepsen.checker/set-full), which Maelstrom's broadcast and g-set
// workloads use: for every added element, when it became known (its add completed, or a read
// saw it first), and what every read begun after that said about it.
//
//   stable      some read saw it, and every read that began after the last one that missed it saw
//               it: the stable latency is the time from known to that read's start (0: at once).
//   lost        it was known, then every read that began after the last one to see it missed it.
//   never-read  neither: no read began after it was known (or it was never known at all).
//   stale       stable, with a latency above 0: a read begun after it was known missed it.
//
// Valid unless an element was lost (or, for a linearizable set, stale); unknown when nothing was
// ever stable. Duplicates within one read are counted and listed, but do not invalidate the
// history: Jepsen's set-full means to, but as written never flags them, and Maelstrom's verdicts
// are what we match.
import { pairIndex } from '../../src/history.ts';
import type { CheckResult, History, Op } from '../../src/types.ts';
import { canonical } from '../../src/util/values.ts';
import { displayValue, quantiles, say, sortValues, type Explanation, type Quantiles } from './values.ts';

interface ElementState {
  element: unknown;
  known: Op | null;
  lastPresent: Op | null;
  lastAbsent: Op | null;
}

export interface SetFullOptions {
  /** The f of adds (Maelstrom's broadcast calls them broadcast). */
  addF?: string;
  /** Stale reads invalidate the history too. */
  linearizable?: boolean;
}

export interface SetFullResult extends CheckResult {
  'attempt-count': number;
  'stable-count': number;
  'lost-count': number;
  lost: unknown[];
  'never-read-count': number;
  'never-read': unknown[];
  'stale-count': number;
  stale: unknown[];
  'worst-stale': Array<{ element: unknown; 'stable-latency': number; 'known-index': number; 'last-absent-index': number | null }>;
  'stable-latencies'?: Quantiles;
  'lost-latencies'?: Quantiles;
  'duplicated-count': number;
  duplicated: Array<{ element: unknown; count: number }>;
  headline: string;
  explanations: Explanation[];
}

const LISTED = 100;
const ms = (ns: number) => Math.floor(ns / 1e6);

export function checkSetFull(history: History, o: SetFullOptions = {}): SetFullResult {
  const addF = o.addF ?? 'add';
  const pair = pairIndex(history);
  const elements = new Map<string, ElementState>();
  const dups = new Map<string, { element: unknown; count: number }>();
  for (const op of history) {
    if (op.process === 'nemesis') continue;
    if (op.f === addF) {
      const k = canonical(op.value);
      if (op.type === 'invoke') elements.set(k, { element: op.value, known: null, lastPresent: null, lastAbsent: null });
      else if (op.type === 'ok') {
        const e = elements.get(k);
        if (e && !e.known) e.known = op;
      }
    } else if (op.f === 'read' && op.type === 'ok' && Array.isArray(op.value)) {
      const inv = pair[op.index] >= 0 ? history[pair[op.index]] : op;
      const seen = new Map<string, number>();
      for (const x of op.value) {
        const k = canonical(x);
        seen.set(k, (seen.get(k) ?? 0) + 1);
      }
      for (const [k, n] of seen) {
        if (n < 2) continue;
        const d = dups.get(k);
        if (!d || d.count < n) dups.set(k, { element: op.value.find((x) => canonical(x) === k), count: n });
      }
      for (const [k, e] of elements) {
        if (seen.has(k)) {
          e.known ??= op;
          if (!e.lastPresent || e.lastPresent.index < inv.index) e.lastPresent = inv;
        } else if (!e.lastAbsent || e.lastAbsent.index < inv.index) {
          e.lastAbsent = inv;
        }
      }
    }
  }

  const stable: Array<{ element: unknown; latency: number; e: ElementState }> = [];
  const lost: Array<{ element: unknown; latency: number; e: ElementState }> = [];
  const neverRead: unknown[] = [];
  for (const e of elements.values()) {
    const absentIdx = e.lastAbsent?.index ?? -1;
    const presentIdx = e.lastPresent?.index ?? -1;
    const isStable = e.lastPresent !== null && absentIdx < presentIdx;
    const isLost = !isStable && e.known !== null && e.lastAbsent !== null && presentIdx < absentIdx && e.known.index < absentIdx;
    if (isStable) {
      const stableTime = e.lastAbsent ? e.lastAbsent.time + 1 : 0;
      stable.push({ element: e.element, latency: Math.max(0, ms(stableTime - e.known!.time)), e });
    } else if (isLost) {
      const lostTime = e.lastPresent ? e.lastPresent.time + 1 : 0;
      lost.push({ element: e.element, latency: Math.max(0, ms(lostTime - e.known!.time)), e });
    } else {
      neverRead.push(e.element);
    }
  }
  const stale = stable.filter((s) => s.latency > 0);
  const worst = [...stale].sort((a, b) => b.latency - a.latency).slice(0, 8);
  let valid: CheckResult['valid'] = true;
  if (lost.length > 0) valid = false;
  else if (stable.length === 0) valid = 'unknown';
  else if (o.linearizable && stale.length > 0) valid = false;

  const stableLat = quantiles(stable.map((s) => s.latency));
  const lostLat = quantiles(lost.map((s) => s.latency));
  const list = (xs: unknown[]) => sortValues(xs).slice(0, LISTED).map(displayValue);
  // (The lost count is printed from lost-count, as for every checker.)
  const headline = [
    stableLat ? `stable latencies: median ${stableLat['0.5']} ms, max ${stableLat['1']} ms` : 'nothing became stable',
    `${stale.length} stale`,
    `${neverRead.length} never read`,
    ...(dups.size ? [`${dups.size} duplicated in a read`] : []),
  ].join('; ');
  const explanations: Explanation[] = lost.slice(0, 1000).map(({ element, e }) => ({
    type: 'lost',
    sentence: `Element ${say(element)} was known to be in the set (index ${e.known!.index})${e.lastPresent ? ` and last seen by the read begun at index ${e.lastPresent.index}` : ''}; every read begun after that missed it, the last one at index ${e.lastAbsent!.index}.`,
    ops: [e.known!.index, ...(e.lastPresent ? [e.lastPresent.index] : []), e.lastAbsent!.index],
  }));
  if (o.linearizable) {
    for (const s of stale.slice(0, 1000)) {
      explanations.push({ type: 'stale', sentence: `Element ${say(s.element)} was known to be in the set (index ${s.e.known!.index}), but the read begun at index ${s.e.lastAbsent!.index} missed it (${s.latency} ms later).`, ops: [s.e.known!.index, s.e.lastAbsent!.index] });
    }
  }
  return {
    valid,
    ...(valid === 'unknown' ? { reason: 'no added element ever became stable (no read saw one)' } : {}),
    explanations,
    'attempt-count': elements.size,
    'stable-count': stable.length,
    'lost-count': lost.length,
    lost: list(lost.map((l) => l.element)),
    'never-read-count': neverRead.length,
    'never-read': list(neverRead),
    'stale-count': stale.length,
    stale: list(stale.map((s) => s.element)),
    'worst-stale': worst.map((s) => ({ element: displayValue(s.element), 'stable-latency': s.latency, 'known-index': s.e.known!.index, 'last-absent-index': s.e.lastAbsent?.index ?? null })),
    ...(stableLat ? { 'stable-latencies': stableLat } : {}),
    ...(lostLat ? { 'lost-latencies': lostLat } : {}),
    'duplicated-count': dups.size,
    duplicated: [...dups.values()].slice(0, LISTED).map((d) => ({ element: displayValue(d.element), count: d.count })),
    headline,
  };
}
