// Lost update (Elle's elle.txn/lost-update-cases): two committed transactions both read the same
// version of a key (before writing it themselves) and both then wrote that key. Whatever order
// they took, the second overwrote a state it never saw. Found directly, in linear time, since
// the version order needed to see it as a G2-item cycle may be unknown.
import type { AnomalyLog } from './anomaly-log.ts';
import * as H from './history.ts';
import { type Txns, txnIndex } from './history.ts';
import { i32 } from './arena.ts';

// Imported bindings cost a getter call per use when run through tsx; hot loops use these copies.
const { OK, READ } = H;

/** `versionOf(key, readMop)` names what an external read observed (equal names, equal states):
 *  a version id below `versions` (unique across keys) or, failing that, a text. */
export function findLostUpdates(t: Txns, log: AnomalyLog, versions: () => number, versionOf: (k: number, m: number) => number | string): void {
  const { mopStart, mopF, mopKey } = t;
  // The first reader-writer of each version (by id in a typed array, by text in a map) and,
  // only for collisions, the whole list.
  let firstOf = i32(Math.max(16, versions())).fill(-1);
  const firstOther = new Map<string, number>();
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
      const id = typeof v === 'number' ? v : `${k}:${v}`;
      let f: number | undefined;
      if (typeof id === 'number') {
        if (id >= firstOf.length) {
          const grown = i32(Math.max(id + 1, firstOf.length * 2)).fill(-1);
          grown.set(firstOf);
          firstOf = grown;
        }
        f = firstOf[id] >= 0 ? firstOf[id] : undefined;
        if (f === undefined) firstOf[id] = i;
      } else {
        f = firstOther.get(id);
        if (f === undefined) firstOther.set(id, i);
      }
      if (f !== undefined) {
        // Same version read, so the same key and value as the first one's read.
        const g = groups.get(id);
        if (g) g.txns.push(i);
        else groups.set(id, { mop: r, txns: [f, i] });
      }
    }
  }
  for (const { mop, txns } of groups.values()) {
    log.add('lost-update', () => ({ key: t.keys[mopKey[mop]], value: t.mopVal[mop], txns: txns.map((i) => txnIndex(t, i)) }));
  }
}
