// The words the explanations share: times, ops ("process 5 read 4 from n1 at 1.840 s (index
// 812)"), and the fault context of a moment ("during a partition n1,n2 | n3,n4,n5 that began at
// 1.200 s"). Every value goes through the bounded printer.
import { pairIndex } from '../../src/history.ts';
import type { History, Op, PerfBand } from '../../src/types.ts';
import { clip, count, short } from '../bounded.ts';
import { activeDuring, faultIntervals, type FaultInterval } from './faults.ts';

export interface Ctx {
  history: History;
  pairs: Int32Array;
  faults: FaultInterval[];
  /** Whether ops carry real times (imported histories may use time = index). */
  timed: boolean;
  /** Whether the run injected faults at all. */
  nemesis: boolean;
}

export function makeCtx(history: History, perf: readonly PerfBand[]): Ctx {
  return {
    history,
    pairs: pairIndex(history),
    faults: faultIntervals(history, perf),
    timed: history.some((op) => op.time !== op.index),
    nemesis: history.some((op) => op.process === 'nemesis'),
  };
}

/** The op at a history index (positions and indexes agree in recorded histories; if not, search). */
export function opAt(ctx: Ctx, index: unknown): Op | undefined {
  if (typeof index !== 'number' || !Number.isInteger(index)) return undefined;
  const h = ctx.history;
  if (h[index]?.index === index) return h[index];
  let lo = 0, hi = h.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (h[mid].index === index) return h[mid];
    if (h[mid].index < index) lo = mid + 1; else hi = mid - 1;
  }
  return undefined;
}

/** Position of an op in the history array. */
export function posOf(ctx: Ctx, op: Op): number {
  return ctx.history[op.index] === op ? op.index : ctx.history.indexOf(op);
}

/** The invocation of a completion (or the op itself when it is one). */
export function invocationOf(ctx: Ctx, op: Op): Op {
  if (op.type === 'invoke') return op;
  const p = ctx.pairs[posOf(ctx, op)];
  return p >= 0 ? ctx.history[p] : op;
}

/** The completion of an invocation, if any. */
export function completionOf(ctx: Ctx, op: Op): Op | undefined {
  if (op.type !== 'invoke') return op;
  const p = ctx.pairs[posOf(ctx, op)];
  return p >= 0 ? ctx.history[p] : undefined;
}

/** Seconds for a time in ns: 3 decimals for short runs, fewer for long ones, exponent when absurd. */
export function seconds(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  const s = ns / 1e9;
  const a = Math.abs(s);
  if (a < 100) return `${s.toFixed(3)} s`;
  if (a < 100_000) return `${s.toFixed(1)} s`;
  return `${s.toExponential(2)} s`;
}

export function duration(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  const ms = ns / 1e6;
  return Math.abs(ms) < 1000 ? `${Math.round(ms)} ms` : seconds(ns);
}

/** "at 1.840 s" or, without real times, "at position 812". */
export function at(ctx: Ctx, op: Op): string {
  return ctx.timed ? `at ${seconds(op.time)}` : `at position ${op.index}`;
}

export const who = (op: Op): string => (op.process === 'nemesis' ? 'the nemesis' : `process ${clip(String(op.process), 20)}`);
export const nodeName = (n: unknown): string => clip(String(n), 24);
export const fromNode = (op: Op | undefined, word = 'from'): string => (op?.node !== undefined ? ` ${word} ${nodeName(op.node)}` : '');
export const val = (v: unknown, max = 40): string => short(v, max);
export const ref = (op: Op): string => `index ${op.index}`;

/** "process 3's write of 3" */
export function opPhrase(op: Op, value: unknown = op.value): string {
  return `${who(op)}'s ${clip(String(op.f), 30)}${value === null || value === undefined ? '' : ` of ${val(value)}`}`;
}

function faultList(fs: FaultInterval[], ctx: Ctx): string {
  const first = fs[0];
  const began = ctx.timed ? ` that began at ${seconds(first.start)}` : ` that began at position ${first.startIndex}`;
  const more = fs.length > 1 ? ` (and ${fs.length - 1} more: ${fs.slice(1, 3).map((f) => f.text).join('; ')}${fs.length > 3 ? '; …' : ''})` : '';
  return `${first.text}${began}${more}`;
}

/**
 * Where a moment [from, to] (ns) stands among the faults: during which (those touching `nodes`
 * first), or which began soon after (within `nextWithin` ns), or which ended last before. Returns the phrase and the descriptions of the active faults.
 */
export function faultContext(ctx: Ctx, from: number, to: number, nodes: readonly unknown[] = [], nextWithin = 1e9): { phrase: string; faults: string[]; main?: FaultInterval } {
  if (!ctx.faults.length) return { phrase: ctx.nemesis ? 'while no fault was active' : 'with no faults injected', faults: [] };
  const touches = (f: FaultInterval) => f.nodes.some((n) => nodes.includes(n));
  const rank = (fs: FaultInterval[]) => [...fs.filter(touches), ...fs.filter((f) => !touches(f))];
  const active = rank(activeDuring(ctx.faults, from, to));
  if (active.length) return { phrase: `during ${faultList(active, ctx)}`, faults: active.map((f) => f.text), main: active[0] };
  const next = rank(ctx.faults.filter((f) => f.start > to && f.start - to <= nextWithin))[0];
  if (next) {
    const when = ctx.timed ? `${duration(next.start - to)} later, at ${seconds(next.start)}` : `at position ${next.startIndex}`;
    return { phrase: `while no fault was active; ${next.text} began ${when}`, faults: [], main: next };
  }
  const before = ctx.faults.filter((f) => f.end < from).sort((a, b) => b.end - a.end)[0];
  if (before) {
    const when = ctx.timed ? `${duration(from - before.end)} earlier, at ${seconds(before.end)}` : `at position ${before.endIndex ?? '?'}`;
    return { phrase: `while no fault was active (the last, ${before.text}, ended ${when})`, faults: [], main: before };
  }
  return { phrase: 'before any fault began', faults: [] };
}

/** Plural helper: "1 read", "2 reads". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** The ops nearest in time to `centre` (ns) on the same node (any node when none given), for a timeline. */
export function opsAround(ctx: Ctx, centre: number, node: unknown, max = 30, spanNs = 1e9): number[] {
  const out: Array<{ pos: number; d: number }> = [];
  const h = ctx.history;
  for (let i = 0; i < h.length; i++) {
    const op = h[i];
    if (op.type !== 'invoke' || op.process === 'nemesis') continue;
    const d = Math.abs(op.time - centre);
    if (!(d <= spanNs)) continue;
    if (node !== undefined) {
      const c = ctx.pairs[i] >= 0 ? h[ctx.pairs[i]] : undefined;
      if (c?.node !== node) continue;
    }
    out.push({ pos: i, d });
  }
  return out.sort((a, b) => a.d - b.d).slice(0, max).map((x) => x.pos).sort((a, b) => a - b);
}
