// Decides which thread runs which op when: the part of the interpreter that is pure logic, shared
// by the real interpreter and by simulate(). It owns the generator, the free threads and the
// process numbers; the caller owns time and the history.
import type { Op, Process } from '../types.ts';
import { Rng, mixSeed } from '../rng.ts';
import { type FilledOp, type Gen, type GenContext, type GenLike, type Thread, PENDING, toGen } from './core.ts';

/** How often a generator that is pending on time alone is asked again (ns). */
export const POLL_NS = 20_000_000;

export type Decision =
  | { kind: 'dispatch'; thread: Thread; op: FilledOp }
  /** Nothing to do before `until` (ns), or before some op completes when until is null. */
  | { kind: 'wait'; until: number | null }
  | { kind: 'done' };

/** What a generator is told when asked for an op. Its rng is made when first used: it is derived
 *  from (seed, thread, ops that thread has invoked), and most asks never draw. */
class SchedulerContext implements GenContext {
  private r: Rng | null = null;
  constructor(
    readonly time: number,
    readonly thread: Thread,
    readonly process: Process,
    readonly free: readonly Thread[],
    readonly threads: readonly Thread[],
    readonly concurrency: number,
    private readonly seed: number,
    private readonly invoked: number,
  ) {}
  get rng(): Rng {
    return (this.r ??= new Rng(mixSeed(this.seed, this.thread === 'nemesis' ? -1 : this.thread, this.invoked)));
  }
}

export class Scheduler {
  private gen: Gen;
  readonly threads: Thread[];
  /** Free threads, longest-idle first, so ops spread over threads fairly. */
  private free: Thread[];
  private readonly process = new Map<Thread, Process>();
  private readonly invoked = new Map<Thread, number>();
  private exhausted = false;

  constructor(
    gen: GenLike,
    readonly concurrency: number,
    private readonly seed: number,
    withNemesis = true,
    /** Generators see time relative to this instant (the start of the run's operations), so
     *  deadlines and planned op times do not depend on how long set-up took. */
    private readonly origin = 0,
  ) {
    this.gen = toGen(gen);
    this.threads = Array.from({ length: concurrency }, (_, i) => i as Thread);
    if (withNemesis) this.threads.push('nemesis');
    for (const t of this.threads) {
      this.process.set(t, t);
      this.invoked.set(t, 0);
    }
    // The nemesis is asked first, so faults are not starved by a busy client generator.
    this.free = withNemesis ? ['nemesis', ...this.threads.slice(0, -1)] : this.threads.slice();
  }

  processOf(t: Thread): Process {
    return this.process.get(t)!;
  }

  threadOf(p: Process): Thread {
    if (p === 'nemesis') return 'nemesis';
    return p % this.concurrency;
  }

  busyCount(): number {
    return this.threads.length - this.free.length;
  }

  private ctx(now: number, t: Thread): GenContext {
    return new SchedulerContext(now - this.origin, t, this.process.get(t)!, this.free, this.threads, this.concurrency, this.seed, this.invoked.get(t)!);
  }

  /** What to do at time `now`. A dispatch must be followed by `started` (with the stamped op). */
  next(now: number): Decision {
    if (this.exhausted) return this.free.length === this.threads.length ? { kind: 'done' } : { kind: 'wait', until: null };
    let soonest: number | null = null;
    // A pending answer may carry what the generator learned (a phase that ended, a thread it has
    // finished with): adopt it, and ask every free thread again while that keeps changing things.
    for (let pass = 0, changed = true; changed && pass <= this.threads.length; pass++) {
      changed = false;
      soonest = null;
      for (const t of this.free) {
        const r = this.gen.op(this.ctx(now, t));
        if (r === null) {
          this.exhausted = true;
          return this.next(now);
        }
        const [op, gen] = r;
        if (op === PENDING) {
          if (gen !== this.gen) changed = true;
          this.gen = gen;
          continue;
        }
        if (op.time + this.origin <= now) {
          this.gen = gen;
          return { kind: 'dispatch', thread: this.threadForOp(op, t), op };
        }
        soonest = Math.min(soonest ?? Infinity, op.time + this.origin);
      }
    }
    return { kind: 'wait', until: soonest };
  }

  private threadForOp(op: FilledOp, asked: Thread): Thread {
    const t = this.threadOf(op.process);
    return this.free.includes(t) ? t : asked;
  }

  /** The op was invoked on thread t (sleep ops too, with a synthetic event). */
  started(t: Thread, event: Op): void {
    this.free = this.free.filter((x) => x !== t);
    this.invoked.set(t, this.invoked.get(t)! + 1);
    if (event.type !== ('sleep' as string)) this.gen = this.gen.update(this.ctx(event.time, t), event);
  }

  /** The op on thread t completed. An info completion retires the process (it may still act). */
  completed(t: Thread, event: Op): void {
    this.free.push(t);
    if (event.type !== ('sleep' as string)) this.gen = this.gen.update(this.ctx(event.time, t), event);
    if (event.type === 'info' && t !== 'nemesis') {
      this.process.set(t, (this.process.get(t) as number) + this.concurrency);
    }
  }

  /** Stop asking the generator: used on Ctrl-C. */
  stop(): void {
    this.exhausted = true;
  }
}
