// The interpreter (DESIGN.md §4 step 4): one worker per client thread plus one nemesis worker,
// driven by the generator through the scheduler, until the generator ends or the run is stopped.
// Every invocation and completion goes into the history as it happens.
//
// Cheap per operation, so the engine is never what limits a run: each thread keeps one abort
// signal for as long as none of its ops times out, and one timer sweeps every in-flight op's
// deadline, instead of a controller, a timer and a race per op.
import type { FilledOp, GenLike, Thread } from './generator/index.ts';
import { POLL_NS, Scheduler } from './generator/scheduler.ts';
import type { HistoryRecorder } from './history.ts';
import type { Client, Completion, Nemesis, NodeHandle, Op, OpType, TestInfo } from './types.ts';
import { errorMessage } from './errors.ts';
import { ErrorCode, toOpError } from './op-errors.ts';

export interface WorkerPool {
  /** The client for a thread; reopened (as a new process) after an indeterminate op. */
  client(thread: number): Promise<Client>;
  reopen(thread: number): void;
  nodeOf(thread: number): NodeHandle;
}

export interface InterpreterOptions {
  test: TestInfo;
  generator: GenLike;
  pool: WorkerPool;
  nemesis: Nemesis | null;
  history: HistoryRecorder;
  opTimeoutMs: number;
  nemesisTimeoutMs?: number;
  /** Aborting it stops the generator and times out what is in flight. */
  stop: AbortSignal;
}

interface Done {
  thread: Thread;
  completion: Completion | null; // null for a sleep
  invoke: Op;
}

/** A worker's state: its op in flight (if any), when that op times out, the signal it was given. */
interface Slot {
  ctl: AbortController;
  op: Op | null;
  deadline: number;
  /** Bumped whenever the op in flight is settled, so a late answer to an earlier op is ignored. */
  seq: number;
  sleep: { timer: NodeJS.Timeout; invoke: Op } | null;
}

export async function interpret(o: InterpreterOptions): Promise<void> {
  const { test, history } = o;
  const sched = new Scheduler(o.generator, test.concurrency, test.seed, true, test.now());
  const done: Done[] = [];
  let head = 0;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const slots = new Map<Thread, Slot>();
  const slot = (t: Thread): Slot => {
    let s = slots.get(t);
    if (!s) slots.set(t, (s = { ctl: new AbortController(), op: null, deadline: 0, seq: 0, sleep: null }));
    return s;
  };
  const finish = (d: Done) => {
    done.push(d);
    notify();
  };

  /** Gives up on a thread's op in flight: the op is indeterminate, its signal aborted. */
  const giveUp = (thread: Thread, s: Slot) => {
    const invoke = s.op!;
    s.op = null;
    s.seq++;
    s.ctl.abort();
    s.ctl = new AbortController();
    finish({ thread, completion: { ...invoke, type: 'info', error: { code: ErrorCode.timeout, text: 'timed out' } }, invoke });
  };

  // One sweep of every deadline, often enough for the op timeout's precision.
  const tickMs = Math.max(5, Math.min(100, Math.floor(o.opTimeoutMs / 20)));
  const sweeper = setInterval(() => {
    const now = performance.now();
    for (const [t, s] of slots) if (s.op && now >= s.deadline) giveUp(t, s);
  }, tickMs);

  const onStop = () => {
    sched.stop();
    for (const [t, s] of slots) {
      if (s.op) giveUp(t, s);
      if (s.sleep) {
        clearTimeout(s.sleep.timer);
        finish({ thread: t, completion: null, invoke: s.sleep.invoke });
        s.sleep = null;
      }
    }
    notify();
  };
  o.stop.addEventListener('abort', onStop, { once: true });
  if (o.stop.aborted) onStop();

  const start = (thread: Thread, spec: FilledOp) => {
    const s = slot(thread);
    if (spec.type === 'sleep') {
      const invoke: Op = { index: -1, time: test.now(), type: 'sleep' as OpType, process: spec.process, f: 'sleep', value: spec.value };
      sched.started(thread, invoke);
      const timer = setTimeout(() => {
        s.sleep = null;
        finish({ thread, completion: null, invoke });
      }, Number(spec.value) * 1000);
      s.sleep = { timer, invoke };
      return;
    }
    const invoke = history.append({ time: test.now(), type: 'invoke', process: spec.process, f: spec.f, value: spec.value ?? null });
    sched.started(thread, invoke);
    s.op = invoke;
    s.deadline = performance.now() + (thread === 'nemesis' ? (o.nemesisTimeoutMs ?? 120_000) : o.opTimeoutMs);
    const seq = ++s.seq;
    const signal = s.ctl.signal;
    const settle = (completion: Completion) => {
      if (s.seq !== seq) return; // given up on already: a late answer
      s.op = null;
      s.seq++;
      finish({ thread, completion, invoke });
    };
    let work: Promise<Completion>;
    try {
      work = thread === 'nemesis' ? o.nemesis!.invoke(test, invoke) : o.pool.client(thread).then((c) => c.invoke(test, invoke, signal));
    } catch (e) {
      work = Promise.reject(e);
    }
    work.then(settle, (e: unknown) => settle({ ...invoke, type: 'info', error: { text: errorMessage(e) } }));
  };

  const drain = () => {
    while (head < done.length) {
      const d = done[head++];
      if (d.completion === null) {
        sched.completed(d.thread, { ...d.invoke, time: test.now() });
        continue;
      }
      const c = d.completion;
      const type: OpType = c.type === 'invoke' ? 'info' : c.type;
      const op = history.append({
        time: test.now(), type, process: d.invoke.process, f: d.invoke.f, value: c.value,
        node: c.node, error: c.error === undefined ? undefined : toOpError(c.error),
      });
      sched.completed(d.thread, op);
      if (type === 'info' && typeof d.thread === 'number') o.pool.reopen(d.thread);
    }
    done.length = 0;
    head = 0;
  };

  try {
    for (;;) {
      drain();
      const now = test.now();
      const d = sched.next(now);
      if (d.kind === 'dispatch') {
        start(d.thread, d.op);
        continue;
      }
      if (d.kind === 'done') break;
      // Wait for a completion, the next op's time, or a poll tick (generators may be waiting on time).
      const waitNs = d.until === null ? POLL_NS : Math.min(d.until - now, POLL_NS);
      await new Promise<void>((resolve) => {
        if (head < done.length) return resolve();
        const t = setTimeout(() => {
          wake = null;
          resolve();
        }, Math.max(0, waitNs / 1e6));
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  } finally {
    clearInterval(sweeper);
    o.stop.removeEventListener('abort', onStop);
  }
}
