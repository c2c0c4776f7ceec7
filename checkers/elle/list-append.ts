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
import { checkInternal } from './append-internal.ts';
import { i32 } from './arena.ts';
import { type DataExplainer, type StepExplanation, show } from './explainer.ts';
import type { EdgeList } from './graph.ts';
import * as H from './history.ts';
import { TxnFormatError, type Txns, mopText, txnIndex } from './history.ts';
import { EMPTY, isPrefix } from './lists.ts';
import { findLostUpdates } from './lost-update.ts';
import * as R from './rels.ts';
import { Versions } from './versions.ts';

// Imported bindings cost a getter call per use when run through tsx; hot loops use these copies.
const { APPEND, FAIL, INFO: INFO_TYPE, OK, READ, valueId } = H;
const { RW, WR, WW } = R;

const AMBIGUOUS = 1; // some value appended twice
const INCOMPATIBLE = 2; // reads disagree on the order
const DUPLICATES = 4; // a read holds the same element twice
const HAS_FAILED = 8; // a failed transaction appended to it
const NO_ORDER = AMBIGUOUS | INCOMPATIBLE | DUPLICATES;
const INIT = -1;

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
  let appends = 0;
  let readCount = 0;
  for (let i = 0; i < t.n; i++) {
    for (let m = mopStart[i]; m < mopStart[i + 1]; m++) {
      if (mopF[m] === APPEND) appends++;
      else if (type[i] === OK) readCount++;
    }
  }
  const vs = new Versions(t, appends + nk + 16);

  // 1. Who appended what; duplicates; intermediate appends (a txn's non-final append to a key).
  for (let i = 0; i < t.n; i++) {
    const failed = type[i] === FAIL;
    const end = mopStart[i + 1];
    for (let m = mopStart[i]; m < end; m++) {
      if (mopF[m] !== APPEND) continue;
      const k = mopKey[m];
      const x = vs.of(k, m, -1, true);
      if (vs.writer[x] >= 0 || vs.failed[x] >= 0) {
        flags[k] |= AMBIGUOUS;
        const other = vs.writer[x] >= 0 ? vs.writer[x] : vs.failed[x];
        log.add('duplicate-appends', () => ({ key: t.keys[k], value: mopVal[m], txns: [txnIndex(t, other), txnIndex(t, i)] }));
        continue;
      }
      if (failed) {
        vs.failed[x] = i;
        flags[k] |= HAS_FAILED;
      } else {
        vs.writer[x] = i;
      }
      for (let m2 = m + 1; m2 < end; m2++) {
        if (mopF[m2] === APPEND && mopKey[m2] === k) {
          vs.inter[x] = 1;
          break;
        }
      }
    }
  }

  // 2. Ok reads: the longest per key, checking every read is prefix-compatible with it.
  const reads = i32(readCount);
  const readTxn = i32(readCount);
  const longest = i32(nk).fill(-1); // micro-op holding the longest read
  let nr = 0;
  for (let i = 0; i < t.n; i++) {
    if (type[i] !== OK) continue;
    for (let m = mopStart[i]; m < mopStart[i + 1]; m++) {
      if (mopF[m] !== READ) continue;
      const r = asList(t, m);
      const k = mopKey[m];
      reads[nr] = m;
      readTxn[nr++] = i;
      if (flags[k] & INCOMPATIBLE) continue;
      if (longest[k] < 0) {
        longest[k] = m;
        continue;
      }
      const l = asList(t, longest[k]);
      if (r.length <= l.length ? !isPrefix(r, l) : !isPrefix(l, r)) {
        flags[k] |= INCOMPATIBLE;
        const pair = r.length <= l.length ? [r, l] : [l, r];
        log.add('incompatible-order', () => ({ key: t.keys[k], values: pair }));
      } else if (r.length > l.length) {
        longest[k] = m;
      }
    }
  }

  // 3. Version orders from the longest reads (none where elements repeat).
  const orderStart = i32(nk);
  const orderLen = i32(nk);
  const minFailed = i32(nk).fill(0x7fffffff); // first position of an aborted append
  let orderTotal = 0;
  for (let k = 0; k < nk; k++) if (longest[k] >= 0) orderTotal += asList(t, longest[k]).length;
  const orderVers = i32(orderTotal);
  let on = 0;
  for (let k = 0; k < nk; k++) {
    if (longest[k] < 0 || flags[k] & INCOMPATIBLE) continue;
    const m = longest[k];
    const l = asList(t, m);
    orderStart[k] = on;
    let j = 0;
    for (; j < l.length; j++) {
      const x = vs.of(k, m, j, true);
      if (vs.pos[x] >= 0) break; // seen earlier in this same list: a duplicate
      vs.pos[x] = j;
      orderVers[on + j] = x;
      if (vs.failed[x] >= 0 && j < minFailed[k]) minFailed[k] = j;
    }
    if (j < l.length) {
      flags[k] |= DUPLICATES;
      for (let j2 = 0; j2 < j; j2++) vs.pos[orderVers[on + j2]] = -1;
      continue;
    }
    if (flags[k] & NO_ORDER) {
      for (let j2 = 0; j2 < l.length; j2++) vs.pos[orderVers[on + j2]] = -1;
      continue;
    }
    orderLen[k] = l.length;
    on += l.length;
  }

  // 4. Per read: its version (last element), aborted and intermediate reads, wr edges, and the
  //    read index for rw edges.
  const readVerOf = (k: number, m: number, create: boolean) => {
    const v = mopVal[m] as readonly unknown[] | null;
    return !v || v.length === 0 ? vs.initial(k, create) : vs.of(k, m, v.length - 1, create);
  };
  const readerVer = i32(nr);
  const readerTxn = i32(nr);
  let nreaders = 0;
  for (let j = 0; j < nr; j++) {
    const m = reads[j];
    const i = readTxn[j];
    const k = mopKey[m];
    const r = (mopVal[m] ?? EMPTY) as readonly unknown[];
    const fk = flags[k];
    if (fk & (INCOMPATIBLE | DUPLICATES) && r.length > 1 && new Set(r.map(valueId)).size < r.length) {
      log.add('duplicate-elements', () => ({ op: txnIndex(t, i), mop: mopText(t, m), duplicates: duplicatesOf(r) }));
    }
    // Aborted reads: for a key with an order, a read (a prefix of it) holds an aborted append
    // iff it reaches the first one; otherwise look at every element.
    if (fk & HAS_FAILED && (fk & NO_ORDER || r.length > minFailed[k])) {
      for (let e = 0; e < r.length; e++) {
        const x = vs.find(k, r[e]);
        if (x >= 0 && vs.failed[x] >= 0) {
          const element = r[e];
          log.add('G1a', () => ({ op: txnIndex(t, i), mop: mopText(t, m), writer: txnIndex(t, vs.failed[x]), element }));
        }
      }
    }
    const x = readVerOf(k, m, true);
    if (r.length > 0 && vs.inter[x]) {
      const w = vs.writer[x] >= 0 ? vs.writer[x] : vs.failed[x];
      if (w !== i) log.add('G1b', () => ({ op: txnIndex(t, i), mop: mopText(t, m), writer: txnIndex(t, w), element: r[r.length - 1] }));
    }
    if (fk & AMBIGUOUS) continue;
    if (r.length > 0 && vs.writer[x] >= 0 && vs.writer[x] !== i) edges.add(vs.writer[x], i, WR);
    if (!(fk & NO_ORDER)) {
      readerVer[nreaders] = x;
      readerTxn[nreaders++] = i;
    }
  }

  // Readers grouped by version (counting sort).
  const nv = vs.n;
  const readersOff = i32(nv + 1);
  for (let j = 0; j < nreaders; j++) readersOff[readerVer[j] + 1]++;
  for (let x = 0; x < nv; x++) readersOff[x + 1] += readersOff[x];
  const readers = i32(nreaders);
  {
    const fill = i32(nv);
    fill.set(readersOff.subarray(0, nv));
    for (let j = 0; j < nreaders; j++) readers[fill[readerVer[j]]++] = readerTxn[j];
  }

  // The version just before an append: its predecessor in the order, or, if it was never
  // observed, the last observed version (it must have come after all of them).
  const prevOf = (k: number, x: number): number => {
    const p = x >= 0 ? vs.pos[x] : -1;
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
      const prev = prevOf(k, vs.of(k, m, -1, false));
      const pv = prev === INIT ? vs.init[k] : prev;
      if (prev !== INIT && vs.writer[prev] >= 0 && vs.writer[prev] !== i) edges.add(vs.writer[prev], i, WW);
      if (pv >= 0) for (let r = readersOff[pv]; r < readersOff[pv + 1]; r++) if (readers[r] !== i) edges.add(readers[r], i, RW);
    }
  }

  // 5b. A transaction's appends to a key are applied in its order: observing a later one before
  //     an earlier one (or without it) makes the key's version order cyclic.
  for (let i = 0; i < t.n; i++) {
    if (type[i] === FAIL) continue;
    const end = mopStart[i + 1];
    for (let m = mopStart[i]; m < end; m++) {
      if (mopF[m] !== APPEND || flags[mopKey[m]] & NO_ORDER) continue;
      for (let m2 = m + 1; m2 < end; m2++) {
        if (mopF[m2] !== APPEND || mopKey[m2] !== mopKey[m]) continue;
        const p1 = vs.pos[vs.of(mopKey[m], m, -1, false)];
        const p2 = vs.pos[vs.of(mopKey[m], m2, -1, false)];
        if (p2 >= 0 && (p1 < 0 || p1 > p2)) {
          const key = t.keys[mopKey[m]];
          const a = mopVal[m];
          const b = mopVal[m2];
          log.add('cyclic-versions', () => ({ key, scc: [a, b], sources: ['transaction-order', 'observed-order'], op: txnIndex(t, i) }));
        }
        break; // the next append of this key is compared in its own turn
      }
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
      const tt = vs.failed[x] >= 0 ? FAIL : vs.writer[x] >= 0 ? type[vs.writer[x]] : INFO_TYPE; // unknown writer: indeterminate
      const w = vs.failed[x] >= 0 ? vs.failed[x] : vs.writer[x];
      run.push(vs.value(x));
      if (tt === OK && prevType === FAIL) {
        const values = run;
        const from = prevTxn;
        log.add('dirty-update', () => ({ key: t.keys[k], values, txns: [txnIndex(t, from), '...', txnIndex(t, w)] }));
      }
      if (tt === OK || (tt === FAIL && prevType !== FAIL)) {
        prevType = tt;
        prevTxn = w;
        run = [vs.value(x)];
      }
    }
  }

  // 7. Internal consistency and future reads, within each ok transaction.
  for (let i = 0; i < t.n; i++) if (type[i] === OK && mopStart[i + 1] - mopStart[i] > 1) checkInternal(t, i, log);

  // 8. Lost updates: two committed transactions read the same state of a key and appended to it.
  findLostUpdates(t, log, () => vs.n, (k, m) => (flags[k] & (INCOMPATIBLE | DUPLICATES | AMBIGUOUS) ? canonical(mopVal[m] ?? []) : readVerOf(k, m, true)));

  const explainer: DataExplainer = {
    explain(a: number, b: number, rel: number): StepExplanation | null {
      for (let m = mopStart[b]; m < mopStart[b + 1]; m++) {
        const k = mopKey[m];
        const key = t.keys[k];
        if (rel === WR && mopF[m] === READ && !(flags[k] & AMBIGUOUS)) {
          const r = (mopVal[m] ?? EMPTY) as readonly unknown[];
          if (r.length === 0) continue;
          const x = vs.find(k, r[r.length - 1]);
          if (x >= 0 && vs.writer[x] === a) {
            const value = r[r.length - 1];
            return { data: { type: 'wr', key, value }, render: (an, bn) => `${bn} observed ${an}'s append of ${show(value)} to key ${show(key)}`, label: `wr ${show(key)}: ${show(value)}` };
          }
        }
        if (mopF[m] !== APPEND || flags[k] & NO_ORDER) continue;
        const value2 = mopVal[m];
        const prev = prevOf(k, vs.find(k, value2));
        if (rel === WW && prev !== INIT && vs.writer[prev] === a) {
          const value = vs.value(prev);
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
          const value = vs.value(prev);
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
      const r = (mopVal[m] ?? EMPTY) as readonly unknown[];
      if (prev === INIT ? r.length === 0 : r.length > 0 && vs.find(k, r[r.length - 1]) === prev) return true;
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
