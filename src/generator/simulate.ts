// Runs a generator against a fake clock, with no I/O, so generators are unit-testable:
// the same scheduler as the real interpreter, with completions computed by a function.
import type { Op, OpType } from '../types.ts';
import { toOpError, type OpError } from '../op-errors.ts';
import type { FilledOp, GenLike, Thread } from './core.ts';
import { SECOND } from './core.ts';
import { POLL_NS, Scheduler } from './scheduler.ts';

export interface SimulateOptions {
  concurrency?: number;
  seed?: number;
  nemesis?: boolean;
  /** How long an op takes, in nanoseconds (default 1 ms). */
  latency?: (op: Op) => number;
  /** How an op completes (default ok with the invoked value). */
  complete?: (op: Op) => { type: Exclude<OpType, 'invoke'>; value?: unknown; error?: OpError | string };
  /** Safety net for infinite generators. */
  maxOps?: number;
  /** A generator pending this many polls in a row with nothing in flight is stuck: throw. */
  maxIdlePolls?: number;
  /** Stop the clock here (ns), completing what is in flight. */
  maxTime?: number;
}

interface Pending {
  at: number;
  thread: Thread;
  invoke: Op;
  sleep: boolean;
}

/** The history the generator produces (invocations and completions, nemesis ops included). */
export function simulate(gen: GenLike, o: SimulateOptions = {}): Op[] {
  const concurrency = o.concurrency ?? 2;
  const sched = new Scheduler(gen, concurrency, o.seed ?? 0, o.nemesis ?? true);
  const latency = o.latency ?? (() => 1_000_000);
  type Done = ReturnType<NonNullable<SimulateOptions['complete']>>;
  const complete: (op: Op) => Done = o.complete ?? ((op: Op) => ({ type: 'ok', value: op.value }));
  const maxOps = o.maxOps ?? 100_000;
  const history: Op[] = [];
  const inflight: Pending[] = [];
  let now = 0;
  let idle = 0;
  const maxIdlePolls = o.maxIdlePolls ?? 50_000;

  const finish = (p: Pending) => {
    inflight.splice(inflight.indexOf(p), 1);
    if (p.sleep) {
      sched.completed(p.thread, { ...p.invoke, type: 'sleep' as OpType, time: p.at });
      return;
    }
    const c = complete(p.invoke);
    const done: Op = { ...p.invoke, index: history.length, time: p.at, type: c.type, value: c.value ?? p.invoke.value };
    if (c.error) done.error = toOpError(c.error);
    history.push(done);
    sched.completed(p.thread, done);
  };

  for (;;) {
    if (history.length >= maxOps || (o.maxTime !== undefined && now >= o.maxTime)) {
      sched.stop();
    }
    const d = sched.next(now);
    if (d.kind === 'dispatch') {
      startOp(d.thread, d.op);
      continue;
    }
    if (d.kind === 'done') break;
    const soonest = inflight.reduce<Pending | null>((a, p) => (a === null || p.at < a.at ? p : a), null);
    // Like the interpreter: with nothing due, wake at the next op's time, a completion, or a poll.
    const until = d.until ?? now + POLL_NS;
    if (soonest !== null && soonest.at <= until) {
      now = Math.max(now, soonest.at);
      finish(soonest);
      idle = 0;
    } else {
      now = until;
      if (d.until === null && ++idle > maxIdlePolls) {
        throw new Error(`simulate: generator pending for ${(maxIdlePolls * POLL_NS) / 1e9} s with nothing in flight`);
      }
    }
  }
  return history;

  function startOp(thread: Thread, op: FilledOp) {
    const sleep = op.type === 'sleep';
    const invoke: Op = { index: sleep ? -1 : history.length, time: now, type: 'invoke', process: op.process, f: op.f, value: op.value ?? null };
    if (!sleep) history.push(invoke);
    sched.started(thread, sleep ? { ...invoke, type: 'sleep' as OpType } : invoke);
    const at = now + (sleep ? Number(op.value) * SECOND : Math.max(0, latency(invoke)));
    inflight.push({ at, thread, invoke, sleep });
  }
}

/** Invocations only, for assertions about what a generator asks for. */
export function invocations(h: readonly Op[]): Op[] {
  return h.filter((op) => op.type === 'invoke');
}
