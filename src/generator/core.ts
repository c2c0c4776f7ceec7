// Generators (DESIGN.md §3): pure, immutable values. `op(ctx)` answers the next operation for the
// free thread named in ctx (or PENDING, or null when exhausted) together with the generator's
// successor; `update(ctx, event)` tells it about every invocation and completion.
//
// Time and randomness come only from ctx. ctx.rng is a fresh stream derived from
// (seed, thread, number of ops that thread has invoked), so asking twice gives the same answer and
// each thread's sequence of operations is a function of the seed alone, whatever the timing.
import type { Op, Process } from '../types.ts';
import type { Rng } from '../rng.ts';

/** A global symbol, so generators made by another copy of this module are understood too. */
export const PENDING: unique symbol = Symbol.for('jepsen-ts.pending') as never;
export type Pending = typeof PENDING;
export type Thread = number | 'nemesis';

/** An operation a generator proposes. Missing time/process are filled in from ctx. */
export interface OpSpec {
  f: string;
  value?: unknown;
  /** 'invoke' (default) or 'sleep' (occupies the thread for `value` seconds; not recorded). */
  type?: 'invoke' | 'sleep';
  time?: number;
  process?: Process;
}

/** A proposed op after filling in: time and process are known. */
export interface FilledOp extends OpSpec {
  time: number;
  process: Process;
  type: 'invoke' | 'sleep';
}

export interface GenContext {
  /** Nanoseconds since the run started. */
  time: number;
  /** The free thread being asked for an op (or, in update, the thread of the event). */
  thread: Thread;
  /** Its current process number. */
  process: Process;
  /** Every free thread right now. */
  free: readonly Thread[];
  /** Every thread: client threads 0..concurrency-1, then 'nemesis'. */
  threads: readonly Thread[];
  concurrency: number;
  rng: Rng;
}

export type GenResult = readonly [FilledOp | Pending, Gen] | null;

export interface Gen {
  op(ctx: GenContext): GenResult;
  update(ctx: GenContext, event: Op): Gen;
}

export type GenFn = (ctx: GenContext) => OpSpec | null | undefined;
export type GenLike = Gen | OpSpec | GenFn | readonly GenLike[] | null | undefined;

export const SECOND = 1e9;

export function isGen(x: unknown): x is Gen {
  return typeof x === 'object' && x !== null && typeof (x as Gen).op === 'function' && typeof (x as Gen).update === 'function';
}

export function fill(spec: OpSpec, ctx: GenContext): FilledOp {
  const op: FilledOp = { f: spec.f, value: spec.value, type: spec.type ?? 'invoke', time: spec.time ?? ctx.time, process: spec.process ?? ctx.process };
  return op;
}

/** Generator that is exhausted from the start. */
const VOID: Gen = {
  op: () => null,
  update() {
    return VOID;
  },
};

/** A plain op, as in Jepsen: emitted again and again (`once` or `limit` bound it). */
class RepeatOp implements Gen {
  constructor(private readonly spec: OpSpec) {}
  op(ctx: GenContext): GenResult {
    return [fill(this.spec, ctx), this];
  }
  update(): Gen {
    return this;
  }
}

/** A function: called for every op until it returns null. */
class FnGen implements Gen {
  constructor(private readonly fn: GenFn) {}
  op(ctx: GenContext): GenResult {
    const spec = this.fn(ctx);
    return spec ? [fill(spec, ctx), this] : null;
  }
  update(): Gen {
    return this;
  }
}

/** An array: each element in turn, as a sequence. Updates go to the current element. */
class SeqGen implements Gen {
  constructor(
    private readonly items: readonly Gen[],
    private readonly i = 0,
  ) {}
  op(ctx: GenContext): GenResult {
    for (let i = this.i; i < this.items.length; i++) {
      const r = this.items[i].op(ctx);
      if (r === null) continue;
      return [r[0], new SeqGen(replaceAt(this.items, i, r[1]), i)];
    }
    return null;
  }
  update(ctx: GenContext, event: Op): Gen {
    if (this.i >= this.items.length) return this;
    const g = this.items[this.i].update(ctx, event);
    return g === this.items[this.i] ? this : new SeqGen(replaceAt(this.items, this.i, g), this.i);
  }
}

export function toGen(x: GenLike): Gen {
  if (x === null || x === undefined) return VOID;
  if (isGen(x)) return x;
  if (typeof x === 'function') return new FnGen(x as GenFn);
  if (Array.isArray(x)) return new SeqGen(x.map(toGen));
  return new RepeatOp(x as OpSpec);
}

export function replaceAt<T>(xs: readonly T[], i: number, x: T): T[] {
  const out = xs.slice();
  out[i] = x;
  return out;
}

/** Picks the earlier of two op results; ties keep the first. */
export function earlier(a: FilledOp | Pending, b: FilledOp | Pending): boolean {
  if (a === PENDING) return false;
  if (b === PENDING) return true;
  return a.time <= b.time;
}

export { VOID };
