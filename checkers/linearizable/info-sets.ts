// Sets of linearized indeterminate ops, hash-consed: each distinct set is stored once (its
// members sorted, in one pool) and named by an integer, so memo entries hold one number however
// many indeterminate ops a path has linearized. Adding a member to a set is memoised too. All in
// typed arrays, with their bytes counted against the memory budget. Set 0 is the empty set.
import type { MemoryBudget } from './memo.ts';

export const SETS_FULL = -1;

export class InfoSets {
  private readonly keys: Int32Array;
  private off = new Int32Array(256);
  private len = new Int32Array(256);
  private hash = new Int32Array(256);
  private count = 1;
  private pool = new Int32Array(1024);
  private poolUsed = 0;
  private table = new Int32Array(512).fill(-1);
  // Transitions: [from set, member, to set] triples, open addressing.
  private trans = new Int32Array(3 * 1024).fill(-1);
  private transCount = 0;
  held = 0;

  constructor(members: number, private readonly budget: MemoryBudget) {
    this.keys = new Int32Array(members);
    let seed = 0x2545f491;
    for (let i = 0; i < members; i++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      this.keys[i] = seed;
    }
    this.table[0] = 0; // the empty set, hash 0
    this.held = this.bytes();
    budget.used += this.held;
  }

  bytes(): number {
    return (this.keys.length + this.off.length * 3 + this.pool.length + this.table.length + this.trans.length) * 4;
  }

  size(id: number): number {
    return this.len[id];
  }

  /** Whether every member of set `id` is marked in `marks`. */
  subsetOf(id: number, marks: Uint8Array): boolean {
    const end = this.off[id] + this.len[id];
    for (let k = this.off[id]; k < end; k++) if (marks[this.pool[k]] === 0) return false;
    return true;
  }

  /** The set `id` plus `member`; `marks` must already mark exactly the members of the result. */
  with(id: number, member: number, marks: Uint8Array): number {
    const tmask = (this.trans.length / 3) - 1;
    let t = (Math.imul(id, 0x9e3779b1) ^ Math.imul(member + 1, 0x85ebca6b)) >>> 0 & tmask;
    for (;;) {
      const from = this.trans[t * 3];
      if (from === -1) break;
      if (from === id && this.trans[t * 3 + 1] === member) return this.trans[t * 3 + 2];
      t = (t + 1) & tmask;
    }
    const h = this.hash[id] ^ this.keys[member];
    const n = this.len[id] + 1;
    const mask = this.table.length - 1;
    let i = (Math.imul(h, 0x9e3779b1) >>> 0) & mask;
    let found = -1;
    for (;;) {
      const c = this.table[i];
      if (c === -1) break;
      if (this.hash[c] === h && this.len[c] === n && this.subsetOf(c, marks)) {
        found = c;
        break;
      }
      i = (i + 1) & mask;
    }
    if (found < 0) {
      found = this.add(id, member, h, n);
      if (found === SETS_FULL) return SETS_FULL;
    }
    if (!this.remember(id, member, found)) return SETS_FULL;
    return found;
  }

  private add(id: number, member: number, h: number, n: number): number {
    if (this.count === this.off.length) {
      if (!this.grow(this.off.length * 3 * 4)) return SETS_FULL;
      const g = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.off = g(this.off);
      this.len = g(this.len);
      this.hash = g(this.hash);
    }
    if (this.poolUsed + n > this.pool.length) {
      const size = Math.max(this.pool.length * 2, this.poolUsed + n);
      if (!this.grow((size - this.pool.length) * 4)) return SETS_FULL;
      const b = new Int32Array(size);
      b.set(this.pool);
      this.pool = b;
    }
    if ((this.count + 1) * 2 > this.table.length) {
      if (!this.grow(this.table.length * 4)) return SETS_FULL;
      const t = new Int32Array(this.table.length * 2).fill(-1);
      const mask = t.length - 1;
      for (let c = 0; c < this.count; c++) {
        let i = (Math.imul(this.hash[c], 0x9e3779b1) >>> 0) & mask;
        while (t[i] !== -1) i = (i + 1) & mask;
        t[i] = c;
      }
      this.table = t;
    }
    // Members sorted: the parent's, with the new one inserted in place.
    const c = this.count++;
    const from = this.off[id];
    let w = this.poolUsed;
    let placed = false;
    for (let k = from; k < from + this.len[id]; k++) {
      const m = this.pool[k];
      if (!placed && member < m) {
        this.pool[w++] = member;
        placed = true;
      }
      this.pool[w++] = m;
    }
    if (!placed) this.pool[w++] = member;
    this.off[c] = this.poolUsed;
    this.len[c] = n;
    this.hash[c] = h;
    this.poolUsed = w;
    const mask = this.table.length - 1;
    let i = (Math.imul(h, 0x9e3779b1) >>> 0) & mask;
    while (this.table[i] !== -1) i = (i + 1) & mask;
    this.table[i] = c;
    return c;
  }

  private remember(id: number, member: number, to: number): boolean {
    if ((this.transCount + 1) * 2 > this.trans.length / 3) {
      if (!this.grow(this.trans.length * 4)) return false;
      const old = this.trans;
      const t = new Int32Array(old.length * 2).fill(-1);
      const mask = t.length / 3 - 1;
      for (let k = 0; k < old.length; k += 3) {
        if (old[k] === -1) continue;
        let j = (Math.imul(old[k], 0x9e3779b1) ^ Math.imul(old[k + 1] + 1, 0x85ebca6b)) >>> 0 & mask;
        while (t[j * 3] !== -1) j = (j + 1) & mask;
        t[j * 3] = old[k];
        t[j * 3 + 1] = old[k + 1];
        t[j * 3 + 2] = old[k + 2];
      }
      this.trans = t;
    }
    const mask = this.trans.length / 3 - 1;
    let j = (Math.imul(id, 0x9e3779b1) ^ Math.imul(member + 1, 0x85ebca6b)) >>> 0 & mask;
    while (this.trans[j * 3] !== -1) j = (j + 1) & mask;
    this.trans[j * 3] = id;
    this.trans[j * 3 + 1] = member;
    this.trans[j * 3 + 2] = to;
    this.transCount++;
    return true;
  }

  private grow(more: number): boolean {
    if (!this.budget.grant(this.held, more)) return false;
    this.held += more;
    return true;
  }

  free(): void {
    this.budget.release(this.held);
    this.held = 0;
  }
}
