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

export class Memo {
  private readonly stride: number;
  private table: Int32Array;
  private mask: number;
  private count = 0;
  private chain: Int32Array;
  private chainUsed = 0;
  /** Bytes granted by the budget. */
  held = 0;

  /** `expect`: about how many configurations a search that goes straight through records (the
   *  table starts big enough for them when the budget allows, rather than growing into it). */
  constructor(private readonly words: number, private readonly budget: MemoryBudget, expect = 0) {
    this.stride = 4 + words;
    let cap = 1024;
    while (cap < 2 * expect && (cap * 2 * (this.stride + 1) * 4) * 2 < budget.limit - budget.used) cap *= 2;
    this.table = new Int32Array(cap * this.stride);
    for (let i = 0; i < cap; i++) this.table[i * this.stride + 1] = -1;
    this.mask = cap - 1;
    this.chain = new Int32Array(cap);
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

  /** Records the configuration; 1 when it is new, 0 when it (or a better one) was seen,
   *  MEMO_FULL when the memory budget is exhausted. `set` names the linearized indeterminate ops
   *  in `sets`, and `marks` marks them. */
  visit(e: number, sid: number, P: Uint32Array, set: number, marks: Uint8Array, sets: InfoSets): number {
    const W = this.words;
    const S = this.stride;
    let h = Math.imul(e ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(sid + 0x7f4a7c15, 0x85ebca6b);
    for (let w = 0; w < W; w++) h = Math.imul(h ^ P[w], 0xc2b2ae35) + 0x27d4eb2f;
    h ^= h >>> 15;
    const t = this.table;
    let i = (h >>> 0) & this.mask;
    for (;;) {
      const base = i * S;
      const te = t[base + 1];
      if (te === -1) break;
      if (te === e && t[base] === h && t[base + 2] === sid) {
        let same = true;
        for (let w = 0; w < W; w++) {
          if (t[base + 4 + w] !== P[w] >> 0) {
            same = false;
            break;
          }
        }
        if (same) {
          if (this.subsumed(t[base + 3], set, marks, sets)) return 0;
          const link = this.addSet(t[base + 3], set);
          if (link === MEMO_FULL) return MEMO_FULL;
          this.table[base + 3] = link;
          return 1;
        }
      }
      i = (i + 1) & this.mask;
    }
    if ((this.count + 1) * 2 > this.mask + 1) {
      if (!this.rehash()) return MEMO_FULL;
      return this.visit(e, sid, P, set, marks, sets);
    }
    const link = this.addSet(-1, set);
    if (link === MEMO_FULL) return MEMO_FULL;
    const base = i * S;
    const tt = this.table;
    tt[base] = h;
    tt[base + 1] = e;
    tt[base + 2] = sid;
    tt[base + 3] = link;
    for (let w = 0; w < W; w++) tt[base + 4 + w] = P[w];
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
    for (let i = 0; i < cap; i++) t[i * S + 1] = -1;
    const mask = cap - 1;
    for (let base = 0; base < old.length; base += S) {
      if (old[base + 1] === -1) continue;
      let i = (old[base] >>> 0) & mask;
      while (t[i * S + 1] !== -1) i = (i + 1) & mask;
      t.set(old.subarray(base, base + S), i * S);
    }
    this.table = t;
    this.mask = mask;
    this.held -= old.length * 4;
    this.budget.release(old.length * 4);
    return true;
  }

  /** Configurations recorded. */
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
