// Versions of keys: one per (key, value) a history writes or observes, plus each key's initial
// state. Stored column-wise in growable typed arrays (no per-version objects, so millions of them
// cost the garbage collector nothing), found per key: small non-negative integer values (what
// generators write: 1, 2, 3...) index a block of one typed array reserved for that key; any other
// value goes through a map by canonical text. Per-key blocks keep a key's versions together in
// cache (one big hash table measured slower). A version's value is not copied: it is the
// micro-op value it was first seen in (or an element of a list-append read).
import { type Txns, valueId } from './history.ts';
import { i32, u8 } from './arena.ts';

/** Integer values below this live in the key's block. */
const SMALL = 64;

export class Versions {
  n = 0;
  key: Int32Array;
  /** The transaction (ok or info) whose write it is, or -1. */
  writer: Int32Array;
  /** The failed transaction that wrote it, or -1. */
  failed: Int32Array;
  /** Any transaction that wrote it (for duplicates), or -1. */
  any: Int32Array;
  /** 1 if it was an intermediate write (its writer wrote the key again). */
  inter: Uint8Array;
  /** Position in its key's version order, or -1. */
  pos: Int32Array;
  private mop: Int32Array;
  private at: Int32Array;
  /** Key k's block starts at block[k] in `dense` (-1 until needed); entries are version + 1. */
  private readonly block: Int32Array;
  private dense: Int32Array;
  private denseUsed = 0;
  private readonly denseBudget: number;
  private readonly byKey: Array<Map<number | string, number> | undefined>;
  readonly init: Int32Array;

  constructor(
    private readonly t: Txns,
    expected: number,
  ) {
    const cap = Math.max(16, expected);
    this.key = i32(cap);
    this.writer = i32(cap);
    this.failed = i32(cap);
    this.any = i32(cap);
    this.inter = u8(cap);
    this.pos = i32(cap);
    this.mop = i32(cap);
    this.at = i32(cap);
    this.block = i32(t.keys.length).fill(-1);
    // Blocks for at most ~4 entries per expected version; keys beyond that use maps.
    this.denseBudget = SMALL * 16 + cap * 4;
    this.dense = i32(Math.min(this.denseBudget, SMALL * Math.max(16, t.keys.length)));
    this.byKey = new Array(t.keys.length);
    this.init = new Int32Array(t.keys.length).fill(-1);
  }

  /** The version of key k with the value found at micro-op `mop` (element `at` of a read list, or
   *  the micro-op's own value when at < 0); created if absent and `create`. -1 if absent. */
  of(k: number, mop: number, at: number, create: boolean): number {
    const v = at < 0 ? this.t.mopVal[mop] : (this.t.mopVal[mop] as unknown[])[at];
    // valueId: a bigint that fits a double is that number.
    const id = typeof v === 'number' ? v : valueId(v);
    if (typeof id === 'number' && id >>> 0 === id && id < SMALL) {
      let b = this.block[k];
      if (b >= 0 && this.dense[b + id] > 0) return this.dense[b + id] - 1;
      if (b === -1 && create) b = this.newBlock(k);
      if (b >= 0) {
        if (!create) return -1;
        const x = this.add(k, mop, at);
        this.dense[b + id] = x + 1;
        return x;
      }
    }
    let map = this.byKey[k];
    let x = map?.get(id);
    if (x !== undefined) return x;
    if (!create) return -1;
    if (!map) this.byKey[k] = map = new Map();
    x = this.add(k, mop, at);
    map.set(id, x);
    return x;
  }

  /** The version of key k holding value v, or -1. */
  find(k: number, v: unknown): number {
    const id = typeof v === 'number' ? v : valueId(v);
    if (typeof id === 'number' && id >>> 0 === id && id < SMALL && this.block[k] !== -2) return this.block[k] >= 0 ? this.dense[this.block[k] + id] - 1 : -1;
    return this.byKey[k]?.get(id) ?? -1;
  }

  /** Key k's initial (nil / empty) state. */
  initial(k: number, create: boolean): number {
    if (this.init[k] < 0 && create) this.init[k] = this.add(k, -1, -1);
    return this.init[k];
  }

  value(x: number): unknown {
    const m = this.mop[x];
    if (m < 0) return null;
    return this.at[x] < 0 ? this.t.mopVal[m] : (this.t.mopVal[m] as unknown[])[this.at[x]];
  }

  private newBlock(k: number): number {
    if (this.denseUsed + SMALL > this.denseBudget) return (this.block[k] = -2); // over budget: a map
    if (this.denseUsed + SMALL > this.dense.length) {
      const d = i32(this.dense.length * 2);
      d.set(this.dense);
      this.dense = d;
    }
    this.block[k] = this.denseUsed;
    this.denseUsed += SMALL;
    return this.block[k];
  }

  private add(k: number, mop: number, at: number): number {
    if (this.n === this.key.length) this.grow();
    const x = this.n++;
    this.key[x] = k;
    this.writer[x] = -1;
    this.failed[x] = -1;
    this.any[x] = -1;
    this.inter[x] = 0;
    this.pos[x] = -1;
    this.mop[x] = mop;
    this.at[x] = at;
    return x;
  }

  private grow(): void {
    const cap = this.key.length * 2;
    const g32 = (a: Int32Array) => {
      const b = i32(cap);
      b.set(a);
      return b;
    };
    this.key = g32(this.key);
    this.writer = g32(this.writer);
    this.failed = g32(this.failed);
    this.any = g32(this.any);
    this.pos = g32(this.pos);
    this.mop = g32(this.mop);
    this.at = g32(this.at);
    const inter = u8(cap);
    inter.set(this.inter);
    this.inter = inter;
  }
}
