// The interpreter (DESIGN.md §4 step 4): one worker per client thread plus one nemesis worker,
// driven by the generator through the scheduler, until the generator ends or the run is stopped.
// Every invocation and completion goes into the history as it happens.
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

export async function interpret(o: InterpreterOptions): Promise<void> {
  const { test, history } = o;
  const sched = new Scheduler(o.generator, test.concurrency, test.seed, true, test.now());
  const done: Done[] = [];
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const inflight = new Set<AbortController>();
  const onStop = () => {
    sched.stop();
    for (const c of inflight) c.abort();
    notify();
  };
  o.stop.addEventListener('abort', onStop, { once: true });
  if (o.stop.aborted) onStop();

  const finish = (d: Done) => {
    done.push(d);
    notify();
  };

  const start = (thread: Thread, spec: FilledOp) => {
    if (spec.type === 'sleep') {
      const invoke: Op = { index: -1, time: test.now(), type: 'sleep' as OpType, process: spec.process, f: 'sleep', value: spec.value };
      sched.started(thread, invoke);
      const t = setTimeout(() => finish({ thread, completion: null, invoke }), Number(spec.value) * 1000);
      // A stop cuts sleeps short too.
      o.stop.addEventListener('abort', () => { clearTimeout(t); finish({ thread, completion: null, invoke }); }, { once: true });
      return;
    }
    const invoke = history.append({ time: test.now(), type: 'invoke', process: spec.process, f: spec.f, value: spec.value ?? null });
    sched.started(thread, invoke);
    void run(thread, invoke).then((completion) => finish({ thread, completion, invoke }));
  };

  const run = async (thread: Thread, invoke: Op): Promise<Completion> => {
    const ctl = new AbortController();
    inflight.add(ctl);
    const timeoutMs = thread === 'nemesis' ? (o.nemesisTimeoutMs ?? 120_000) : o.opTimeoutMs;
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    const aborted = new Promise<'aborted'>((res) => ctl.signal.addEventListener('abort', () => res('aborted'), { once: true }));
    try {
      const work: Promise<Completion> =
        thread === 'nemesis'
          ? o.nemesis!.invoke(test, invoke)
          : o.pool.client(thread).then((c) => c.invoke(test, invoke, ctl.signal));
      // A client that ignores the signal must not hold the run: the op becomes indeterminate.
      const r = await Promise.race([work, aborted]);
      if (r === 'aborted') return { ...invoke, type: 'info', error: { code: ErrorCode.timeout, text: 'timed out' } };
      return r;
    } catch (e) {
      return { ...invoke, type: 'info', error: { text: errorMessage(e) } };
    } finally {
      clearTimeout(timer);
      inflight.delete(ctl);
    }
  };

  const drain = () => {
    while (done.length) {
      const d = done.shift()!;
      if (d.completion === null) {
        sched.completed(d.thread, { ...d.invoke, time: test.now() });
        continue;
      }
      const c = d.completion;
      const type: OpType = c.type === 'invoke' ? 'info' : c.type;
      const op = history.append({
        ...c,
        time: test.now(),
        type,
        process: d.invoke.process,
        f: d.invoke.f,
        ...(c.error !== undefined ? { error: toOpError(c.error) } : {}),
      } as Omit<Op, 'index'>);
      sched.completed(d.thread, op);
      if (type === 'info' && typeof d.thread === 'number') o.pool.reopen(d.thread);
    }
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
        if (done.length) return resolve();
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
    o.stop.removeEventListener('abort', onStop);
  }
}
