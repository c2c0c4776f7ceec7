// The Jepsen combinators people know, over the generator core. Each is a small immutable class.
import type { Op } from '../types.ts';
import {
  type FilledOp, type Gen, type GenContext, type GenLike, type GenResult, type OpSpec, type Thread,
  PENDING, SECOND, fill, replaceAt, toGen, VOID,
} from './core.ts';

/** Random choice among generators for every op; exhausted ones drop out. */
class Mix implements Gen {
  constructor(private readonly gens: readonly Gen[]) {}
  op(ctx: GenContext): GenResult {
    let gens = this.gens;
    while (gens.length > 0) {
      const i = Math.floor(ctx.rng.next() * gens.length);
      const r = gens[i].op(ctx);
      if (r === null) {
        gens = gens.filter((_, j) => j !== i);
        continue;
      }
      return [r[0], new Mix(replaceAt(gens, i, r[1]))];
    }
    return null;
  }
  update(ctx: GenContext, event: Op): Gen {
    const gens = updateAll(this.gens, ctx, event);
    return gens === this.gens ? this : new Mix(gens);
  }
}
export const mix = (gens: readonly GenLike[]): Gen => new Mix(gens.map(toGen));

/** Ops from all generators, soonest first; ends when all have ended. */
class Any implements Gen {
  constructor(private readonly gens: readonly Gen[]) {}
  op(ctx: GenContext): GenResult {
    let best: FilledOp | null = null;
    let bestI = -1;
    let bestGen: Gen = this;
    // A child that ended is dropped (restricted children such as clients() or nemesis() only say
    // so when asked for one of their own threads). A child that is pending keeps what it learned.
    // The children's successors, copied only once one of them changes (most asks change nothing).
    let next: Gen[] | null = null;
    const gens = this.gens;
    for (let i = 0; i < gens.length; i++) {
      const g = gens[i];
      const r = g.op(ctx);
      if (r === null) {
        next ??= gens.slice(0, i);
        continue;
      }
      if (r[0] === PENDING) {
        if (r[1] !== g) next ??= gens.slice(0, i);
        next?.push(r[1]);
        continue;
      }
      next?.push(g);
      if (best === null || r[0].time < best.time) {
        best = r[0];
        bestI = next ? next.length - 1 : i;
        bestGen = r[1];
      }
    }
    const kept = next ?? gens;
    if (kept.length === 0) return null;
    if (best === null) return [PENDING, next ? new Any(next) : this];
    return [best, bestGen === kept[bestI] && !next ? this : new Any(replaceAt(kept, bestI, bestGen))];
  }
  update(ctx: GenContext, event: Op): Gen {
    const gens = updateAll(this.gens, ctx, event);
    return gens === this.gens ? this : new Any(gens);
  }
}
export const any = (...gens: GenLike[]): Gen => new Any(gens.map(toGen));

/** Every generator's update, or the same array when none of them changed (so no allocation). */
function updateAll(gens: readonly Gen[], ctx: GenContext, event: Op): readonly Gen[] {
  let out: Gen[] | null = null;
  for (let i = 0; i < gens.length; i++) {
    const u = gens[i].update(ctx, event);
    if (u !== gens[i]) (out ??= gens.slice())[i] = u;
  }
  return out ?? gens;
}

/** The threads matching a predicate, per threads array (the same array every time it is asked). */
const narrowedThreads = new WeakMap<readonly Thread[], WeakMap<(t: Thread) => boolean, readonly Thread[]>>();

/** A context seen through OnThreads: threads and free list only the matching threads, computed
 *  when asked (most generators never ask). */
class NarrowedContext implements GenContext {
  constructor(private readonly parent: GenContext, private readonly pred: (t: Thread) => boolean) {}
  get time() { return this.parent.time; }
  get thread() { return this.parent.thread; }
  get process() { return this.parent.process; }
  get concurrency() { return this.parent.concurrency; }
  get rng() { return this.parent.rng; }
  get free(): readonly Thread[] { return this.parent.free.filter(this.pred); }
  get threads(): readonly Thread[] {
    let byPred = narrowedThreads.get(this.parent.threads);
    if (!byPred) narrowedThreads.set(this.parent.threads, (byPred = new WeakMap()));
    let ts = byPred.get(this.pred);
    if (!ts) byPred.set(this.pred, (ts = this.parent.threads.filter(this.pred)));
    return ts;
  }
}

/** Only the threads matching pred get ops from gen; others see PENDING. Inside, ctx.threads and
 *  ctx.free list only the matching threads (so eachThread and synchronize see just those). */
class OnThreads implements Gen {
  constructor(
    private readonly pred: (t: Thread) => boolean,
    private readonly gen: Gen,
  ) {}
  private narrow(ctx: GenContext): GenContext {
    return new NarrowedContext(ctx, this.pred);
  }
  op(ctx: GenContext): GenResult {
    if (!this.pred(ctx.thread)) return [PENDING, this];
    const r = this.gen.op(this.narrow(ctx));
    return r && [r[0], r[1] === this.gen ? this : new OnThreads(this.pred, r[1])];
  }
  update(ctx: GenContext, event: Op): Gen {
    if (!this.pred(ctx.thread)) return this;
    const g = this.gen.update(this.narrow(ctx), event);
    return g === this.gen ? this : new OnThreads(this.pred, g);
  }
}
export const onThreads = (pred: (t: Thread) => boolean, gen: GenLike): Gen => new OnThreads(pred, toGen(gen));
export const clients = (gen: GenLike): Gen => onThreads((t) => t !== 'nemesis', gen);
export const nemesis = (gen: GenLike): Gen => onThreads((t) => t === 'nemesis', gen);

/** Spaces ops by an interval: fixed (delay) or uniform in [0, 2dt) (stagger). Shared by all threads. */
class Spaced implements Gen {
  constructor(
    private readonly dt: number,
    private readonly random: boolean,
    private readonly gen: Gen,
    private readonly next: number | null = null,
  ) {}
  op(ctx: GenContext): GenResult {
    const r = this.gen.op(ctx);
    if (r === null) return null;
    if (r[0] === PENDING) return [PENDING, r[1] === this.gen ? this : new Spaced(this.dt, this.random, r[1], this.next)];
    // Gaps are measured from when the op was planned, not from when the timer fired, so timer
    // lateness does not pile up and lower the rate (unless we are over a second behind).
    const planned = this.next === null || ctx.time - this.next > SECOND ? ctx.time : this.next;
    const time = r[0].time > ctx.time ? Math.max(r[0].time, planned) : planned;
    const gap = this.random ? ctx.rng.next() * 2 * this.dt : this.dt;
    return [{ ...r[0], time }, new Spaced(this.dt, this.random, r[1], time + gap)];
  }
  update(ctx: GenContext, event: Op): Gen {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Spaced(this.dt, this.random, g, this.next);
  }
}
/** Ops at uniformly random intervals in [0, 2*dt) seconds: on average one every dt. */
export const stagger = (dt: number, gen: GenLike): Gen => new Spaced(dt * SECOND, true, toGen(gen));
/** Ops exactly dt seconds apart. */
export const delay = (dt: number, gen: GenLike): Gen => new Spaced(dt * SECOND, false, toGen(gen));

/** Occupies one thread for dt seconds (not recorded in the history), then ends. */
export const sleep = (dt: number): Gen => limit(1, { f: 'sleep', type: 'sleep', value: dt });

/** Emits the ops planned within dt seconds of its first ask; ends when the clock passes that. */
class TimeLimit implements Gen {
  constructor(
    private readonly dt: number,
    private readonly gen: Gen,
    private readonly deadline: number | null = null,
  ) {}
  op(ctx: GenContext): GenResult {
    const deadline = this.deadline ?? ctx.time + this.dt;
    const over = ctx.time >= deadline;
    const r = this.gen.op(ctx);
    if (r === null) return null;
    // An op planned after the deadline is never emitted, but before the deadline it does not end
    // the generator: it may be one thread's far-off op (the nemesis's next fault) while other
    // threads still have work.
    if (r[0] === PENDING || r[0].time >= deadline) {
      if (over) return null;
      const gen = r[0] === PENDING ? r[1] : this.gen;
      return [PENDING, gen === this.gen && this.deadline !== null ? this : new TimeLimit(this.dt, gen, deadline)];
    }
    // An op planned before the deadline is emitted even if the timer fired a little late, so the
    // same seed gives the same ops.
    return [r[0], new TimeLimit(this.dt, r[1], deadline)];
  }
  update(ctx: GenContext, event: Op): Gen {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new TimeLimit(this.dt, g, this.deadline);
  }
}
export const timeLimit = (dt: number, gen: GenLike): Gen => new TimeLimit(dt * SECOND, toGen(gen));

/** Waits until every thread is free, then becomes gen. */
class Synchronize implements Gen {
  constructor(private readonly gen: Gen) {}
  op(ctx: GenContext): GenResult {
    if (ctx.free.length < ctx.threads.length) return [PENDING, this];
    return this.gen.op(ctx);
  }
  update(ctx: GenContext, event: Op): Gen {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Synchronize(g);
  }
}
export const synchronize = (gen: GenLike): Gen => new Synchronize(toGen(gen));
/** Each generator in turn; each starts only once every op of the previous one has completed. */
export const phases = (...gens: GenLike[]): Gen => toGen(gens.map((g, i) => (i === 0 ? toGen(g) : synchronize(g))));

/** An independent copy of gen for every thread it is asked for. */
class EachThread implements Gen {
  /** Per thread: its copy (undefined: not started; null: ended). Client threads by number; the
   *  nemesis thread at index -1 is kept apart. Copied on write, and only when something changed. */
  constructor(
    private readonly template: Gen,
    private readonly perThread: ReadonlyArray<Gen | null | undefined> = [],
    private readonly nemesisGen: Gen | null | undefined = undefined,
  ) {}
  private get(t: Thread): Gen | null | undefined {
    return t === 'nemesis' ? this.nemesisGen : this.perThread[t];
  }
  private with(t: Thread, g: Gen | null): EachThread {
    if (t === 'nemesis') return new EachThread(this.template, this.perThread, g);
    const next = this.perThread.slice();
    next[t] = g;
    return new EachThread(this.template, next, this.nemesisGen);
  }
  op(ctx: GenContext): GenResult {
    const own = this.get(ctx.thread);
    const g = own === undefined ? this.template : own;
    const r = g === null ? null : g.op(ctx);
    if (r === null) {
      const next = this.with(ctx.thread, null);
      // Ended for this thread; the whole generator ends when it has ended for every thread.
      const done = ctx.threads.every((t) => next.get(t) === null);
      return done ? null : [PENDING, next];
    }
    return [r[0], r[1] === own ? this : this.with(ctx.thread, r[1])];
  }
  update(ctx: GenContext, event: Op): Gen {
    const g = this.get(ctx.thread);
    if (!g) return this;
    const u = g.update(ctx, event);
    return u === g ? this : this.with(ctx.thread, u);
  }
}
export const eachThread = (gen: GenLike): Gen => new EachThread(toGen(gen));

/** reserve(n1, g1, n2, g2, ..., dflt): the first n1 client threads run g1, the next n2 run g2, ...,
 *  the remaining client threads run dflt. The nemesis thread is left to other generators. */
export function reserve(...args: Array<number | GenLike>): Gen {
  const ranges: Array<{ lo: number; hi: number; gen: GenLike }> = [];
  let lo = 0;
  for (let i = 0; i + 1 < args.length; i += 2) {
    const n = args[i] as number;
    ranges.push({ lo, hi: lo + n, gen: args[i + 1] as GenLike });
    lo += n;
  }
  const dflt = args.length % 2 === 1 ? (args[args.length - 1] as GenLike) : null;
  const parts = ranges.map((r) => onThreads((t) => typeof t === 'number' && t >= r.lo && t < r.hi, r.gen));
  if (dflt !== null) parts.push(onThreads((t) => typeof t === 'number' && t >= lo, dflt));
  return any(...parts);
}

/** Ops from gen until one of them completes ok. */
class UntilOk implements Gen {
  constructor(
    private readonly gen: Gen,
    private readonly mine: ReadonlySet<string> = new Set(),
    private readonly done = false,
  ) {}
  op(ctx: GenContext): GenResult {
    if (this.done) return null;
    const r = this.gen.op(ctx);
    return r && [r[0], new UntilOk(r[1], this.mine, false)];
  }
  update(ctx: GenContext, event: Op): Gen {
    const key = String(event.process);
    const gen = this.gen.update(ctx, event);
    if (event.type === 'invoke') return new UntilOk(gen, new Set(this.mine).add(key), this.done);
    if (!this.mine.has(key)) return new UntilOk(gen, this.mine, this.done);
    const mine = new Set(this.mine);
    mine.delete(key);
    return new UntilOk(gen, mine, this.done || event.type === 'ok');
  }
}
export const untilOk = (gen: GenLike): Gen => new UntilOk(toGen(gen));

/** Alternates ops from a and b; ends when the one whose turn it is ends. */
class FlipFlop implements Gen {
  constructor(private readonly gens: readonly [Gen, Gen], private readonly turn: 0 | 1 = 0) {}
  op(ctx: GenContext): GenResult {
    const r = this.gens[this.turn].op(ctx);
    if (r === null) return null;
    if (r[0] === PENDING) return [PENDING, new FlipFlop(replaceAt(this.gens, this.turn, r[1]) as unknown as [Gen, Gen], this.turn)];
    const gens = replaceAt(this.gens, this.turn, r[1]) as unknown as [Gen, Gen];
    return [r[0], new FlipFlop(gens, this.turn === 0 ? 1 : 0)];
  }
  update(ctx: GenContext, event: Op): Gen {
    const gens = updateAll(this.gens, ctx, event);
    return gens === this.gens ? this : new FlipFlop(gens as unknown as [Gen, Gen], this.turn);
  }
}
export const flipFlop = (a: GenLike, b: GenLike): Gen => new FlipFlop([toGen(a), toGen(b)]);

/** cycleTimes(dt1, g1, dt2, g2, ...): g1 for dt1 seconds, then g2 for dt2, ..., round and round.
 *  Each generator keeps its state between its turns. */
class CycleTimes implements Gen {
  constructor(
    private readonly spans: readonly number[],
    private readonly gens: readonly Gen[],
    private readonly start: number | null = null,
  ) {}
  op(ctx: GenContext): GenResult {
    const start = this.start ?? ctx.time;
    const period = this.spans.reduce((a, b) => a + b, 0);
    const at = (ctx.time - start) % period;
    let i = 0;
    let windowStart = ctx.time - at;
    for (let acc = 0; i < this.spans.length; i++) {
      if (at < acc + this.spans[i]) {
        windowStart += acc;
        break;
      }
      acc += this.spans[i];
    }
    const windowEnd = windowStart + this.spans[i];
    const r = this.gens[i].op(ctx);
    if (r === null) return null;
    if (r[0] === PENDING) return [PENDING, new CycleTimes(this.spans, replaceAt(this.gens, i, r[1]), start)];
    // An op beyond this generator's window waits for its next turn.
    if (r[0].time >= windowEnd) return [PENDING, new CycleTimes(this.spans, this.gens, start)];
    return [r[0], new CycleTimes(this.spans, replaceAt(this.gens, i, r[1]), start)];
  }
  update(ctx: GenContext, event: Op): Gen {
    const gens = updateAll(this.gens, ctx, event);
    return gens === this.gens ? this : new CycleTimes(this.spans, gens, this.start);
  }
}
export function cycleTimes(...args: Array<number | GenLike>): Gen {
  const spans: number[] = [];
  const gens: Gen[] = [];
  for (let i = 0; i + 1 < args.length; i += 2) {
    spans.push((args[i] as number) * SECOND);
    gens.push(toGen(args[i + 1] as GenLike));
  }
  return new CycleTimes(spans, gens);
}

/** At most n ops from gen. */
class Limit implements Gen {
  constructor(private readonly n: number, private readonly gen: Gen) {}
  op(ctx: GenContext): GenResult {
    if (this.n <= 0) return null;
    const r = this.gen.op(ctx);
    if (r === null) return null;
    if (r[0] === PENDING) return [PENDING, r[1] === this.gen ? this : new Limit(this.n, r[1])];
    return [r[0], new Limit(this.n - 1, r[1])];
  }
  update(ctx: GenContext, event: Op): Gen {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Limit(this.n, g);
  }
}
export const limit = (n: number, gen: GenLike): Gen => new Limit(n, toGen(gen));
export const once = (gen: GenLike): Gen => limit(1, gen);

/** gen's first op, again and again (n times, or forever): gen's successor is never adopted. */
class Repeat implements Gen {
  constructor(private readonly gen: Gen, private readonly n: number) {}
  op(ctx: GenContext): GenResult {
    if (this.n === 0) return null;
    const r = this.gen.op(ctx);
    if (r === null) return null;
    if (r[0] === PENDING) return [PENDING, this];
    return [r[0], new Repeat(this.gen, this.n - 1)];
  }
  update(): Gen {
    return this;
  }
}
export const repeat = (gen: GenLike, n = -1): Gen => new Repeat(toGen(gen), n);

/** Only ops for which pred holds. */
class Filter implements Gen {
  constructor(private readonly pred: (op: FilledOp) => boolean, private readonly gen: Gen) {}
  op(ctx: GenContext): GenResult {
    let gen = this.gen;
    for (let tries = 0; tries < 10_000; tries++) {
      const r = gen.op(ctx);
      if (r === null) return null;
      if (r[0] === PENDING) return [PENDING, new Filter(this.pred, gen)];
      if (this.pred(r[0])) return [r[0], new Filter(this.pred, r[1])];
      gen = r[1];
    }
    return [PENDING, new Filter(this.pred, gen)];
  }
  update(ctx: GenContext, event: Op): Gen {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Filter(this.pred, g);
  }
}
export const filter = (pred: (op: FilledOp) => boolean, gen: GenLike): Gen => new Filter(pred, toGen(gen));

/** Every op transformed by fn. */
class MapGen implements Gen {
  constructor(private readonly fn: (op: FilledOp, ctx: GenContext) => OpSpec, private readonly gen: Gen) {}
  op(ctx: GenContext): GenResult {
    const r = this.gen.op(ctx);
    if (r === null) return null;
    if (r[0] === PENDING) return [PENDING, r[1] === this.gen ? this : new MapGen(this.fn, r[1])];
    return [fill({ ...r[0], ...this.fn(r[0], ctx) }, ctx), new MapGen(this.fn, r[1])];
  }
  update(ctx: GenContext, event: Op): Gen {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new MapGen(this.fn, g);
  }
}
export const map = (fn: (op: FilledOp, ctx: GenContext) => OpSpec, gen: GenLike): Gen => new MapGen(fn, toGen(gen));

export { VOID as empty };
