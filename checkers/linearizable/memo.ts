// The search's memo of configurations it has explored, in typed arrays so that every byte is
// counted (a V8 Map dies at 2^24 entries, and its memory cannot be measured).
//
// A configuration is (event position, model state id, which open determinate ops are already
// linearized, which indeterminate ops are). The first three form the key of an open-addressing
// table; each key holds a chain of the sets of indeterminate ops seen with it (by their number in
// InfoSets). A configuration is "seen" when its key holds a subset of its indeterminate ops:
// linearizing an indeterminate op more can only remove options (it may as well never have
// happened), so a configuration with more of them and the same state cannot succeed where the
// smaller one failed.
import type { InfoSets } from './info-sets.ts';

/** Memory shared by the searches of one thread: a search may grow while the total stays under
 *  the limit, and while it holds no more than its fair share once half the limit is in use. */
export class MemoryBudget {
  used = 0;
  live = 0;
  constructor(readonly limit: number) {}
  grant(mine: number, more: number): boolean {
    const after = this.used + more;
    if (after > this.limit) return false;
    if (after > this.limit / 2 && mine + more > this.limit / Math.max(1, this.live)) return false;
    this.used = after;
    return true;
  }
  release(bytes: number): void {
    this.used -= bytes;
  }
}

export const MEMO_FULL = -1;

/** Configurations the search has explored and found to fail (a configuration on the search's
 *  current path is not here: nothing below it can be equal to it). A table entry is [hash,
 *  position + 1 (0: empty), state id, chain head, the open ops' words...]. */
export class Memo {
  private readonly stride: number;
  private table: Int32Array;
  private mask: number;
  private count = 0;
  private chain: Int32Array;
  private chainUsed = 0;
  /** Bytes granted by the budget. */
  held = 0;

  constructor(private readonly words: number, private readonly budget: MemoryBudget) {
    this.stride = 4 + words;
    const cap = 256;
    this.table = new Int32Array(cap * this.stride);
    this.mask = cap - 1;
    this.chain = new Int32Array(2 * cap);
    this.held = this.bytes();
    budget.used += this.held;
  }

  bytes(): number {
    return (this.table.length + this.chain.length) * 4;
  }

  /** Grows one of the arrays through the budget; false when the budget says no. */
  private grow(more: number): boolean {
    if (!this.budget.grant(this.held, more)) return false;
    this.held += more;
    return true;
  }

  private hash(e: number, sid: number, P: Uint32Array, off: number): number {
    let h = Math.imul(e ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(sid + 0x7f4a7c15, 0x85ebca6b);
    for (let w = 0; w < this.words; w++) h = Math.imul(h ^ P[off + w], 0xc2b2ae35) + 0x27d4eb2f;
    return h ^ (h >>> 15);
  }

  /** The table slot holding the key (e, sid, P[off..]), or -1 - the empty slot where it goes. */
  private find(h: number, e: number, sid: number, P: Uint32Array, off: number): number {
    const W = this.words;
    const S = this.stride;
    const t = this.table;
    let i = (h >>> 0) & this.mask;
    for (;;) {
      const base = i * S;
      const te = t[base + 1];
      if (te === 0) return -1 - i;
      if (te === e + 1 && t[base] === h && t[base + 2] === sid) {
        let same = true;
        for (let w = 0; w < W; w++) {
          if (t[base + 4 + w] !== P[off + w] >> 0) {
            same = false;
            break;
          }
        }
        if (same) return i;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** Whether the configuration, or one with fewer indeterminate ops linearized, failed before.
   *  `set` names its linearized indeterminate ops in `sets`, and `marks` marks them. */
  seen(e: number, sid: number, P: Uint32Array, set: number, marks: Uint8Array, sets: InfoSets): boolean {
    if (this.count === 0) return false;
    const i = this.find(this.hash(e, sid, P, 0), e, sid, P, 0);
    return i >= 0 && this.subsumed(this.table[i * this.stride + 3], set, marks, sets);
  }

  /** Records a failed configuration (its open ops' words at P[off..]); MEMO_FULL when the memory
   *  budget is exhausted. */
  add(e: number, sid: number, P: Uint32Array, off: number, set: number): number {
    if ((this.count + 1) * 2 > this.mask + 1 && !this.rehash()) return MEMO_FULL;
    const h = this.hash(e, sid, P, off);
    const i = this.find(h, e, sid, P, off);
    if (i >= 0) {
      const link = this.addSet(this.table[i * this.stride + 3], set);
      if (link === MEMO_FULL) return MEMO_FULL;
      this.table[i * this.stride + 3] = link;
      return 1;
    }
    const link = this.addSet(-1, set);
    if (link === MEMO_FULL) return MEMO_FULL;
    const base = (-1 - i) * this.stride;
    const t = this.table;
    t[base] = h;
    t[base + 1] = e + 1;
    t[base + 2] = sid;
    t[base + 3] = link;
    for (let w = 0; w < this.words; w++) t[base + 4 + w] = P[off + w];
    this.count++;
    return 1;
  }

  /** Whether some set on the chain is a subset of the current one. */
  private subsumed(link: number, set: number, marks: Uint8Array, sets: InfoSets): boolean {
    const c = this.chain;
    const size = sets.size(set);
    for (let l = link; l >= 0; l = c[l * 2]) {
      const other = c[l * 2 + 1];
      if (other === set || other === 0) return true;
      if (sets.size(other) < size && sets.subsetOf(other, marks)) return true;
    }
    return false;
  }

  private addSet(next: number, set: number): number {
    if ((this.chainUsed + 1) * 2 > this.chain.length) {
      if (!this.grow(this.chain.length * 4)) return MEMO_FULL;
      const c = new Int32Array(this.chain.length * 2);
      c.set(this.chain);
      this.chain = c;
    }
    const l = this.chainUsed++;
    this.chain[l * 2] = next;
    this.chain[l * 2 + 1] = set;
    return l;
  }

  private rehash(): boolean {
    const S = this.stride;
    const old = this.table;
    const cap = (this.mask + 1) * 2;
    if (!this.grow(old.length * 2 * 4)) return false;
    const t = new Int32Array(cap * S);
    const mask = cap - 1;
    for (let base = 0; base < old.length; base += S) {
      if (old[base + 1] === 0) continue;
      let i = (old[base] >>> 0) & mask;
      while (t[i * S + 1] !== 0) i = (i + 1) & mask;
      for (let k = 0; k < S; k++) t[i * S + k] = old[base + k];
    }
    this.table = t;
    this.mask = mask;
    this.held -= old.length * 4;
    this.budget.release(old.length * 4);
    return true;
  }

  /** Failed configurations recorded. */
  size(): number {
    return this.chainUsed;
  }

  free(): void {
    this.budget.release(this.held);
    this.held = 0;
    this.table = new Int32Array(0);
    this.chain = new Int32Array(0);
  }
}
