// Differential test: on random small histories the search agrees with a brute-force oracle that
// tries every linearization (recursively, with no linked list, no greedy reads, no hashing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { casRegister, fifoQueue, mutex, register, type LinOp, type Model } from '../checkers/linearizable/models.ts';
import { KeySearch, type Outcome, type Verdict } from '../checkers/linearizable/search.ts';
import { runParts } from '../checkers/linearizable/runner.ts';
import { refuteAt } from '../checkers/linearizable/refute.ts';
import { checkLinearizable } from '../checkers/linearizable/index.ts';
import { makeKernel } from '../checkers/linearizable/kernel.ts';
import { MemoryBudget } from '../checkers/linearizable/memo.ts';
import { prepare, type Part } from '../checkers/linearizable/prepare.ts';
import type { Op, OpType } from '../src/types.ts';

interface SearchOp extends LinOp {
  invokeIndex: number;
  completeIndex: number;
  indeterminate: boolean;
}

/** The history's single part (unkeyed ops), as the search sees it. */
function partOf(h: Op[], m: Model<any>): Part {
  const parts = prepare(h, m);
  assert.ok(parts.length <= 1);
  return parts[0] ?? { key: '*', n: 0, events: new Int32Array(0), invokeIndex: new Int32Array(0), completeIndex: new Int32Array(0), f: [], input: [], output: [], process: [] };
}

/** The ops straight from the history, independently of the checker's own preparation: each
 *  invocation with its process's next event; failed ops dropped, and indeterminate pure ops. */
function searchOps(h: Op[], m: Model<any>): SearchOp[] {
  const out: SearchOp[] = [];
  for (let i = 0; i < h.length; i++) {
    if (h[i].type !== 'invoke') continue;
    const c = h.findIndex((o, j) => j > i && o.process === h[i].process);
    const done = c >= 0 ? h[c] : undefined;
    if (done?.type === 'fail') continue;
    const indeterminate = !done || done.type === 'info';
    const op: SearchOp = { f: h[i].f, input: h[i].value, output: indeterminate ? undefined : done!.value, process: h[i].process as number, invokeIndex: i, completeIndex: indeterminate ? -1 : c, indeterminate };
    if (indeterminate && m.pure?.(op)) continue;
    out.push(op);
  }
  return out;
}

/** The search on the whole history, in one go. */
function search(h: Op[], m: Model<any>): Outcome {
  const p = partOf(h, m);
  return new KeySearch(p, makeKernel(p, m), new MemoryBudget(2 ** 30)).run(Infinity)!;
}

/** The same search paused every few steps and resumed (as time slices do). */
function slicedSearch(h: Op[], m: Model<any>, every: number): Outcome {
  const p = partOf(h, m);
  const s = new KeySearch(p, makeKernel(p, m), new MemoryBudget(2 ** 30));
  for (;;) {
    const o = s.run(Infinity, every);
    if (o) return o;
  }
}

/** Every linearization: pick any op no unlinearized determinate op must precede; drop info ops freely. */
function oracle(ops: SearchOp[], model: Model<any>, infosMustHappen = false): boolean {
  const seen = new Set<string>();
  const go = (done: number, state: unknown): boolean => {
    const key = `${done}|${JSON.stringify(state)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (ops.every((o, i) => (o.indeterminate && !infosMustHappen) || done & (1 << i))) return true;
    for (let i = 0; i < ops.length; i++) {
      if (done & (1 << i)) continue;
      const blocked = ops.some((o, j) => j !== i && !(done & (1 << j)) && !o.indeterminate && o.completeIndex < ops[i].invokeIndex);
      if (blocked) continue;
      const [ok, s2] = model.step(state as never, ops[i]);
      if (ok && go(done | (1 << i), s2)) return true;
    }
    return false;
  };
  return go(0, model.init());
}

interface Spec { process: number; f: string; input: unknown; output: unknown; outcome: 'ok' | 'fail' | 'info' | 'none' }

/** A random history: ops on up to 8 processes, interleaved by a schedule; outputs either from a
 *  real sequential execution in some order (often valid) or random (often not). */
function historyArb(gen: (r: fc.GeneratorValue) => Omit<Spec, 'process' | 'outcome'>) {
  return fc
    .record({
      n: fc.integer({ min: 1, max: 12 }),
      procs: fc.integer({ min: 1, max: 8 }),
      schedule: fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
      // Uniform draws (fast-check biases constantFrom toward its first value): half ok, the rest
      // fail, info or never completed.
      outcomes: fc.array(fc.double({ min: 0, max: 1, noNaN: true, noDefaultInfinity: true }).map((x) => (['ok', 'ok', 'ok', 'fail', 'info', 'none'] as const)[Math.min(5, Math.floor(x * 6))]), { minLength: 12, maxLength: 12 }),
    })
    .chain((base) => fc.gen().map((g) => ({ ...base, specs: Array.from({ length: base.n }, () => gen(g)) })))
    .map(({ procs, schedule, outcomes, specs }) => {
      // Ops on a process run one after another; processes interleave by the schedule.
      const queues: Array<Array<Spec>> = Array.from({ length: procs }, () => []);
      specs.forEach((s, i) => queues[i % procs].push({ ...s, process: i % procs, outcome: outcomes[i] as Spec['outcome'] }));
      const h: Op[] = [];
      const open = new Map<number, Spec>();
      let k = 0;
      let retired = 100;
      const live = queues.map((q, p) => ({ q, p }));
      while (live.some((l) => l.q.length || open.has(l.p))) {
        const cands = live.filter((l) => l.q.length || open.has(l.p));
        const c = cands[schedule[k++ % schedule.length] % cands.length];
        const cur = open.get(c.p);
        if (!cur) {
          const s = c.q.shift()!;
          open.set(c.p, s);
          h.push({ index: h.length, time: h.length, type: 'invoke', process: c.p, f: s.f, value: s.input });
        } else {
          open.delete(c.p);
          if (cur.outcome === 'none') {
            c.q.length = 0; // never completes: the process stops here
            continue;
          }
          h.push({ index: h.length, time: h.length, type: cur.outcome as OpType, process: c.p, f: cur.f, value: cur.f === 'read' || cur.f === 'dequeue' ? cur.output : cur.input });
          if (cur.outcome === 'info') {
            // The process is retired; its remaining ops run as a new process.
            const rest = c.q.splice(0);
            if (rest.length) {
              const np = retired++;
              live.push({ q: rest.map((r) => ({ ...r, process: np })), p: np });
            }
          }
        }
      }
      return h;
    });
}

const small = (g: fc.GeneratorValue) => g(fc.integer, { min: 0, max: 3 });

const registerOps = (g: fc.GeneratorValue) => {
  const f = g(fc.constantFrom, 'read', 'write', 'write', 'cas');
  if (f === 'read') return { f, input: null, output: g(fc.constantFrom, null, 0, 1, 2, 3) };
  if (f === 'write') return { f, input: small(g), output: undefined };
  return { f, input: [small(g), small(g)], output: undefined };
};
const mutexOps = (g: fc.GeneratorValue) => ({ f: g(fc.constantFrom, 'acquire', 'release'), input: null, output: undefined });
const queueOps = (g: fc.GeneratorValue) =>
  g(fc.boolean) ? { f: 'enqueue', input: small(g), output: undefined } : { f: 'dequeue', input: null, output: g(fc.constantFrom, null, 0, 1, 2, 3) };

const cases: Array<[string, () => Model<any>, (g: fc.GeneratorValue) => Omit<Spec, 'process' | 'outcome'>]> = [
  ['register', () => register(null, { nilReadIsUnknown: false }), (g) => { const o = registerOps(g); return o.f === 'cas' ? { ...o, f: 'write', input: small(g) } : o; }],
  ['cas-register', () => casRegister(0), registerOps],
  ['mutex', () => mutex(), mutexOps],
  ['fifo-queue', () => fifoQueue(), queueOps],
];

for (const [name, model, ops] of cases) {
  test(`property: ${name} search agrees with brute force`, () => {
    let valid = 0;
    let invalid = 0;
    let decidedByDroppingInfo = 0;
    fc.assert(
      fc.property(historyArb(ops), (h) => {
        const m = model();
        const sops = searchOps(h, m);
        const expected = oracle(sops, m);
        const r = search(h, m);
        const got = r.valid;
        // Paused and resumed anywhere, the search finds the same.
        const sliced = slicedSearch(h, m, 1 + (h.length % 7));
        assert.equal(sliced.valid, got);
        assert.equal(sliced.culprit, r.culprit);
        if (expected) valid++;
        else invalid++;
        if (expected && !oracle(sops, m, true)) decidedByDroppingInfo++;
        assert.equal(got, expected, JSON.stringify(h));
      }),
      { numRuns: 2500 },
    );
    // The generator must exercise both verdicts, or the comparison proves little. (At least 4 %
    // each: mutex histories come out valid only ~8 % of the time, so 200 of 2,500 was a coin flip.)
    const counts = `${name}: ${valid} valid, ${invalid} invalid, ${decidedByDroppingInfo} valid only because an indeterminate op may never happen`;
    assert.ok(valid > 100 && invalid > 100, counts);
    if (name !== 'register' && name !== 'fifo-queue') assert.ok(decidedByDroppingInfo > 20, counts); // (writes and enqueues always apply)
  });
}

test('the search names the right culprit and the states it was stuck in', () => {
  const h: Op[] = [
    { index: 0, time: 0, type: 'invoke', process: 0, f: 'write', value: 1 },
    { index: 1, time: 1, type: 'ok', process: 0, f: 'write', value: 1 },
    { index: 2, time: 2, type: 'invoke', process: 1, f: 'read', value: null },
    { index: 3, time: 3, type: 'ok', process: 1, f: 'read', value: 2 },
  ];
  const m = register(null, { nilReadIsUnknown: false });
  const r = search(h, m);
  assert.equal(r.valid, false);
  const p = partOf(h, m);
  assert.equal(p.completeIndex[r.culprit!], 3);
  assert.deepEqual(r.states!.map((s) => makeKernel(p, m).describe(s)), ['1']);
});

test('an op that never completed may take effect late, or never', () => {
  const m = register(null, { nilReadIsUnknown: false });
  const h = (read: unknown): Op[] => [
    { index: 0, time: 0, type: 'invoke', process: 0, f: 'write', value: 1 },
    { index: 1, time: 1, type: 'invoke', process: 1, f: 'read', value: null },
    { index: 2, time: 2, type: 'ok', process: 1, f: 'read', value: read },
    { index: 3, time: 3, type: 'invoke', process: 2, f: 'read', value: null },
    { index: 4, time: 4, type: 'ok', process: 2, f: 'read', value: 1 },
  ];
  assert.equal(search(h(null), m).valid, true);
  assert.equal(search(h(1), m).valid, true);
  assert.equal(search(h(7), m).valid, false);
  void ({} as LinOp);
});

test('indeterminate releases of different owners are not interchangeable twins (found by the mutex property)', () => {
  // Each release may only be taken by its own process's lock: treating p0's, p1's and p2's
  // pending releases as identical once made this valid history look illegal.
  const m = mutex();
  const rows: Array<[number, OpType, string]> = [
    [2, 'invoke', 'acquire'], [0, 'invoke', 'release'], [2, 'ok', 'acquire'], [3, 'invoke', 'acquire'],
    [1, 'invoke', 'acquire'], [2, 'invoke', 'release'], [1, 'ok', 'acquire'], [1, 'invoke', 'release'],
    [3, 'ok', 'acquire'], [3, 'invoke', 'acquire'],
  ];
  const h: Op[] = rows.map(([process, type, f], i) => ({ index: i, time: i, process, type, f, value: null }));
  assert.equal(search(h, m).valid, true);
});

/** Histories of several keys: each key's ops from one random history, interleaved. */
const multiKeyArb = fc
  .array(historyArb(registerOps), { minLength: 2, maxLength: 4 })
  .chain((hs) => fc.tuple(fc.constant(hs), fc.array(fc.nat(), { minLength: 200, maxLength: 200 })))
  .map(([hs, schedule]) => {
    const pos = hs.map(() => 0);
    const out: Op[] = [];
    let k = 0;
    while (pos.some((p, i) => p < hs[i].length)) {
      const live = hs.map((_, i) => i).filter((i) => pos[i] < hs[i].length);
      const key = live[schedule[k++ % schedule.length] % live.length];
      const o = hs[key][pos[key]++];
      out.push({ ...o, index: out.length, time: out.length, process: (o.process as number) + 1000 * key, value: { key, value: o.value } });
    }
    return { keys: hs, history: out };
  });

test('property: keys searched round robin, interleaved at every few steps, get their own verdicts; the first invalid key ends the check', async () => {
  let stopped = 0;
  await fc.assert(
    fc.asyncProperty(multiKeyArb, fc.integer({ min: 1, max: 9 }), async ({ keys, history }, every) => {
      const m = casRegister(0);
      const expected = keys.map((h) => oracle(searchOps(h, m), m));
      const parts = prepare(history, m);
      const reports = new Map<string, Verdict>();
      await runParts(parts, m, { memoBytes: 2 ** 28, stepsPerSlice: every, sliceMs: 0, onReport: (_i, r) => (reports.set(r.key, r.valid), r.valid === false) });
      const invalid = [...reports].filter(([, v]) => v === false);
      assert.ok(invalid.length <= 1, 'the check stops at the first invalid key');
      for (const [key, v] of reports) {
        if (v === 'unknown') continue; // stopped by the invalid key
        assert.equal(v, expected[Number(key)], `key ${key}`);
      }
      if (invalid.length === 0) assert.ok(expected.every(Boolean) && [...reports.values()].every((v) => v === true));
      else if ([...reports.values()].includes('unknown')) stopped++;
    }),
    { numRuns: 400 },
  );
  assert.ok(stopped > 10, `the first invalid key stopped other keys only ${stopped} times`);
});

test('property: on worker threads the verdict is the same as on one thread', async () => {
  await fc.assert(
    fc.asyncProperty(multiKeyArb, async ({ keys, history }) => {
      const m = casRegister(0);
      const expected = keys.every((h) => oracle(searchOps(h, m), m));
      const r = await checkLinearizable(history, { name: 'cas-register', init: 0 }, { workers: 2 });
      assert.equal(r.valid, expected);
      if (r.valid === false) assert.equal(oracle(searchOps(keys[Number(r.key)], m), m), false, 'the invalid key is invalid');
    }),
    { numRuns: 12 },
  );
});

test('property: a local refutation is never wrong (the whole search agrees that the history cannot get past that return)', () => {
  let refuted = 0;
  fc.assert(
    fc.property(historyArb(registerOps), fc.boolean(), (h, strictNil) => {
      const m = strictNil ? casRegister(null, { nilReadIsUnknown: false }) : casRegister(0);
      const p = partOf(h, m);
      const full = search(h, m);
      for (let e = 0; e < p.events.length; e++) {
        if ((p.events[e] & 1) === 0 || !refuteAt(p, e, 1000)) continue;
        refuted++;
        assert.equal(full.valid, false, `refuted at event ${e}, yet the history is linearizable`);
        const culpritReturn = p.events.indexOf((full.culprit! << 1) | 1);
        assert.ok(culpritReturn <= e, `refuted at event ${e}, but the search got past it (to ${culpritReturn})`);
      }
    }),
    { numRuns: 2000 },
  );
  assert.ok(refuted > 100, `only ${refuted} refutations`);
});
