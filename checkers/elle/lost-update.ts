// Lost update (Elle's elle.txn/lost-update-cases): two committed transactions both read the same
// version of a key (before writing it themselves) and both then wrote that key. Whatever order
// they took, the second overwrote a state it never saw. Found directly, in linear time, since
// the version order needed to see it as a G2-item cycle may be unknown.
import type { AnomalyLog } from './anomaly-log.ts';
import * as H from './history.ts';
import { type Txns, txnIndex } from './history.ts';

// Imported bindings cost a getter call per use when run through tsx; hot loops use these copies.
const { OK, READ } = H;

/** `versionOf(key, readMop)` names what an external read observed (equal names, equal states). */
export function findLostUpdates(t: Txns, log: AnomalyLog, versionOf: (k: number, m: number) => number | string): void {
  const { mopStart, mopF, mopKey } = t;
  const groups = new Map<number | string, { mop: number; txns: number[] }>();
  const seen: number[] = [];
  const extRead: number[] = [];
  for (let i = 0; i < t.n; i++) {
    if (t.type[i] !== OK) continue;
    seen.length = 0;
    extRead.length = 0;
    for (let m = mopStart[i]; m < mopStart[i + 1]; m++) {
      const k = mopKey[m];
      let s = seen.indexOf(k);
      if (s < 0) {
        seen.push(k);
        extRead.push(mopF[m] === READ ? m : -1);
        continue;
      }
      const r = extRead[s];
      if (mopF[m] === READ || r < 0) continue;
      // First write after an external read of this key: record once per key.
      extRead[s] = -1;
      const v = versionOf(k, r);
      // A number when key and version are small enough to pack exactly, else a string.
      const id = typeof v === 'number' && v < 2 ** 22 ? k * 2 ** 22 + v : `${k}:${v}`;
      const g = groups.get(id);
      if (g) g.txns.push(i);
      else groups.set(id, { mop: r, txns: [i] });
    }
  }
  for (const g of groups.values()) {
    if (g.txns.length < 2) continue;
    log.add('lost-update', () => ({ key: t.keys[mopKey[g.mop]], value: t.mopVal[g.mop], txns: g.txns.map((i) => txnIndex(t, i)) }));
  }
}
