// Histories for the report tests and bench/report.ts, checked by the real checkers: a simulated
// keyed register (with a partition, and optionally one stale read), and hostile histories (huge
// error texts, huge values, absurd times, values that look like markup).
import { checkCounter } from '../checkers/counter.ts';
import { fullChecker } from '../checkers/index.ts';
import { linearizableChecker } from '../checkers/linearizable/index.ts';
import type { ReportInput } from '../src/run.ts';
import { Rng } from '../src/rng.ts';
import type { CheckResult, History, Op, PerfBand, RunOptions, Workload } from '../src/types.ts';

export const PARTITION: PerfBand = { name: 'partition', start: ['start-partition'], stop: ['stop-partition'], color: '#f4a6a6' };
const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];

export interface RegisterSim {
  ops: number; // client operations (each an invocation and a completion)
  seed?: number;
  keys?: number;
  concurrency?: number;
  /** Make one read during the partition return the key's previous value (not linearizable). */
  stale?: boolean;
  /** Mutates an op before it is recorded (hostile values, nodes, errors...). */
  mutate?: (op: Op, i: number) => void;
}

/**
 * A register run: each process does ops one after another; each op takes effect at a point
 * inside its span, in that order, so reads see the state then (linearizable by construction).
 * A partition is active over the middle fifth of the run; ops there are slower and some time out.
 */
export function simulateRegister(o: RegisterSim): Op[] {
  const rng = new Rng(o.seed ?? 1);
  const keys = o.keys ?? 5;
  const conc = o.concurrency ?? 10;
  const perProcess = Math.ceil(o.ops / conc);
  const runNs = perProcess * 10e6; // ~100 ops/s per process
  const pStart = runNs * 0.4, pEnd = runNs * 0.6;
  type Sim = { process: number; f: string; key: number; arg: unknown; inv: number; done: number; at: number; outcome: 'ok' | 'info'; node: string; result?: unknown };
  const sims: Sim[] = [];
  for (let p = 0, n = 0; p < conc; p++) {
    let t = rng.int(0, 5e6);
    let proc = p;
    for (let k = 0; k < perProcess && n < o.ops; k++, n++) {
      const slow = t > pStart && t < pEnd;
      const lat = rng.int(1e6, slow ? 30e6 : 8e6);
      const r = rng.next();
      const f = r < 0.5 ? 'read' : r < 0.8 ? 'write' : 'cas';
      const outcome = slow && rng.next() < 0.005 ? 'info' : 'ok';
      // Written values are unique, so a stale read cannot be explained by a later write of the same value.
      sims.push({ process: proc, f, key: rng.int(0, keys - 1), arg: f === 'write' ? n : f === 'cas' ? [Math.max(0, n - rng.int(1, 30)), n] : null, inv: t, done: t + lat, at: t + rng.int(0, lat), outcome, node: NODES[p % NODES.length] });
      t += lat + rng.int(0, 4e6);
      if (outcome === 'info') proc += conc; // a new process takes over after an indeterminate op
    }
  }
  const state = new Map<number, unknown>();
  let staleDone = !o.stale;
  // Per key: the value before the current one, and when the write of the current one completed.
  const previous = new Map<number, { value: unknown; done: number }>();
  for (const s of [...sims].sort((a, b) => a.at - b.at)) {
    const cur = state.has(s.key) ? state.get(s.key) : null;
    if (s.f === 'read') {
      s.result = cur;
      const prev = previous.get(s.key);
      if (!staleDone && s.at > (pStart + pEnd) / 2 && s.outcome === 'ok' && prev && prev.done < s.inv) {
        s.result = prev.value;
        staleDone = true;
      }
    } else if (s.f === 'write') {
      if (s.outcome === 'ok') { previous.set(s.key, { value: cur, done: s.done }); state.set(s.key, s.arg); }
    } else {
      const [from, to] = s.arg as [unknown, unknown];
      if (cur === from && s.outcome === 'ok') { previous.set(s.key, { value: cur, done: s.done }); state.set(s.key, to); s.result = 'ok'; } else s.result = 'fail';
    }
  }
  const events: Array<Omit<Op, 'index'>> = [];
  for (const s of sims) {
    events.push({ time: s.inv, type: 'invoke', process: s.process, f: s.f, value: { key: s.key, value: s.arg } });
    if (s.outcome === 'info') events.push({ time: s.done, type: 'info', process: s.process, f: s.f, value: { key: s.key, value: s.arg }, node: s.node, error: { code: 0, text: `timeout: no answer from ${s.node} within 30 ms` } });
    else if (s.result === 'fail') events.push({ time: s.done, type: 'fail', process: s.process, f: s.f, value: { key: s.key, value: s.arg }, node: s.node, error: { code: 22, text: 'expected a different value' } });
    else events.push({ time: s.done, type: 'ok', process: s.process, f: s.f, value: { key: s.key, value: s.f === 'read' ? s.result : s.arg }, node: s.node });
  }
  const grudge = { n1: ['n3', 'n4', 'n5'], n2: ['n3', 'n4', 'n5'], n3: ['n1', 'n2'], n4: ['n1', 'n2'], n5: ['n1', 'n2'] };
  events.push({ time: pStart - 1e5, type: 'invoke', process: 'nemesis', f: 'start-partition', value: { shape: 'halves', grudge } });
  events.push({ time: pStart, type: 'info', process: 'nemesis', f: 'start-partition', value: { shape: 'halves', grudge } });
  events.push({ time: pEnd - 1e5, type: 'invoke', process: 'nemesis', f: 'stop-partition', value: null });
  events.push({ time: pEnd, type: 'info', process: 'nemesis', f: 'stop-partition', value: 'network healed' });
  // Same time: completions before invocations, so a process's next op never precedes its last.
  events.sort((a, b) => a.time - b.time || (a.type === 'invoke' ? 1 : 0) - (b.type === 'invoke' ? 1 : 0));
  const history = events.map((e, index) => ({ index, ...e }) as Op);
  if (o.mutate) history.forEach((op, i) => o.mutate!(op, i));
  return history;
}

const registerWorkload: Workload = {
  name: 'register',
  generator: null,
  checker: linearizableChecker({ name: 'cas-register', init: null, options: { nilReadIsUnknown: false } }, { timeout: 60 }),
};

/** The full composed check a run does (workload, stats, perf, exceptions). */
export async function checkRun(history: History, workload: Workload = registerWorkload, perf: readonly PerfBand[] = [PARTITION]): Promise<CheckResult> {
  return fullChecker(workload, perf).check(null, history, {});
}

export const counterWorkload: Workload = { name: 'counter', generator: null, checker: { check: (_t, h) => checkCounter(h, 'linearizable') } };

export function reportInput(history: History, results: CheckResult, name = 'register', perf: readonly PerfBand[] = [PARTITION], opts: Partial<RunOptions> = {}): ReportInput {
  return { test: { name, runId: '20260101T000000.000Z', seed: 42, nodes: NODES, concurrency: 10, opts: { workload: name, ...opts } as RunOptions }, history, results, perf };
}

/** A counter history: adds and reads, every op failing with a distinct error text of `size` characters. */
export function hostileErrors(kinds: number, size: number): Op[] {
  const h: Array<Omit<Op, 'index'>> = [];
  let t = 1e6;
  for (let i = 0; i < 200; i++) {
    const p = i % 5;
    const f = i % 3 ? 'add' : 'read';
    h.push({ time: (t += 1e6), type: 'invoke', process: p, f, value: f === 'add' ? 1 : null });
    const bad = i < kinds;
    // Letters, not digits: the exceptions checker groups texts with the digits blanked.
    const text = bad ? String.fromCharCode(97 + (i % 26)).repeat(size) + String.fromCharCode(65 + Math.floor(i / 26)) : '';
    h.push(bad
      ? { time: (t += 2e6), type: 'fail', process: p, f, value: f === 'add' ? 1 : null, node: `n${p + 1}`, error: { text } }
      : { time: (t += 2e6), type: 'ok', process: p, f, value: f === 'add' ? 1 : Math.floor(i / 3), node: `n${p + 1}` });
  }
  return h.map((e, index) => ({ index, ...e }) as Op);
}
