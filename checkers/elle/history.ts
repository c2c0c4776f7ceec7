// Turns a history into transactions: invocations paired with completions (by process), micro-ops
// parsed into flat typed arrays, keys interned. `fail` transactions did not happen; `info` ones
// (and invocations that never completed) may or may not have. A completion without an invocation
// (as in Elle's hand-written examples) is a transaction whose start is unknown.
import type { History, Op, Process } from '../../src/types.ts';
import { canonical, shortText } from '../../src/util/values.ts';
import { f64, i32, u8 } from './arena.ts';

export const OK = 0;
export const INFO = 1;
export const FAIL = 2;
export type TxnType = typeof OK | typeof INFO | typeof FAIL;

export const READ = 0;
export const APPEND = 1;
export const WRITE = 2;

export type WorkloadKind = 'list-append' | 'rw-register';

export interface Txns {
  history: History;
  kind: WorkloadKind;
  n: number;
  type: Uint8Array;
  /** Position in the history of the invocation, or -1. */
  invoke: Int32Array;
  /** Position in the history of the completion, or -1 when it never completed. */
  complete: Int32Array;
  /** The process that ran it (client processes are numbers). */
  process: Float64Array;
  /** Micro-ops of txn t are mopStart[t] .. mopStart[t+1]-1. */
  mopStart: Int32Array;
  mopF: Uint8Array;
  mopKey: Int32Array;
  /** The micro-op's value: what was written, or what an ok read returned (null otherwise). */
  mopVal: unknown[];
  /** Key id -> the key as it appeared. */
  keys: unknown[];
  counts: { ok: number; info: number; fail: number };
}

/** The history index that names a transaction: its completion's, or its invocation's if none. */
export function txnIndex(t: Txns, i: number): number {
  return t.history[t.complete[i] >= 0 ? t.complete[i] : t.invoke[i]].index;
}

/** The history index of an event position (they coincide in well-formed histories). */
export function eventIndex(t: Txns, pos: number): number {
  return t.history[pos].index;
}

/** A primitive that identifies a key or value structurally: numbers as themselves (bigints that
 *  fit as numbers), everything else by canonical text (which is never a number). */
export function valueId(v: unknown): number | string {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' && Number.isSafeInteger(Number(v))) return Number(v);
  return canonical(v);
}


function mopCode(f: unknown, kind: WorkloadKind): number {
  const s = typeof f === 'string' ? (f.startsWith(':') ? f.slice(1) : f) : '';
  if (s === 'r') return READ;
  if (kind === 'list-append' && s === 'append') return APPEND;
  if (kind === 'rw-register' && s === 'w') return WRITE;
  return -1;
}

export class TxnFormatError extends Error {}

/** Parses a history; throws TxnFormatError (one sentence) on a micro-op of the wrong shape. */
export function parseTxns(history: History, kind: WorkloadKind): Txns {
  // At most one transaction per event: size everything for that, trim at the end.
  const cap = history.length;
  const type = u8(cap);
  const invoke = i32(cap);
  const complete = i32(cap);
  const process = f64(cap);
  const valueOp = i32(cap); // the event whose value holds the micro-ops
  // The open invocation of each process: an array for small process numbers, else a map.
  const pendingSmall: number[] = [];
  const pendingOther = new Map<Process, number>();
  const pendingOf = (p: Process) => (typeof p === 'number' && p >= 0 && p < 1 << 20 && Number.isInteger(p) ? pendingSmall[p] : pendingOther.get(p));
  const setPending = (p: Process, t: number | undefined) => {
    if (typeof p === 'number' && p >= 0 && p < 1 << 20 && Number.isInteger(p)) pendingSmall[p] = t as number;
    else if (t === undefined) pendingOther.delete(p);
    else pendingOther.set(p, t);
  };
  let n = 0;

  for (let i = 0; i < cap; i++) {
    const op = history[i];
    if (op.process === 'nemesis' || (op.f !== 'txn' && op.f !== ':txn')) continue;
    let t = op.type === 'invoke' ? undefined : pendingOf(op.process);
    if (t === undefined) {
      // An invocation the process never completes stays an indeterminate transaction; a
      // completion with no invocation is a transaction whose start is unknown.
      t = n++;
      type[t] = INFO;
      invoke[t] = op.type === 'invoke' ? i : -1;
      complete[t] = -1;
      process[t] = op.process as number;
      valueOp[t] = i;
      if (op.type === 'invoke') {
        setPending(op.process, t);
        continue;
      }
    } else {
      setPending(op.process, undefined);
    }
    complete[t] = i;
    type[t] = op.type === 'ok' ? OK : op.type === 'fail' ? FAIL : INFO;
    // Ok completions carry what reads returned; otherwise the completion's value is only
    // trusted for its writes (same as the invocation's), so prefer it when it is a list.
    if (op.type === 'ok' || Array.isArray(op.value)) valueOp[t] = i;
  }
  const valueOf = (t: number) => history[valueOp[t]].value;

  const mopStart = i32(n + 1);
  let total = 0;
  for (let t = 0; t < n; t++) {
    const v = valueOf(t);
    if (!Array.isArray(v)) throw new TxnFormatError(`transaction at history index ${history[invoke[t] >= 0 ? invoke[t] : complete[t]].index} has value ${shortText(v)}, not a list of micro-ops`);
    mopStart[t] = total;
    total += v.length;
  }
  mopStart[n] = total;

  const mopF = u8(total);
  const mopKey = i32(total);
  const mopVal: unknown[] = new Array(total);
  const keys: unknown[] = [];
  const numKeys = new Map<number, number>();
  // Key ids of small non-negative integer keys (the usual kind), by direct index.
  const smallKeys: number[] = [];
  const otherKeys = new Map<string, number>();
  const counts = { ok: 0, info: 0, fail: 0 };
  const writeName = kind === 'list-append' ? 'append' : 'w';
  const writeCode = kind === 'list-append' ? APPEND : WRITE;

  for (let t = 0; t < n; t++) {
    const tt = type[t];
    if (tt === OK) counts.ok++;
    else if (tt === INFO) counts.info++;
    else counts.fail++;
    const mops = valueOf(t) as unknown[];
    const base = mopStart[t];
    for (let j = 0; j < mops.length; j++) {
      const m = mops[j];
      let f = -1;
      if (Array.isArray(m) && m.length >= 2 && m.length <= 3) {
        const f0 = m[0];
        f = f0 === 'r' ? READ : f0 === writeName ? writeCode : mopCode(f0, kind);
      }
      if (f < 0) {
        const allowed = kind === 'list-append' ? '["r", k, v] or ["append", k, v]' : '["r", k, v] or ["w", k, v]';
        throw new TxnFormatError(`transaction at history index ${history[complete[t] >= 0 ? complete[t] : invoke[t]].index} has micro-op ${shortText(m)}; ${kind} expects ${allowed}`);
      }
      const arr = m as unknown[];
      const k = arr[1];
      let kid: number | undefined;
      if (typeof k === 'number' && k >>> 0 === k && k < 1 << 24) {
        kid = smallKeys[k];
        if (kid === undefined) {
          kid = numKeys.get(k);
          if (kid === undefined) numKeys.set(k, (kid = keys.push(k) - 1));
          smallKeys[k] = kid;
        }
      } else if (typeof k === 'number') {
        kid = numKeys.get(k);
        if (kid === undefined) numKeys.set(k, (kid = keys.push(k) - 1));
      } else {
        const id = valueId(k);
        kid = typeof id === 'number' ? numKeys.get(id) : otherKeys.get(id);
        if (kid === undefined) {
          kid = keys.push(k) - 1;
          if (typeof id === 'number') numKeys.set(id, kid);
          else otherKeys.set(id, kid);
        }
      }
      mopF[base + j] = f;
      mopKey[base + j] = kid;
      // Reads of transactions that did not complete ok tell us nothing.
      mopVal[base + j] = f === READ && tt !== OK ? null : arr.length > 2 ? arr[2] : null;
    }
  }

  return {
    history,
    kind,
    n,
    // Views, not copies: fewer large allocations (each one can cost a full GC of the history).
    type: type.subarray(0, n),
    invoke: invoke.subarray(0, n),
    complete: complete.subarray(0, n),
    process: process.subarray(0, n),
    mopStart,
    mopF,
    mopKey,
    mopVal,
    keys,
    counts,
  };
}

/** The micro-op as it appeared, for reports. */
export function mopText(t: Txns, m: number): [string, unknown, unknown] {
  return [t.mopF[m] === READ ? 'r' : t.mopF[m] === APPEND ? 'append' : 'w', t.keys[t.mopKey[m]], t.mopVal[m]];
}
