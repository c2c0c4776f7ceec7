// Elle's list-append inference (elle.list-append). Every append is unique per key, so each read of
// a list names the transaction that wrote its last element (wr), and the longest read of a key
// gives that key's version order: consecutive appends give ww edges, and a read whose last element
// is e anti-depends (rw) on the append right after e. An append never observed came after
// everything observed (Elle's rule for unobserved writes).
//
// Conservative where Elle is not: reads of transactions that did not complete ok are ignored (they
// may have aborted after reading), and keys whose reads disagree (incompatible-order), contain
// duplicates or had a value appended twice get no version order (no ww/rw edges) at all.
import { canonical } from '../../src/util/values.ts';
import type { AnomalyLog } from './anomaly-log.ts';
import { type DataExplainer, type StepExplanation, show } from './explainer.ts';
import type { EdgeList } from './graph.ts';
import * as H from './history.ts';
import { TxnFormatError, type Txns, mopText, txnIndex } from './history.ts';
import { findLostUpdates } from './lost-update.ts';
import * as R from './rels.ts';

// Imported bindings cost a getter call per use when run through tsx; hot loops use these copies.
const { APPEND, FAIL, OK, READ, valueId } = H;
const { RW, WR, WW } = R;

const AMBIGUOUS = 1; // some value appended twice
const INCOMPATIBLE = 2; // reads disagree on the order
const DUPLICATES = 4; // a read holds the same element twice
const HAS_FAILED = 8; // a failed transaction appended to it
const NO_ORDER = AMBIGUOUS | INCOMPATIBLE | DUPLICATES;
const INIT = -1;

function eq(a: unknown, b: unknown): boolean {
  return a === b || ((typeof a !== 'number' || typeof b !== 'number') && valueId(a) === valueId(b));
}

function isPrefix(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (!eq(a[i], b[i])) return false;
  return true;
}

function asList(t: Txns, m: number): readonly unknown[] {
  const v = t.mopVal[m];
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new TxnFormatError(`list-append read at history index ${txnIndexOfMop(t, m)} returned ${show(v)}, not a list`);
  return v;
}

function txnIndexOfMop(t: Txns, m: number): number {
  let lo = 0;
  let hi = t.n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t.mopStart[mid] <= m) lo = mid;
    else hi = mid - 1;
  }
  return txnIndex(t, lo);
}

export function analyzeListAppend(t: Txns, log: AnomalyLog, edges: EdgeList): DataExplainer {
  const nk = t.keys.length;
  const { mopStart, mopF, mopKey, mopVal, type } = t;
  const flags = new Uint8Array(nk);

  // Versions: one per (key, appended or observed element), plus one initial state per key.
  const verMaps: Array<Map<number | string, number> | undefined> = new Array(nk);
  const verKey: number[] = [];
  const verVal: unknown[] = [];
  const verWriter: number[] = [];
  const verFailed: number[] = [];
  const verInter: number[] = [];
  const verPos: number[] = [];
  const initVer = new Int32Array(nk).fill(-1);
  const newVer = (k: number, v: unknown) => {
    verKey.push(k);
    verVal.push(v);
    verWriter.push(-1);
    verFailed.push(-1);
    verInter.push(0);
    verPos.push(-1);
    return verKey.length - 1;
  };
  const verOf = (k: number, v: unknown, create: boolean): number => {
    let map = verMaps[k];
    const id = valueId(v);
    let x = map?.get(id);
    if (x !== undefined) return x;
    if (!create) return -1;
    if (!map) verMaps[k] = map = new Map();
    x = newVer(k, v);
    map.set(id, x);
    return x;
  };
  const initOf = (k: number, create: boolean): number => {
    if (initVer[k] < 0 && create) initVer[k] = newVer(k, null);
    return initVer[k];
  };

  // 1. Who appended what; duplicates; intermediate appends (a txn's non-final append to a key).
  for (let i = 0; i < t.n; i++) {
    const failed = type[i] === FAIL;
    const end = mopStart[i + 1];
    for (let m = mopStart[i]; m < end; m++) {
      if (mopF[m] !== APPEND) continue;
      const k = mopKey[m];
      const x = verOf(k, mopVal[m], true);
      if (verWriter[x] >= 0 || verFailed[x] >= 0) {
        flags[k] |= AMBIGUOUS;
        const other = verWriter[x] >= 0 ? verWriter[x] : verFailed[x];
        log.add('duplicate-appends', () => ({ key: t.keys[k], value: mopVal[m], txns: [txnIndex(t, other), txnIndex(t, i)] }));
        continue;
      }
      if (failed) {
        verFailed[x] = i;
        flags[k] |= HAS_FAILED;
      } else {
        verWriter[x] = i;
      }
      for (let m2 = m + 1; m2 < end; m2++) {
        if (mopF[m2] === APPEND && mopKey[m2] === k) {
          verInter[x] = 1;
          break;
        }
      }
    }
  }

  // 2. Ok reads: the longest per key, checking every read is a prefix-compatible with it.
  const reads: number[] = [];
  const readTxn: number[] = [];
  const longest: Array<readonly unknown[] | undefined> = new Array(nk);
  for (let i = 0; i < t.n; i++) {
    if (type[i] !== OK) continue;
    for (let m = mopStart[i]; m < mopStart[i + 1]; m++) {
      if (mopF[m] !== READ) continue;
      const r = asList(t, m);
      const k = mopKey[m];
      reads.push(m);
      readTxn.push(i);
      if (flags[k] & INCOMPATIBLE) continue;
      const l = longest[k];
      if (l === undefined) {
        longest[k] = r;
      } else if (r.length <= l.length ? !isPrefix(r, l) : !isPrefix(l, r)) {
        flags[k] |= INCOMPATIBLE;
        const pair = r.length <= l.length ? [r, l] : [l, r];
        log.add('incompatible-order', () => ({ key: t.keys[k], values: pair }));
      } else if (r.length > l.length) {
        longest[k] = r;
      }
    }
  }

  // 3. Version orders from the longest reads.
  const orderStart = new Int32Array(nk);
  const orderLen = new Int32Array(nk);
  const orderVers: number[] = [];
  for (let k = 0; k < nk; k++) {
    const l = longest[k];
    if (!l || flags[k] & INCOMPATIBLE) continue;
    if (l.length > 1 && new Set(l.map(valueId)).size < l.length) {
      flags[k] |= DUPLICATES;
      continue;
    }
    if (flags[k] & NO_ORDER) continue;
    orderStart[k] = orderVers.length;
    orderLen[k] = l.length;
    for (let j = 0; j < l.length; j++) {
      const x = verOf(k, l[j], true);
      orderVers.push(x);
      verPos[x] = j;
    }
  }
  const posOf = (x: number) => (x >= 0 ? verPos[x] : -1);

  // 4. Per read: its version (last element), aborted and intermediate reads, wr edges, and the
  //    read index for rw edges.
  const readVerOf = (k: number, r: readonly unknown[], create: boolean) => (r.length === 0 ? initOf(k, create) : verOf(k, r[r.length - 1], create));
  const readerVer: number[] = [];
  const readerTxn: number[] = [];
  for (let j = 0; j < reads.length; j++) {
    const m = reads[j];
    const i = readTxn[j];
    const k = mopKey[m];
    const r = mopVal[m] === null || mopVal[m] === undefined ? [] : (mopVal[m] as readonly unknown[]);
    const fk = flags[k];
    if (fk & (INCOMPATIBLE | DUPLICATES) && r.length > 1) {
      const ids = r.map(valueId);
      if (new Set(ids).size < r.length) log.add('duplicate-elements', () => ({ op: txnIndex(t, i), mop: mopText(t, m), duplicates: duplicatesOf(r) }));
    }
    if (fk & HAS_FAILED) {
      for (const e of r) {
        const x = verOf(k, e, false);
        if (x >= 0 && verFailed[x] >= 0) log.add('G1a', () => ({ op: txnIndex(t, i), mop: mopText(t, m), writer: txnIndex(t, verFailed[x]), element: e }));
      }
    }
    const x = readVerOf(k, r, true);
    if (r.length > 0 && verInter[x]) {
      const w = verWriter[x] >= 0 ? verWriter[x] : verFailed[x];
      if (w !== i) log.add('G1b', () => ({ op: txnIndex(t, i), mop: mopText(t, m), writer: txnIndex(t, w), element: r[r.length - 1] }));
    }
    if (fk & AMBIGUOUS) continue;
    if (r.length > 0 && verWriter[x] >= 0 && verWriter[x] !== i) edges.add(verWriter[x], i, WR);
    if (!(fk & NO_ORDER)) {
      readerVer.push(x);
      readerTxn.push(i);
    }
  }

  // Readers grouped by version (counting sort).
  const nv = verKey.length;
  const readersOff = new Int32Array(nv + 1);
  for (const x of readerVer) readersOff[x + 1]++;
  for (let x = 0; x < nv; x++) readersOff[x + 1] += readersOff[x];
  const readers = new Int32Array(readerVer.length);
  {
    const fill = readersOff.slice(0, nv);
    for (let j = 0; j < readerVer.length; j++) readers[fill[readerVer[j]]++] = readerTxn[j];
  }

  // The version just before an append: its predecessor in the order, or, if it was never
  // observed, the last observed version (it must have come after all of them).
  const prevOf = (k: number, x: number): number => {
    const p = posOf(x);
    if (p > 0) return orderVers[orderStart[k] + p - 1];
    if (p === 0 || orderLen[k] === 0) return INIT;
    return orderVers[orderStart[k] + orderLen[k] - 1];
  };

  // 5. ww and rw edges from appends of transactions that may have happened.
  for (let i = 0; i < t.n; i++) {
    if (type[i] === FAIL) continue;
    for (let m = mopStart[i]; m < mopStart[i + 1]; m++) {
      if (mopF[m] !== APPEND) continue;
      const k = mopKey[m];
      if (flags[k] & NO_ORDER) continue;
      const prev = prevOf(k, verOf(k, mopVal[m], false));
      const pv = prev === INIT ? initVer[k] : prev;
      if (prev !== INIT && verWriter[prev] >= 0 && verWriter[prev] !== i) edges.add(verWriter[prev], i, WW);
      if (pv >= 0) for (let r = readersOff[pv]; r < readersOff[pv + 1]; r++) if (readers[r] !== i) edges.add(readers[r], i, RW);
    }
  }

  // 6. Dirty updates: a committed append right after (only indeterminate ones between) an
  //    aborted one in a version order.
  for (let k = 0; k < nk; k++) {
    if (orderLen[k] === 0 || !(flags[k] & HAS_FAILED)) continue;
    let prevType = OK;
    let prevTxn = -1;
    let run: unknown[] = [];
    for (let j = 0; j < orderLen[k]; j++) {
      const x = orderVers[orderStart[k] + j];
      const tt = verFailed[x] >= 0 ? FAIL : verWriter[x] >= 0 ? type[verWriter[x]] : 1; // unknown writer: indeterminate
      const w = verFailed[x] >= 0 ? verFailed[x] : verWriter[x];
      run.push(verVal[x]);
      if (tt === OK && prevType === FAIL) {
        const values = run;
        const from = prevTxn;
        log.add('dirty-update', () => ({ key: t.keys[k], values, txns: [txnIndex(t, from), '...', txnIndex(t, w)] }));
      }
      if (tt === OK || (tt === FAIL && prevType !== FAIL)) {
        prevType = tt;
        prevTxn = w;
        run = [verVal[x]];
      }
    }
  }

  // 7. Internal consistency and future reads, within each ok transaction.
  for (let i = 0; i < t.n; i++) if (type[i] === OK && mopStart[i + 1] - mopStart[i] > 1) checkInternal(t, i, log);

  // 8. Lost updates: two committed transactions read the same state of a key and appended to it.
  findLostUpdates(t, log, (k, m) => {
    const r = mopVal[m] === null || mopVal[m] === undefined ? [] : (mopVal[m] as readonly unknown[]);
    if (!(flags[k] & (INCOMPATIBLE | DUPLICATES | AMBIGUOUS))) return readVerOf(k, r, true);
    return canonical(r);
  });

  const explainer: DataExplainer = {
    explain(a: number, b: number, rel: number): StepExplanation | null {
      for (let m = mopStart[b]; m < mopStart[b + 1]; m++) {
        const k = mopKey[m];
        const key = t.keys[k];
        if (rel === WR && mopF[m] === READ && !(flags[k] & AMBIGUOUS)) {
          const r = (mopVal[m] ?? []) as readonly unknown[];
          if (r.length === 0) continue;
          const x = verOf(k, r[r.length - 1], false);
          if (x >= 0 && verWriter[x] === a) {
            const value = r[r.length - 1];
            return { data: { type: 'wr', key, value }, render: (an, bn) => `${bn} observed ${an}'s append of ${show(value)} to key ${show(key)}`, label: `wr ${show(key)}: ${show(value)}` };
          }
        }
        if (mopF[m] !== APPEND || flags[k] & NO_ORDER) continue;
        const value2 = mopVal[m];
        const prev = prevOf(k, verOf(k, value2, false));
        if (rel === WW && prev !== INIT && verWriter[prev] === a) {
          const value = verVal[prev];
          return { data: { type: 'ww', key, value, "value'": value2 }, render: (an, bn) => `${bn} appended ${show(value2)} after ${an} appended ${show(value)} to key ${show(key)}`, label: `ww ${show(key)}: ${show(value)} → ${show(value2)}` };
        }
        if (rel === RW && readsVersion(a, k, prev)) {
          if (prev === INIT) {
            return {
              data: { type: 'rw', key, value: null, "value'": value2 },
              render: (an, bn) => `${an} observed the initial (nil) state of key ${show(key)}, which ${bn} created by appending ${show(value2)}`,
              label: `rw ${show(key)}: [] → ${show(value2)}`,
            };
          }
          const value = verVal[prev];
          return { data: { type: 'rw', key, value, "value'": value2 }, render: (an, bn) => `${an} did not observe ${bn}'s append of ${show(value2)} to key ${show(key)}`, label: `rw ${show(key)}: ${show(value)} → ${show(value2)}` };
        }
      }
      return null;
    },
  };

  function readsVersion(a: number, k: number, prev: number): boolean {
    if (type[a] !== OK) return false;
    for (let m = mopStart[a]; m < mopStart[a + 1]; m++) {
      if (mopF[m] !== READ || mopKey[m] !== k) continue;
      const r = (mopVal[m] ?? []) as readonly unknown[];
      if (prev === INIT ? r.length === 0 : r.length > 0 && verOf(k, r[r.length - 1], false) === prev) return true;
    }
    return false;
  }

  return explainer;
}

function duplicatesOf(r: readonly unknown[]): Array<{ element: unknown; count: number }> {
  const counts = new Map<number | string, { element: unknown; count: number }>();
  for (const e of r) {
    const id = valueId(e);
    const c = counts.get(id);
    if (c) c.count++;
    else counts.set(id, { element: e, count: 1 });
  }
  return [...counts.values()].filter((c) => c.count > 1);
}

/** Elle's INT check (a read must match the transaction's own earlier reads and appends to that
 *  key) and future reads (a read holding an element the transaction appends later). */
function checkInternal(t: Txns, i: number, log: AnomalyLog): void {
  const { mopStart, mopF, mopKey, mopVal } = t;
  const start = mopStart[i];
  const end = mopStart[i + 1];
  // Only transactions touching some key twice can be inconsistent with themselves.
  let repeats = false;
  for (let m = start; m < end && !repeats; m++) for (let m2 = m + 1; m2 < end; m2++) if (mopKey[m2] === mopKey[m]) repeats = true;
  if (!repeats) return;
  let futureDone = false;
  let internalDone = false;
  for (let m = start; m < end; m++) {
    if (mopF[m] !== READ) continue;
    const k = mopKey[m];
    const r = (mopVal[m] ?? EMPTY) as readonly unknown[];
    if (!futureDone) {
      for (let m2 = m + 1; m2 < end && !futureDone; m2++) {
        if (mopF[m2] !== APPEND || mopKey[m2] !== k || !contains(r, mopVal[m2])) continue;
        const element = mopVal[m2];
        log.add('future-read', () => ({ op: txnIndex(t, i), mop: mopText(t, m), element }));
        futureDone = true;
      }
    }
    if (internalDone) continue;
    // What this txn's earlier micro-ops on k say the read must be: its last read of k (if any)
    // followed by its appends since; or, with no earlier read, a list ending in those appends.
    let last = -1;
    for (let m2 = m - 1; m2 >= start; m2--) {
      if (mopKey[m2] === k && mopF[m2] === READ) {
        last = m2;
        break;
      }
    }
    let appended = 0;
    for (let m2 = last + 1 > start ? last + 1 : start; m2 < m; m2++) if (mopKey[m2] === k && mopF[m2] === APPEND) appended++;
    if (last < 0 && appended === 0) continue;
    const prefix = last >= 0 ? ((mopVal[last] ?? EMPTY) as readonly unknown[]) : null;
    let ok = prefix ? r.length === prefix.length + appended && isPrefix(prefix, r) : r.length >= appended;
    let j = prefix ? prefix.length : r.length - appended;
    for (let m2 = last + 1 > start ? last + 1 : start; ok && m2 < m; m2++) if (mopKey[m2] === k && mopF[m2] === APPEND) ok = eq(r[j++], mopVal[m2]);
    if (ok) continue;
    const suffix: unknown[] = [];
    for (let m2 = last + 1 > start ? last + 1 : start; m2 < m; m2++) if (mopKey[m2] === k && mopF[m2] === APPEND) suffix.push(mopVal[m2]);
    const expected = prefix ? [...prefix, ...suffix] : ['...', ...suffix];
    log.add('internal', () => ({ op: txnIndex(t, i), mop: mopText(t, m), expected }));
    internalDone = true;
  }
}

const EMPTY: readonly unknown[] = [];

function contains(r: readonly unknown[], v: unknown): boolean {
  for (let j = 0; j < r.length; j++) if (eq(r[j], v)) return true;
  return false;
}
