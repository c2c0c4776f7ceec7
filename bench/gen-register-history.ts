// Generates a linearizable keyed cas-register history from a real execution: each op takes
// effect at one instant between its invocation and completion. Some ops are indeterminate (info,
// with the effect applied or not), after which the process is retired as Jepsen does.
import { Rng } from '../src/rng.ts';
import type { Op } from '../src/types.ts';

export interface RegisterHistoryOptions {
  ops: number; // events (invocations + completions)
  keys: number;
  processes: number;
  infoRate?: number;
  seed?: number;
}

export function generateRegisterHistory(o: RegisterHistoryOptions): Op[] {
  const rng = new Rng(o.seed ?? 1);
  const infoRate = o.infoRate ?? 0.005;
  const state = new Map<number, number>();
  const h: Op[] = [];
  type Open = { inv: Op; key: number; applied: boolean; output?: unknown; outcome: 'ok' | 'fail' | 'info' };
  const open = new Map<number, Open>();
  const procs = Array.from({ length: o.processes }, (_, i) => i);
  let nextProc = o.processes;
  const push = (op: Omit<Op, 'index' | 'time'>) => h.push({ ...op, index: h.length, time: h.length * 1000 } as Op);
  while (h.length < o.ops) {
    const slot = rng.int(0, procs.length - 1);
    const p = procs[slot];
    const cur = open.get(p);
    if (!cur) {
      const key = rng.int(0, o.keys - 1);
      const r = rng.next();
      const f = r < 0.4 ? 'read' : r < 0.7 ? 'write' : 'cas';
      const v = f === 'read' ? null : f === 'write' ? rng.int(0, 4) : [rng.int(0, 4), rng.int(0, 4)];
      push({ type: 'invoke', process: p, f, value: { key, value: v } });
      open.set(p, { inv: h[h.length - 1], key, applied: false, outcome: f !== 'read' && rng.next() < infoRate ? 'info' : 'ok' });
    } else if (!cur.applied) {
      cur.applied = true;
      const s = state.get(cur.key) ?? 0;
      const v = (cur.inv.value as { value: unknown }).value;
      if (cur.outcome === 'info' && rng.bool()) continue; // never takes effect
      if (cur.inv.f === 'read') cur.output = s;
      else if (cur.inv.f === 'write') state.set(cur.key, v as number);
      else {
        const [from, to] = v as [number, number];
        if (s === from) state.set(cur.key, to);
        else if (cur.outcome === 'ok') cur.outcome = 'fail';
      }
    } else {
      open.delete(p);
      const v = cur.inv.f === 'read' ? cur.output : (cur.inv.value as { value: unknown }).value;
      push({ type: cur.outcome, process: p, f: cur.inv.f, value: { key: cur.key, value: v } });
      if (cur.outcome === 'info') procs[slot] = nextProc++;
    }
  }
  return compact(h);
}

/** The ops allocated one after another, as an importer reading a file would leave them (the
 *  generator's own interleaved garbage would otherwise scatter them over the heap, and every pass
 *  over the history would pay for it in cache misses). */
function compact(h: Op[]): Op[] {
  const out: Op[] = new Array(h.length);
  for (let i = 0; i < h.length; i++) {
    const o = h[i];
    const v = o.value as { key: number; value: unknown };
    out[i] = { index: o.index, time: o.time, type: o.type, process: o.process, f: o.f, value: { key: v.key, value: Array.isArray(v.value) ? [v.value[0], v.value[1]] : v.value } };
  }
  return out;
}

/** The same history with one read (about two thirds of the way in) returning a wrong value. */
export function corrupt(h: Op[]): Op[] {
  const out = h.slice();
  for (let i = Math.floor(h.length * 0.66); i < h.length; i++) {
    const op = out[i];
    if (op.type === 'ok' && op.f === 'read') {
      const v = op.value as { key: number; value: number };
      out[i] = { ...op, value: { key: v.key, value: 99 } };
      return out;
    }
  }
  return out;
}
