// A brute-force serializability oracle for small transactional histories, and a generator of
// small random histories to hold the Elle checker against it.
//
// The oracle tries every order of the transactions that may have happened (every ok one; any
// subset of the info ones; never a failed one), executing micro-ops against an in-memory store
// and keeping only orders that reproduce every value an ok transaction read. `strict` orders must
// also respect real time (an ok transaction that completed before another was invoked comes
// first); `session` orders respect each process's order.
import { Rng } from '../src/rng.ts';
import type { Op } from '../src/types.ts';

export type Kind = 'list-append' | 'rw-register';
export type OracleMode = 'serializable' | 'strict-serializable' | 'strong-session-serializable';

interface OTxn {
  type: 'ok' | 'info' | 'fail';
  mops: Array<[string, unknown, unknown]>;
  invoke: number;
  complete: number; // history index, or Infinity for none
  process: number;
}

function txnsOf(h: readonly Op[]): OTxn[] {
  const open = new Map<unknown, OTxn>();
  const out: OTxn[] = [];
  for (const op of h) {
    if (op.type === 'invoke') {
      const t: OTxn = { type: 'info', mops: op.value as OTxn['mops'], invoke: op.index, complete: Infinity, process: op.process as number };
      open.set(op.process, t);
      out.push(t);
      continue;
    }
    const t = open.get(op.process)!;
    open.delete(op.process);
    t.type = op.type as OTxn['type'];
    t.complete = op.index;
    if (op.type === 'ok') t.mops = op.value as OTxn['mops'];
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Whether some order of the history's transactions explains every ok read. */
export function oracle(h: readonly Op[], kind: Kind, mode: OracleMode): boolean {
  const txns = txnsOf(h).filter((t) => t.type !== 'fail');
  const n = txns.length;
  const preds: number[][] = txns.map(() => []);
  for (let b = 0; b < n; b++) {
    for (let a = 0; a < n; a++) {
      if (a === b || txns[a].type !== 'ok') continue;
      const before = txns[a].complete < txns[b].invoke;
      if (mode === 'strict-serializable' && before) preds[b].push(a);
      if (mode === 'strong-session-serializable' && before && txns[a].process === txns[b].process) preds[b].push(a);
    }
  }
  const mustPlace = txns.filter((t) => t.type === 'ok').length;
  const placed = new Uint8Array(n);

  const run = (t: OTxn, state: Map<unknown, unknown>): Map<unknown, unknown> | null => {
    const s = new Map(state);
    for (const [f, k, v] of t.mops) {
      if (f === 'r') {
        const cur = s.get(k) ?? (kind === 'list-append' ? [] : null);
        if (t.type === 'ok' && !same(cur, kind === 'list-append' ? (v ?? []) : v)) return null;
      } else if (f === 'append') {
        s.set(k, [...((s.get(k) as unknown[]) ?? []), v]);
      } else {
        s.set(k, v);
      }
    }
    return s;
  };

  const dfs = (count: number, state: Map<unknown, unknown>): boolean => {
    if (count === mustPlace) return true;
    for (let i = 0; i < n; i++) {
      if (placed[i] || preds[i].some((p) => !placed[p])) continue;
      const next = run(txns[i], state);
      if (!next) continue;
      placed[i] = 1;
      const ok = dfs(count + (txns[i].type === 'ok' ? 1 : 0), next);
      placed[i] = 0;
      if (ok) return true;
    }
    return false;
  };
  return dfs(0, new Map());
}

export interface RandomHistoryOptions {
  kind: Kind;
  seed: number;
  maxTxns?: number;
  /** Only ok (and failed) transactions, no indeterminate ones. */
  noInfo?: boolean;
  noFail?: boolean;
  /** rw-register: every key written by at most one transaction. */
  singleWriter?: boolean;
}

/** A small random history: transactions executed in a random serial order, whose reads are then
 *  sometimes replaced by another plausible state of the key (an older or newer prefix of its
 *  list, another value written to the register), with random real-time intervals and processes
 *  loosely following the execution order. Never reads a value nobody wrote. */
export function randomHistory(o: RandomHistoryOptions): Op[] {
  const rng = new Rng(o.seed);
  const n = rng.int(1, o.maxTxns ?? 6);
  const keys = ['x', 'y', 'z'].slice(0, rng.int(1, 3));
  const counter = new Map<string, number>();
  const writers = new Map<string, number>();
  const txns: OTxn[] = [];
  for (let i = 0; i < n; i++) {
    const mops: OTxn['mops'] = [];
    const len = rng.int(1, 4);
    for (let j = 0; j < len; j++) {
      const k = rng.pick(keys);
      const canWrite = !o.singleWriter || writers.get(k) === undefined || writers.get(k) === i;
      if (rng.bool() && canWrite) {
        const v = (counter.get(k) ?? 0) + 1;
        counter.set(k, v);
        writers.set(k, i);
        mops.push([o.kind === 'list-append' ? 'append' : 'w', k, v]);
      } else mops.push(['r', k, null]);
    }
    const r = rng.next();
    const type = !o.noFail && r < 0.1 ? 'fail' : !o.noInfo && r < 0.2 ? 'info' : 'ok';
    txns.push({ type, mops, invoke: 0, complete: 0, process: 0 });
  }

  // Execute in a random order; infos take effect with even odds.
  const order = rng.shuffle(txns.map((_, i) => i));
  const state = new Map<string, unknown>();
  const applied = txns.map((t) => t.type === 'ok' || (t.type === 'info' && rng.bool()));
  for (const i of order) {
    const t = txns[i];
    const local = new Map(state);
    t.mops = t.mops.map(([f, k, v]) => {
      if (f === 'r') {
        const cur = local.get(k as string) ?? (o.kind === 'list-append' ? [] : null);
        return [f, k, Array.isArray(cur) ? [...cur] : cur];
      }
      local.set(k as string, o.kind === 'list-append' ? [...((local.get(k as string) as unknown[]) ?? []), v] : v);
      return [f, k, v];
    });
    if (applied[i]) for (const [k, v] of local) state.set(k, v);
  }
  // Perturb some reads to other plausible states.
  const written = new Map<string, unknown[]>();
  for (const t of txns) for (const [f, k, v] of t.mops) if (f !== 'r') written.set(k as string, [...(written.get(k as string) ?? []), v]);
  for (const t of txns) {
    t.mops = t.mops.map(([f, k, v]) => {
      if (f !== 'r' || !rng.bool(0.3)) return [f, k, v];
      const ws = written.get(k as string) ?? [];
      if (o.kind === 'rw-register') return [f, k, rng.bool(0.2) || ws.length === 0 ? null : rng.pick(ws)];
      const final = (state.get(k as string) as unknown[]) ?? [];
      // Mostly a prefix of the final list; sometimes another arrangement of written values.
      if (rng.bool(0.85)) return [f, k, final.slice(0, rng.int(0, final.length))];
      return [f, k, rng.shuffle(ws).slice(0, rng.int(0, ws.length))];
    });
  }

  // Real time: roughly the execution order, with overlaps; processes never overlap themselves.
  const pos = new Array<number>(n);
  order.forEach((i, p) => (pos[i] = p));
  const events: Array<{ t: number; i: number; done: boolean }> = [];
  for (let i = 0; i < n; i++) {
    const a = pos[i] * 10 - rng.int(0, 25);
    const b = pos[i] * 10 + rng.int(1, 25);
    events.push({ t: a, i, done: false }, { t: b, i, done: true });
  }
  events.sort((x, y) => x.t - y.t || Number(x.done) - Number(y.done) || x.i - y.i);
  const busy = new Map<number, boolean>();
  const processOf = new Array<number>(n);
  let nextProcess = 0;
  for (const e of events) {
    if (!e.done) {
      const free = [...busy].filter(([, b]) => !b).map(([p]) => p);
      const p = free.length && rng.bool(0.7) ? rng.pick(free) : nextProcess++;
      busy.set(p, true);
      processOf[e.i] = p;
    } else {
      // After an indeterminate result the process is retired.
      if (txns[e.i].type === 'info') busy.delete(processOf[e.i]);
      else busy.set(processOf[e.i], false);
    }
  }
  return events.map((e, index) => {
    const t = txns[e.i];
    const invocation = t.mops.map(([f, k, v]) => [f, k, f === 'r' ? null : v]);
    if (!e.done) return { index, time: e.t * 1e6, type: 'invoke', process: processOf[e.i], f: 'txn', value: invocation };
    return { index, time: e.t * 1e6, type: t.type, process: processOf[e.i], f: 'txn', value: t.type === 'ok' ? t.mops : invocation };
  });
}
