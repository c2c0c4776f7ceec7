// Elle's checks within one list-append transaction (elle.list-append/op-int-case and
// op-future-read-case): every read must agree with the transaction's own earlier reads and appends
// of that key ("internal"), and no read may hold an element the transaction appends only later
// ("future-read").
import type { AnomalyLog } from './anomaly-log.ts';
import * as H from './history.ts';
import { type Txns, mopText, txnIndex } from './history.ts';
import { EMPTY, contains, eq, isPrefix } from './lists.ts';

// Imported bindings cost a getter call per use when run through tsx; hot loops use these copies.
const { APPEND, READ } = H;

/** Elle's INT check (a read must match the transaction's own earlier reads and appends to that
 *  key) and future reads (a read holding an element the transaction appends later). */
export function checkInternal(t: Txns, i: number, log: AnomalyLog): void {
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
