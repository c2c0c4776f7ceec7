// Simulated transactional databases, for tests and benchmarks: `processes` clients each run
// transactions (from Elle's generator) one after another with random latencies, against an
// in-memory store with a chosen isolation level, producing a history. Deterministic per seed.
//
//   strict-serializable  each transaction takes effect atomically at a point between its
//                        invocation and completion
//   serializable         atomically, in some order that may disagree with real time
//   snapshot-isolation   reads from a snapshot taken at the start, writes at commit, first
//                        committer wins (a conflicting transaction fails)
//   read-committed       each read sees the latest committed state (plus the transaction's own
//                        writes); writes lock their key until commit (a transaction that would
//                        wait for a lock aborts) and are applied at commit; reads take no locks
//   stale-reads          broken: atomic, but reads of keys the transaction has not written come
//                        from a snapshot up to `staleness` behind
//
// `failRate` transactions abort (fail, no effect); `infoRate` ones end indeterminate (info) and
// take effect or not with equal chance; after an info the client continues as a new process.
import { Rng } from '../../src/rng.ts';
import type { Op } from '../../src/types.ts';
import { type MicroOp, type TxnGenOptions, initialPool, nextTxn, resolveTxnOptions } from './generator.ts';
import type { WorkloadKind } from './history.ts';

export type SimIsolation = 'strict-serializable' | 'serializable' | 'snapshot-isolation' | 'read-committed' | 'stale-reads';

export interface SimulateOptions extends Omit<TxnGenOptions, 'kind'> {
  kind: WorkloadKind;
  isolation: SimIsolation;
  txns: number;
  processes?: number;
  seed?: number;
  failRate?: number;
  infoRate?: number;
  /** stale-reads: how far behind reads may be, in mean transaction durations. Default 5. */
  staleness?: number;
}

const MEAN_DURATION = 1e6; // ns
const MEAN_GAP = 2e5;

type Outcome = 'ok' | 'fail' | 'info';

interface SimTxn {
  process: number;
  invoke: number;
  complete: number;
  mops: MicroOp[];
  outcome: Outcome;
  /** For info: whether it took effect. */
  applied: boolean;
  /** Read results, by micro-op position. */
  results: unknown[];
}

/** Per-key versions over engine time, for snapshot reads. */
class Versions {
  private readonly ts = new Map<number, number[]>();
  private readonly vals = new Map<number, unknown[]>();

  install(k: number, t: number, v: unknown): void {
    let ts = this.ts.get(k);
    if (!ts) {
      this.ts.set(k, (ts = []));
      this.vals.set(k, []);
    }
    ts.push(t);
    this.vals.get(k)!.push(v);
  }

  latest(k: number): unknown {
    const vs = this.vals.get(k);
    return vs && vs.length ? vs[vs.length - 1] : null;
  }

  latestTime(k: number): number {
    const ts = this.ts.get(k);
    return ts && ts.length ? ts[ts.length - 1] : -Infinity;
  }

  /** The value as of time t (the last version installed at or before t). */
  at(k: number, t: number): unknown {
    const ts = this.ts.get(k);
    if (!ts) return null;
    let lo = 0;
    let hi = ts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ts[mid] <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? null : this.vals.get(k)![found];
  }
}

export function simulateTxnHistory(opts: SimulateOptions): Op[] {
  const rng = new Rng(opts.seed ?? 1);
  const gen = resolveTxnOptions(opts);
  const processes = opts.processes ?? 10;
  const failRate = opts.failRate ?? 0;
  const infoRate = opts.infoRate ?? 0;
  const txns = schedule(opts, rng, processes, failRate, infoRate);
  // Contents in invocation order, so values per key are written in increasing order.
  const byInvoke = txns.map((_, i) => i).sort((a, b) => txns[a].invoke - txns[b].invoke);
  let pool = initialPool(gen);
  for (const i of byInvoke) [txns[i].mops, pool] = nextTxn(gen, pool, rng);

  const append = opts.kind === 'list-append';
  switch (opts.isolation) {
    case 'strict-serializable':
    case 'serializable':
    case 'stale-reads':
      runAtomic(txns, opts, rng, append);
      break;
    case 'snapshot-isolation':
      runSnapshot(txns, append);
      break;
    case 'read-committed':
      runReadCommitted(txns, append);
      break;
  }
  return toHistory(txns);
}

function schedule(opts: SimulateOptions, rng: Rng, processes: number, failRate: number, infoRate: number): SimTxn[] {
  const txns: SimTxn[] = [];
  const clock = Array.from({ length: processes }, () => rng.exponential(MEAN_GAP));
  const name = Array.from({ length: processes }, (_, i) => i);
  let nextProcess = processes;
  for (let n = 0; n < opts.txns; n++) {
    // The client that is free earliest starts the next transaction.
    let c = 0;
    for (let i = 1; i < processes; i++) if (clock[i] < clock[c]) c = i;
    const invoke = Math.round(clock[c]);
    const complete = invoke + 1 + Math.round(rng.exponential(MEAN_DURATION));
    const r = rng.next();
    const outcome: Outcome = r < failRate ? 'fail' : r < failRate + infoRate ? 'info' : 'ok';
    txns.push({ process: name[c], invoke, complete, mops: [], outcome, applied: outcome === 'ok' || (outcome === 'info' && rng.bool()), results: [] });
    clock[c] = complete + 1 + rng.exponential(MEAN_GAP);
    if (outcome === 'info') name[c] = nextProcess++;
  }
  return txns;
}

/** Runs a transaction's micro-ops against read/write callbacks, recording read results. */
function execute(txn: SimTxn, read: (k: number) => unknown, write: (k: number, v: number) => void): void {
  txn.results = txn.mops.map(([f, k, v]) => {
    if (f === 'r') return read(k);
    write(k, v as number);
    return v;
  });
}

function runAtomic(txns: SimTxn[], opts: SimulateOptions, rng: Rng, append: boolean): void {
  const jitter = 5 * MEAN_DURATION;
  const at = new Float64Array(txns.length);
  for (let i = 0; i < txns.length; i++) {
    const t = txns[i];
    const point = t.invoke + rng.next() * (t.complete - t.invoke);
    at[i] = opts.isolation === 'serializable' ? point + (rng.next() * 2 - 1) * jitter : point;
  }
  const order = Uint32Array.from(txns.keys()).sort((a, b) => at[a] - at[b]);
  const stale = opts.isolation === 'stale-reads';
  const lag = (opts.staleness ?? 5) * MEAN_DURATION;
  const versions = new Versions();
  const state = new Map<number, unknown>();
  // The transaction's own writes so far (few keys: arrays beat maps here).
  const localKeys: number[] = [];
  const localVals: unknown[] = [];
  for (const i of order) {
    const t = txns[i];
    const snapshot = at[i] - rng.next() * lag;
    localKeys.length = 0;
    localVals.length = 0;
    t.results = new Array(t.mops.length);
    for (let j = 0; j < t.mops.length; j++) {
      const [f, k, v] = t.mops[j];
      const l = localKeys.indexOf(k);
      const current = l >= 0 ? localVals[l] : (state.get(k) ?? null);
      if (f === 'r') {
        const seen = stale && l < 0 ? versions.at(k, snapshot) : current;
        t.results[j] = append ? ((seen as number[] | null) ?? []).slice() : seen;
        continue;
      }
      const next = append ? [...((current as number[] | null) ?? []), v] : v;
      if (l >= 0) localVals[l] = next;
      else {
        localKeys.push(k);
        localVals.push(next);
      }
      t.results[j] = v;
    }
    if (!t.applied) continue;
    for (let l = 0; l < localKeys.length; l++) {
      state.set(localKeys[l], localVals[l]);
      if (stale) versions.install(localKeys[l], at[i], localVals[l]);
    }
  }
}

function runSnapshot(txns: SimTxn[], append: boolean): void {
  const order = txns.map((_, i) => i).sort((a, b) => txns[a].complete - txns[b].complete);
  const versions = new Versions();
  for (const i of order) {
    const t = txns[i];
    const start = t.invoke + 0.5;
    const commit = t.complete - 0.5;
    const local = new Map<number, unknown>();
    const view = (k: number) => (local.has(k) ? local.get(k) : versions.at(k, start));
    execute(
      t,
      (k) => {
        const v = view(k);
        return append ? [...((v as number[] | null) ?? [])] : v;
      },
      (k, v) => local.set(k, append ? [...((view(k) as number[] | null) ?? []), v] : v),
    );
    // First committer wins: a key written since our snapshot aborts us.
    const conflict = [...local.keys()].some((k) => versions.latestTime(k) > start);
    if (conflict) {
      if (t.outcome === 'ok') t.outcome = 'fail';
      t.applied = false;
    }
    if (!t.applied) continue;
    for (const [k, v] of local) versions.install(k, commit, v);
  }
}

function runReadCommitted(txns: SimTxn[], append: boolean): void {
  // Engine events: each micro-op at its own time inside the transaction, then the commit.
  const events: Array<[number, number, number]> = []; // [time, txn, mop index or -1 for commit]
  txns.forEach((t, i) => {
    const d = (t.complete - t.invoke) / (t.mops.length + 1);
    t.mops.forEach((_, j) => events.push([t.invoke + d * (j + 1), i, j]));
    events.push([t.complete - 0.25, i, -1]);
  });
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const committed = new Map<number, unknown>();
  // Writes take a per-key lock until commit, as databases do; a transaction that would wait for
  // one aborts instead (no-wait locking), so nobody commits a write under someone else's.
  const lock = new Map<number, number>();
  const pending = txns.map(() => new Map<number, number[]>()); // own writes, in order, per key
  const doomed = new Uint8Array(txns.length);
  for (const [, i, j] of events) {
    const t = txns[i];
    const own = pending[i];
    if (j >= 0) {
      const [f, k, v] = t.mops[j];
      if (f === 'r') {
        const base = committed.get(k) ?? null;
        const mine = own.get(k);
        t.results[j] = append ? [...((base as number[] | null) ?? []), ...(mine ?? [])] : mine ? mine[mine.length - 1] : base;
        continue;
      }
      const holder = lock.get(k);
      if (holder !== undefined && holder !== i) doomed[i] = 1;
      else lock.set(k, i);
      own.set(k, [...(own.get(k) ?? []), v as number]);
      t.results[j] = v;
      continue;
    }
    for (const k of own.keys()) if (lock.get(k) === i) lock.delete(k);
    if (doomed[i]) {
      if (t.outcome === 'ok') t.outcome = 'fail';
      t.applied = false;
    }
    if (!t.applied) continue;
    for (const [k, vs] of own) committed.set(k, append ? [...((committed.get(k) as number[] | null) ?? []), ...vs] : vs[vs.length - 1]);
  }
}

function toHistory(txns: SimTxn[]): Op[] {
  // Event e is txn e >> 1's invocation (even) or completion (odd); at equal times invocations
  // come first, then by transaction.
  const n = txns.length;
  const time = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    time[2 * i] = txns[i].invoke;
    time[2 * i + 1] = txns[i].complete;
  }
  const order = Uint32Array.from({ length: 2 * n }, (_, e) => e).sort((a, b) => time[a] - time[b] || (a & 1) - (b & 1) || a - b);
  const out: Op[] = new Array(2 * n);
  for (let index = 0; index < 2 * n; index++) {
    const e = order[index];
    const t = txns[e >> 1];
    const invocation = t.mops.map(([f, k, v]): MicroOp => [f, k, f === 'r' ? null : v]);
    if (!(e & 1)) {
      out[index] = { index, time: time[e], type: 'invoke', process: t.process, f: 'txn', value: invocation };
      continue;
    }
    const value = t.outcome === 'ok' ? t.mops.map(([f, k], j) => [f, k, t.results[j]]) : invocation;
    out[index] = { index, time: time[e], type: t.outcome, process: t.process, f: 'txn', value };
  }
  return out;
}
