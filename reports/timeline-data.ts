// The data behind the page's interactive timelines: a compact table of ops (one row per
// invocation, texts interned and bounded), the fault intervals, and for each anomaly the window
// of ops to draw. Large histories are windowed: at most MAX_OPS ops, taken around the anomalies
// (or from the start when there are none); the full history stays in history.jsonl.
import type { History, Op } from '../src/types.ts';
import { errorText, type OpError } from '../src/op-errors.ts';
import { clip, short } from './bounded.ts';
import type { Anomaly } from './explain/types.ts';
import type { FaultInterval } from './explain/faults.ts';

export const MAX_OPS = 20_000;
const MAX_FAULTS = 500;
const VALUE = 120;
const ERROR = 160;
/** Past this many characters of op texts, each text is cut shorter: the table stays a few MB. */
const TEXT_BUDGET = 600_000;
const TYPE_CODE: Record<string, number> = { ok: 0, fail: 1, info: 2 };

/** [invoke pos, complete pos or -1, process, f, outcome, start, duration or null, node, value, returned, error] */
export type OpRow = [number, number, number, number, number, number, number | null, number, number, number, number];

export interface TimelineWindow {
  ops: number[];
  mark: number[];
  culprit: number;
  spans: Array<[string, number, number | null, string]>;
  states: Array<[number, number, number]>;
}

export interface TimelineData {
  /** false: times are positions in the history (imported histories without times). */
  timed: boolean;
  /** Length of the history, and how many invocations it has. */
  total: number;
  invocations: number;
  strings: string[];
  ops: OpRow[];
  faults: Array<[number, number, number, number, string]>;
  windows: Record<string, TimelineWindow>;
}

class Interner {
  readonly strings: string[] = [];
  private ids = new Map<string, number>();
  size = 0;
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, i);
      this.size += s.length;
    }
    return i;
  }
}

/** ns → ms (or a position), rounded to the microsecond to keep the JSON short. */
const ms = (ns: number) => (Number.isFinite(ns) ? Math.round(ns / 1e3) / 1e3 : 0);

function errorOf(e: unknown): string {
  if (e === undefined || e === null) return '';
  try {
    return typeof e === 'object' && typeof (e as OpError).text === 'string' ? errorText(e as OpError) : typeof e === 'string' ? e : short(e, ERROR);
  } catch {
    return 'error';
  }
}

/** Positions of invocations to include: all when few, else contiguous runs around the centres. */
function choose(invs: number[], centres: number[]): Set<number> {
  if (invs.length <= MAX_OPS) return new Set(invs);
  const at = (pos: number) => {
    let lo = 0, hi = invs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (invs[mid] < pos) lo = mid + 1; else hi = mid;
    }
    return lo;
  };
  const cs = [...new Set(centres.map(at))].sort((a, b) => a - b).slice(0, 50);
  if (!cs.length) return new Set(invs.slice(0, MAX_OPS));
  const each = Math.floor(MAX_OPS / cs.length);
  const out = new Set<number>();
  for (const c of cs) {
    const from = Math.max(0, Math.min(c - Math.floor(each / 2), invs.length - each));
    for (let i = from; i < from + each && i < invs.length; i++) out.add(invs[i]);
  }
  return out;
}

export function timelineData(history: History, pairs: Int32Array, faults: readonly FaultInterval[], anomalies: readonly Anomaly[], timed: boolean): TimelineData {
  const invs: number[] = [];
  for (let i = 0; i < history.length; i++) if (history[i].type === 'invoke') invs.push(i);
  const focused = anomalies.filter((a) => a.focus && a.focus.ops.length);
  const centres = focused.map((a) => a.focus!.culprit ?? a.focus!.ops[0]);
  const chosen = choose(invs, centres);
  // Every op an anomaly's window draws is in the table, whatever the cap.
  for (const a of focused) for (const p of a.focus!.ops) if (history[p]?.type === 'invoke') chosen.add(p);
  for (const a of focused) for (const p of a.focus!.mark) if (history[p]?.type === 'invoke') chosen.add(p);

  const s = new Interner();
  const time = (op: Op) => (timed ? ms(op.time) : op.index);
  const rows: OpRow[] = [];
  for (const p of [...chosen].sort((a, b) => a - b)) {
    const inv = history[p];
    const c = pairs[p];
    const done = c >= 0 ? history[c] : undefined;
    const tight = s.size > TEXT_BUDGET;
    const value = short(inv.value, tight ? 16 : VALUE);
    const out = done && done.value !== undefined ? short(done.value, tight ? 16 : VALUE) : undefined;
    const start = time(inv);
    rows.push([
      p, c, s.id(clip(String(inv.process), 16)), s.id(clip(String(inv.f), 40)), done ? TYPE_CODE[done.type] ?? 2 : 3, start,
      done ? Math.round((time(done) - start) * 1e3) / 1e3 : null,
      done?.node !== undefined ? s.id(clip(String(done.node), 24)) : inv.node !== undefined ? s.id(clip(String(inv.node), 24)) : -1,
      s.id(value), out !== undefined && out !== value ? s.id(out) : -1,
      done?.error !== undefined ? s.id(short(errorOf(done.error), tight ? 24 : ERROR, true)) : -1,
    ]);
  }

  const windows: Record<string, TimelineWindow> = {};
  anomalies.forEach((a, i) => {
    if (!a.focus || !a.focus.ops.length) return;
    const f = a.focus;
    const valid = (p: number) => chosen.has(p);
    windows[`w${i}`] = {
      ops: f.ops.filter(valid),
      mark: f.mark.filter(valid),
      culprit: f.culprit !== undefined && valid(f.culprit) ? f.culprit : -1,
      spans: (f.spans ?? []).slice(0, 10).map((x) => [clip(x.row, 30), timed ? ms(x.start) : x.start, x.end === null ? null : timed ? ms(x.end) : x.end, clip(x.label, 80)]),
      states: (f.states ?? []).slice(0, 60).map((x) => [x.op, x.before === undefined ? -1 : s.id(clip(x.before, 200)), x.after === undefined ? -1 : s.id(clip(x.after, 200))]),
    };
  });

  return {
    timed,
    total: history.length,
    invocations: invs.length,
    strings: s.strings,
    ops: rows,
    faults: faults.slice(0, MAX_FAULTS).map((f) => [timed ? ms(f.start) : f.startIndex, timed ? ms(f.end) : f.endIndex ?? history.length, s.id(clip(f.name, 24)), s.id(clip(f.text, 120)), /^#[0-9a-f]{3,8}$/i.test(f.color) ? f.color : '#cccccc']),
    windows,
  };
}
