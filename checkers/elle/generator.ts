// Elle's transaction generator (elle.txn/wr-txns, elle.list-append/gen): transactions of
// minTxnLength..maxTxnLength micro-ops, each a read or a write (an append, for list-append) of a
// key from a pool of keyCount active keys. Values written to a key are 1, 2, 3... so they are
// unique per key; once a key has had maxWritesPerKey writes it retires and a fresh key (one more
// than the largest so far) takes its place, so version orders stay short. Keys are drawn
// uniformly or, as Elle does by default, exponentially (key i of the pool is twice as likely as
// key i-1). Pure and immutable: the successor generator carries the pool forward; randomness
// comes from ctx.rng only.
import { type Gen, type GenContext, type GenResult, fill } from '../../src/generator/index.ts';
import type { Rng } from '../../src/rng.ts';
import type { WorkloadKind } from './history.ts';

export interface TxnGenOptions {
  kind: WorkloadKind;
  /** Active keys at any time. Default 10 (exponential) or 3 (uniform), as Elle. */
  keyCount?: number;
  minTxnLength?: number;
  /** Default 2, as Elle. */
  maxTxnLength?: number;
  /** Default 32, as Elle. */
  maxWritesPerKey?: number;
  keyDist?: 'exponential' | 'uniform';
}

export type MicroOp = [string, number, number | null];

/** The pool of active keys and how often each was written; immutable. */
export interface KeyPool {
  readonly keys: readonly number[];
  readonly writes: readonly number[];
}

interface Resolved {
  kind: WorkloadKind;
  keyCount: number;
  minTxnLength: number;
  maxTxnLength: number;
  maxWritesPerKey: number;
  keyDist: 'exponential' | 'uniform';
}

export function resolveTxnOptions(o: TxnGenOptions): Resolved {
  const keyDist = o.keyDist ?? 'exponential';
  const r: Resolved = {
    kind: o.kind,
    keyCount: o.keyCount ?? (keyDist === 'exponential' ? 10 : 3),
    minTxnLength: o.minTxnLength ?? 1,
    maxTxnLength: o.maxTxnLength ?? 2,
    maxWritesPerKey: o.maxWritesPerKey ?? 32,
    keyDist,
  };
  for (const [name, v] of Object.entries(r)) {
    if (typeof v === 'number' && !(Number.isInteger(v) && v >= 1)) throw new RangeError(`${name} must be a positive integer, not ${v}`);
  }
  if (r.minTxnLength > r.maxTxnLength) throw new RangeError(`minTxnLength (${r.minTxnLength}) exceeds maxTxnLength (${r.maxTxnLength})`);
  return r;
}

export function initialPool(o: Resolved): KeyPool {
  return { keys: Array.from({ length: o.keyCount }, (_, i) => i), writes: new Array<number>(o.keyCount).fill(0) };
}

function pickKey(o: Resolved, rng: Rng): number {
  if (o.keyDist === 'uniform') return rng.int(0, o.keyCount - 1);
  // Elle's rand-key: index i has weight 2^i.
  const base = 2;
  const scale = ((base ** o.keyCount - 1) * base) / (base - 1);
  const i = Math.floor(Math.log(rng.next() * scale + base) / Math.log(base) - 1);
  return Math.min(o.keyCount - 1, Math.max(0, i));
}

/** One transaction and the pool after it. */
export function nextTxn(o: Resolved, pool: KeyPool, rng: Rng): [MicroOp[], KeyPool] {
  const keys = pool.keys.slice();
  const writes = pool.writes.slice();
  const length = rng.int(o.minTxnLength, o.maxTxnLength);
  const write = o.kind === 'list-append' ? 'append' : 'w';
  const txn: MicroOp[] = [];
  while (txn.length < length) {
    const isWrite = rng.bool();
    const i = pickKey(o, rng);
    if (!isWrite) {
      txn.push(['r', keys[i], null]);
      continue;
    }
    const v = writes[i] + 1;
    if (v > o.maxWritesPerKey) {
      // Retire the key; a fresh one takes its slot, and we draw again.
      keys[i] = Math.max(...keys) + 1;
      writes[i] = 0;
      continue;
    }
    writes[i] = v;
    txn.push([write, keys[i], v]);
  }
  return [txn, { keys, writes }];
}

class TxnGen implements Gen {
  constructor(
    private readonly o: Resolved,
    private readonly pool: KeyPool,
  ) {}

  op(ctx: GenContext): GenResult {
    const [txn, pool] = nextTxn(this.o, this.pool, ctx.rng);
    return [fill({ f: 'txn', value: txn }, ctx), new TxnGen(this.o, pool)];
  }

  update(): Gen {
    return this;
  }
}

/** An endless generator of `txn` invocations (wrap it with the usual limits). */
export function txnGenerator(opts: TxnGenOptions): Gen {
  const o = resolveTxnOptions(opts);
  return new TxnGen(o, initialPool(o));
}
