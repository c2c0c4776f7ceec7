// Elle's rw-register inference (elle.rw-register). Writes are unique per key, so a read names the
// transaction whose final write of that key it saw (wr). Version orders are partial and come only
// from rules Elle uses: every key starts at nil, which precedes every value (so a transaction that
// read nil anti-depends on every writer of that key); and, with `wfrKeys` (on by default), a
// transaction that read x = v1 and then wrote x = v2 orders v1 before v2. ww and rw edges follow
// from those version edges only (no transitive closure, no realtime/process inference).
//
// Conservative where Elle is not: reads of transactions that did not complete ok are ignored, a
// key with a value written twice gets no edges, and a key whose inferred versions form a cycle
// (cyclic-versions) keeps only its nil edges.
import type { AnomalyLog } from './anomaly-log.ts';
import { type DataExplainer, type StepExplanation, show } from './explainer.ts';
import type { EdgeList } from './graph.ts';
import * as H from './history.ts';
import { type Txns, mopText, txnIndex } from './history.ts';
import { findLostUpdates } from './lost-update.ts';
import { Versions } from './versions.ts';
import * as R from './rels.ts';
import { i32 } from './arena.ts';

// Imported bindings cost a getter call per use when run through tsx; hot loops use these copies.
const { FAIL, OK, READ, WRITE, valueId } = H;
const { RW, WR, WW } = R;

const AMBIGUOUS = 1;
const HAS_FAILED = 2;
const CYCLIC = 4;

export interface RegisterOptions {
  /** Within a transaction, writes follow reads (Elle's :wfr-keys?). Default true. */
  wfrKeys?: boolean;
}

export function analyzeRwRegister(t: Txns, log: AnomalyLog, edges: EdgeList, opts: RegisterOptions = {}): DataExplainer {
  const nk = t.keys.length;
  const { mopStart, mopF, mopKey, mopVal, type } = t;
  const flags = new Uint8Array(nk);
  const total = mopStart[t.n];
  const vs = new Versions(t, total + nk + 16);
  /** The version a micro-op's value names (its key's initial state for nil). */
  const verOf = (k: number, m: number, create: boolean): number => (mopVal[m] === null || mopVal[m] === undefined ? vs.initial(k, create) : vs.of(k, m, -1, create));

  // External writes (each txn's final write per key) of transactions that may have happened.
  const extWTxn = i32(total);
  const extWVer = i32(total);
  let nw = 0;

  // 1. Writes: duplicates, aborted and intermediate writes, final writes.
  for (let i = 0; i < t.n; i++) {
    const failed = type[i] === FAIL;
    const end = mopStart[i + 1];
    for (let m = mopStart[i]; m < end; m++) {
      if (mopF[m] !== WRITE || mopVal[m] === null || mopVal[m] === undefined) continue;
      const k = mopKey[m];
      const x = verOf(k, m, true);
      if (vs.any[x] >= 0) {
        flags[k] |= AMBIGUOUS;
        const other = vs.any[x];
        log.add('duplicate-writes', () => ({ key: t.keys[k], value: mopVal[m], txns: [txnIndex(t, other), txnIndex(t, i)] }));
        continue;
      }
      vs.any[x] = i;
      if (failed) {
        vs.failed[x] = i;
        flags[k] |= HAS_FAILED;
      }
      let final = true;
      for (let m2 = m + 1; m2 < end; m2++) {
        if (mopF[m2] === WRITE && mopKey[m2] === k) {
          final = false;
          break;
        }
      }
      if (!final) vs.inter[x] = 1;
      else if (!failed) {
        vs.writer[x] = i;
        extWTxn[nw] = i;
        extWVer[nw++] = x;
      }
    }
  }

  // 2. Ok reads: aborted/intermediate reads, wr edges, external reads, internal consistency.
  const extRTxn = i32(total);
  const extRVer = i32(total);
  let ner = 0;
  const wfr: Array<[number, number, number]> = []; // [txn, read version, written version]
  const seen: number[] = [];
  const state: number[] = []; // per seen key: mop index of the last read/write
  const extRead: number[] = []; // per seen key: the external read's mop index, or -1
  for (let i = 0; i < t.n; i++) {
    if (type[i] !== OK) continue;
    seen.length = 0;
    state.length = 0;
    extRead.length = 0;
    let internalDone = false;
    for (let m = mopStart[i]; m < mopStart[i + 1]; m++) {
      const k = mopKey[m];
      let s = seen.indexOf(k);
      const first = s < 0;
      if (first) {
        seen.push(k);
        state.push(-1);
        extRead.push(mopF[m] === READ ? m : -1);
        s = seen.length - 1;
      }
      if (mopF[m] === WRITE) {
        const r = extRead[s];
        if (r >= 0 && mopVal[r] !== null && mopVal[r] !== undefined && mopVal[m] !== null && mopVal[m] !== undefined) {
          // The read precedes the transaction's final write of the key.
          const x1 = verOf(k, r, true);
          const x2 = verOf(k, m, false);
          if (x2 >= 0 && vs.writer[x2] === i && x1 !== x2 && opts.wfrKeys !== false) wfr.push([i, x1, x2]);
        }
        state[s] = m;
        continue;
      }
      const v = mopVal[m];
      const x = verOf(k, m, true);
      if (v !== null && v !== undefined) {
        if (vs.failed[x] >= 0) log.add('G1a', () => ({ op: txnIndex(t, i), mop: mopText(t, m), writer: txnIndex(t, vs.failed[x]) }));
        if (vs.inter[x] && vs.any[x] !== i) log.add('G1b', () => ({ op: txnIndex(t, i), mop: mopText(t, m), writer: txnIndex(t, vs.any[x]) }));
      }
      if (!first && state[s] >= 0 && !internalDone && valueId(mopVal[state[s]] ?? null) !== valueId(v ?? null)) {
        const expected = mopVal[state[s]] ?? null;
        log.add('internal', () => ({ op: txnIndex(t, i), mop: mopText(t, m), expected }));
        internalDone = true;
      }
      if (first) {
        // An external read.
        if (v !== null && v !== undefined && vs.any[x] === i) log.add('future-read', () => ({ op: txnIndex(t, i), mop: mopText(t, m), element: v }));
        if (!(flags[k] & AMBIGUOUS)) {
          extRTxn[ner] = i;
          extRVer[ner++] = x;
          const w = vs.writer[x];
          if (w >= 0 && w !== i) edges.add(w, i, WR);
        }
      }
      state[s] = m;
    }
  }

  // Readers of each version (external reads), by counting sort.
  const nv = vs.n;
  const rOff = i32(nv + 1);
  for (let j = 0; j < ner; j++) rOff[extRVer[j] + 1]++;
  for (let x = 0; x < nv; x++) rOff[x + 1] += rOff[x];
  const readers = i32(ner);
  {
    const fill = i32(nv);
    fill.set(rOff.subarray(0, nv));
    for (let j = 0; j < ner; j++) readers[fill[extRVer[j]]++] = extRTxn[j];
  }

  // 3a. nil precedes every value: readers of nil anti-depend on every final writer of the key.
  for (let j = 0; j < nw; j++) {
    const w = extWTxn[j];
    const k = vs.key[extWVer[j]];
    if (flags[k] & AMBIGUOUS || vs.init[k] < 0) continue;
    const x0 = vs.init[k];
    for (let r = rOff[x0]; r < rOff[x0 + 1]; r++) if (readers[r] !== w) edges.add(readers[r], w, RW);
  }

  // 3b. Writes follow reads: v1 -> v2 version edges, unless they make a key's versions cyclic.
  const wfrEdges = new Set<string>();
  if (opts.wfrKeys !== false) {
    const byKey = new Map<number, Array<[number, number, number]>>();
    for (const e of wfr) {
      const k = vs.key[e[1]];
      if (flags[k] & AMBIGUOUS) continue;
      const l = byKey.get(k);
      if (l) l.push(e);
      else byKey.set(k, [e]);
    }
    for (const [k, es] of byKey) {
      const cycle = es.length > 1 ? versionCycle(es) : null;
      if (cycle) {
        flags[k] |= CYCLIC;
        log.add('cyclic-versions', () => ({ key: t.keys[k], scc: cycle.map((x) => vs.value(x)), sources: ['initial-state', 'wfr-keys'] }));
        continue;
      }
      for (const [i, x1, x2] of es) {
        wfrEdges.add(`${x1},${x2}`);
        const w = vs.writer[x1];
        if (w >= 0 && w !== i) edges.add(w, i, WW);
        for (let r = rOff[x1]; r < rOff[x1 + 1]; r++) if (readers[r] !== i) edges.add(readers[r], i, RW);
      }
    }
  }

  // 4. Lost updates.
  findLostUpdates(t, log, () => vs.n, (k, m) => verOf(k, m, true));

  /** The transaction's external reads or final writes, as [key, version] pairs. */
  const ext = (i: number, reads: boolean): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    const ks: number[] = [];
    for (let m = mopStart[i]; m < mopStart[i + 1]; m++) {
      const k = mopKey[m];
      if (reads) {
        if (!ks.includes(k)) {
          ks.push(k);
          if (mopF[m] === READ && type[i] === OK) out.push([k, verOf(k, m, false)]);
        }
      } else if (mopF[m] === WRITE) {
        const x = verOf(k, m, false);
        if (x >= 0 && vs.writer[x] === i) out.push([k, x]);
      }
    }
    return out;
  };
  const follows = (k: number, x1: number, x2: number) => !(flags[k] & AMBIGUOUS) && (x1 === vs.init[k] || wfrEdges.has(`${x1},${x2}`));

  return {
    explain(a: number, b: number, rel: number): StepExplanation | null {
      if (rel === WR) {
        for (const [k, x] of ext(b, true)) {
          if (x < 0 || vs.writer[x] !== a || flags[k] & AMBIGUOUS) continue;
          const key = t.keys[k];
          const value = vs.value(x);
          return { data: { type: 'wr', key, value }, render: (an, bn) => `${an} wrote key ${show(key)} = ${show(value)}, which was read by ${bn}`, label: `wr ${show(key)}: ${show(value)}` };
        }
        return null;
      }
      const from = ext(a, rel === RW);
      for (const [k, x2] of ext(b, false)) {
        for (const [k1, x1] of from) {
          if (k1 !== k || x1 < 0 || !follows(k, x1, x2)) continue;
          const key = t.keys[k];
          const value = vs.value(x1);
          const value2 = vs.value(x2);
          const later = `${show(value2)}, which came later in the version order`;
          if (rel === WW) return { data: { type: 'ww', key, value, "value'": value2 }, render: (an, bn) => `${an} set key ${show(key)} to ${show(value)}, and ${bn} set it to ${later}`, label: `ww ${show(key)}: ${show(value)} → ${show(value2)}` };
          return {
            data: { type: 'rw', key, value, "value'": value2 },
            render: (an, bn) => `${an} read key ${show(key)} = ${value === null ? 'nil (its initial state)' : show(value)}, and ${bn} set it to ${later}`,
            label: `rw ${show(key)}: ${show(value)} → ${show(value2)}`,
          };
        }
      }
      return null;
    },
  };
}

/** A cycle among version edges [txn, from, to] of one key, as versions, or null. */
function versionCycle(es: Array<[number, number, number]>): number[] | null {
  const out = new Map<number, number[]>();
  for (const [, a, b] of es) out.set(a, [...(out.get(a) ?? []), b]);
  const color = new Map<number, number>(); // 1 on stack, 2 done
  for (const start of out.keys()) {
    if (color.has(start)) continue;
    const stack: Array<[number, number]> = [[start, 0]];
    const path: number[] = [start];
    color.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const succ = out.get(top[0]) ?? [];
      if (top[1] >= succ.length) {
        color.set(top[0], 2);
        stack.pop();
        path.pop();
        continue;
      }
      const w = succ[top[1]++];
      const c = color.get(w);
      if (c === 1) return path.slice(path.indexOf(w));
      if (c === undefined) {
        color.set(w, 1);
        stack.push([w, 0]);
        path.push(w);
      }
    }
  }
  return null;
}
