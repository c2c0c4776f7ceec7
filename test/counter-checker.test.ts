import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkCounter, subsetSumChecker } from '../checkers/counter.ts';
import type { Op, OpType } from '../src/types.ts';

/** Builds a history from [process, type, f, value] rows; index and time are positions. */
function H(rows: Array<[number | 'nemesis', OpType, string, unknown]>): Op[] {
  return rows.map(([process, type, f, value], i) => ({ index: i, time: i * 1000, process, type, f, value }));
}

test('ok reads within the bounds are valid', () => {
  const h = H([
    [0, 'invoke', 'add', 1], [0, 'ok', 'add', 1],
    [1, 'invoke', 'read', null], [1, 'ok', 'read', 1],
  ]);
  const r = checkCounter(h);
  assert.equal(r.valid, true);
  assert.equal(r['acknowledged-sum'], 1);
});

test('a read below the sum of adds completed before it is invalid, with its bounds', () => {
  const h = H([
    [0, 'invoke', 'add', 2], [0, 'ok', 'add', 2],
    [1, 'invoke', 'read', null], [1, 'ok', 'read', 1],
  ]);
  const r = checkCounter(h);
  assert.equal(r.valid, false);
  assert.deepEqual(r.errors.map((e) => [e.index, e.value, e.lower, e.upper]), [[3, 1, 2, 2]]);
  assert.equal(r['lost-updates'], 1, 'the final read is short by one');
});

test('a concurrent add may or may not be seen', () => {
  for (const seen of [0, 3]) {
    const h = H([
      [0, 'invoke', 'add', 3],
      [1, 'invoke', 'read', null], [1, 'ok', 'read', seen],
      [0, 'ok', 'add', 3],
    ]);
    assert.equal(checkCounter(h).valid, true, `read of ${seen}`);
  }
});

test('an add invoked after the read completed cannot be seen', () => {
  const h = H([
    [1, 'invoke', 'read', null], [1, 'ok', 'read', 3],
    [0, 'invoke', 'add', 3], [0, 'ok', 'add', 3],
  ]);
  const r = checkCounter(h);
  assert.equal(r.valid, false);
  assert.deepEqual([r.errors[0].lower, r.errors[0].upper], [0, 0]);
});

test('failed adds never count; info adds only widen the upper bound', () => {
  const failed = H([
    [0, 'invoke', 'add', 5], [0, 'fail', 'add', 5],
    [1, 'invoke', 'read', null], [1, 'ok', 'read', 5],
  ]);
  assert.equal(checkCounter(failed).valid, false);
  const info = (seen: number) => H([
    [0, 'invoke', 'add', 5], [0, 'info', 'add', 5],
    [1, 'invoke', 'read', null], [1, 'ok', 'read', seen],
  ]);
  assert.equal(checkCounter(info(0)).valid, true);
  assert.equal(checkCounter(info(5)).valid, true);
  assert.equal(checkCounter(info(6)).valid, false);
});

test('a fail that arrives after the read still excludes the add', () => {
  const h = H([
    [0, 'invoke', 'add', 5],
    [1, 'invoke', 'read', null], [1, 'ok', 'read', 5],
    [0, 'fail', 'add', 5],
  ]);
  assert.equal(checkCounter(h).valid, false);
});

test('negative deltas lower the lower bound while they are in flight', () => {
  const h = H([
    [0, 'invoke', 'add', 4], [0, 'ok', 'add', 4],
    [2, 'invoke', 'add', -3],
    [1, 'invoke', 'read', null], [1, 'ok', 'read', 1],
    [2, 'ok', 'add', -3],
  ]);
  assert.equal(checkCounter(h).valid, true);
  const low = H([
    [0, 'invoke', 'add', 4], [0, 'ok', 'add', 4],
    [2, 'invoke', 'add', -3],
    [1, 'invoke', 'read', null], [1, 'ok', 'read', 0],
    [2, 'ok', 'add', -3],
  ]);
  assert.equal(checkCounter(low).valid, false);
});

test('eventual mode checks only final reads, against ok sum plus a subset of info deltas', () => {
  const base: Array<[number | 'nemesis', OpType, string, unknown]> = [
    [0, 'invoke', 'add', 2], [0, 'ok', 'add', 2],
    [1, 'invoke', 'add', 3], [1, 'info', 'add', 3],
    [2, 'invoke', 'add', 4], [2, 'info', 'add', 4],
    [3, 'invoke', 'read', null], [3, 'ok', 'read', 100], // stale mid-run read: not checked
    ['nemesis', 'invoke', 'stop-partition', null], ['nemesis', 'info', 'stop-partition', null],
  ];
  const withFinal = (v: number, v2 = v) => H([...base, [4, 'invoke', 'read', null], [4, 'ok', 'read', v], [5, 'invoke', 'read', null], [5, 'ok', 'read', v2]]);
  for (const v of [2, 5, 6, 9]) assert.equal(checkCounter(withFinal(v), 'eventual').valid, true, `final ${v}`);
  for (const v of [1, 3, 4, 7, 8, 10]) assert.equal(checkCounter(withFinal(v), 'eventual').valid, false, `final ${v}`);
  const diverged = checkCounter(withFinal(5, 6), 'eventual');
  assert.equal(diverged.valid, false);
  assert.equal(diverged.converged, false);
  const lost = checkCounter(withFinal(1), 'eventual');
  assert.equal(lost['lost-updates'], 1);
  assert.equal(checkCounter(H(base), 'eventual').valid, 'unknown', 'no final reads: nothing to check');
});

// ---------------------------------------------------------------------------------------------
// Properties.

interface SimOp { process: number; f: 'add' | 'read'; delta: number; outcome: 'ok' | 'fail' | 'info' }

/** A random concurrent execution against a real atomic counter: each op takes effect at one
 *  instant between its invocation and completion (or never, for fail; maybe, for info). */
const execution = fc
  .record({
    ops: fc.array(
      fc.record({
        f: fc.constantFrom('add' as const, 'read' as const),
        delta: fc.integer({ min: -5, max: 5 }),
        outcome: fc.constantFrom('ok' as const, 'ok' as const, 'fail' as const, 'info' as const),
        applies: fc.boolean(),
      }),
      { maxLength: 24 },
    ),
    schedule: fc.array(fc.nat(), { minLength: 100, maxLength: 100 }),
    negatives: fc.boolean(),
  })
  .map(({ ops, schedule, negatives }) => {
    // Each op has three steps: invoke, effect, complete. Interleave them by the schedule.
    const steps: Array<{ i: number; step: number }> = [];
    const pending = ops.map((_, i) => ({ i, step: 0 }));
    let s = 0;
    while (pending.length) {
      const k = schedule[s++ % schedule.length] % pending.length;
      const p = pending[k];
      steps.push({ i: p.i, step: p.step });
      if (++p.step === 3) pending.splice(k, 1);
    }
    let value = 0;
    const h: Op[] = [];
    const readValue = new Map<number, number>();
    for (const { i, step } of steps) {
      const o = ops[i];
      const delta = negatives ? (o.delta === 0 ? 1 : o.delta) : Math.abs(o.delta) + 1;
      const outcome = o.f === 'read' && o.outcome === 'info' ? 'fail' : o.outcome;
      if (step === 0) h.push({ index: h.length, time: h.length, process: i, type: 'invoke', f: o.f, value: o.f === 'add' ? delta : null });
      if (step === 1) {
        if (o.f === 'add' && (outcome === 'ok' || (outcome === 'info' && o.applies))) value += delta;
        if (o.f === 'read') readValue.set(i, value);
      }
      if (step === 2 && !(outcome === 'info' && !o.applies && o.f === 'add' && i % 3 === 0)) {
        // (some info ops never complete at all)
        h.push({ index: h.length, time: h.length, process: i, type: outcome, f: o.f, value: o.f === 'add' ? delta : outcome === 'ok' ? readValue.get(i)! : null });
      }
    }
    return { h, finalValue: value };
  });

/** DESIGN.md §7 taken literally, O(n²): for each ok read, the adds completed ok before its
 *  invocation must be in; the non-failed adds invoked before its completion may be. */
function oracle(h: Op[]): boolean {
  const completion = (inv: Op) => h.find((o) => o.index > inv.index && o.process === inv.process && o.type !== 'invoke');
  for (const r of h) {
    if (r.f !== 'read' || r.type !== 'ok') continue;
    const rInv = [...h].reverse().find((o) => o.index < r.index && o.process === r.process && o.type === 'invoke')!;
    let lower = 0;
    let upper = 0;
    for (const a of h) {
      if (a.f !== 'add' || a.type !== 'invoke') continue;
      const c = completion(a);
      if (c?.type === 'fail' || a.index > r.index) continue;
      const d = Number(a.value);
      const definite = c?.type === 'ok' && c.index < rInv.index;
      if (definite) { lower += d; upper += d; } else if (d < 0) lower += d; else upper += d;
    }
    if (Number(r.value) < lower || Number(r.value) > upper) return false;
  }
  return true;
}

test('property: agrees with the literal definition on random histories', () => {
  fc.assert(
    fc.property(execution, fc.integer({ min: -3, max: 3 }), ({ h }, skew) => {
      // Skew some read values so that invalid histories are generated too.
      const skewed = h.map((o) => (o.f === 'read' && o.type === 'ok' && o.index % 2 === 0 ? { ...o, value: Number(o.value) + skew } : o));
      assert.equal(checkCounter(skewed).valid, oracle(skewed));
    }),
    { numRuns: 3000 },
  );
});

test('property: a correct execution is never flagged; losing an acknowledged add always is', () => {
  fc.assert(
    fc.property(execution, ({ h, finalValue }) => {
      const n = h.length;
      const final: Op[] = [
        { index: n, time: n, process: 1000, type: 'invoke', f: 'read', value: null },
        { index: n + 1, time: n + 1, process: 1000, type: 'ok', f: 'read', value: finalValue },
      ];
      assert.equal(checkCounter([...h, ...final]).valid, true);
      assert.equal(checkCounter([...h, ...final], 'eventual').valid, true);
      const acked = h.filter((o) => o.f === 'add' && o.type === 'ok' && Number(o.value) > 0);
      if (acked.length === 0) return;
      const lostDelta = Number(acked[0].value);
      const infoDeltas = h.filter((o) => o.f === 'add' && o.type === 'invoke').filter((inv) => {
        const c = h.find((o) => o.index > inv.index && o.process === inv.process);
        return !c || c.type === 'info';
      });
      // Only when no indeterminate add could explain the gap is the loss certain.
      if (infoDeltas.length) return;
      const short = [...h, final[0], { ...final[1], value: finalValue - lostDelta }];
      const r = checkCounter(short, 'eventual');
      assert.equal(r.valid, false);
      assert.equal(r['lost-updates'], lostDelta);
    }),
    { numRuns: 2000 },
  );
});

test('property: subset sums agree with enumeration', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -6, max: 6 }), { maxLength: 10 }), fc.integer({ min: -40, max: 40 }), (ds, x) => {
      let possible = false;
      for (let mask = 0; mask < 1 << ds.length && !possible; mask++) {
        let s = 0;
        for (let i = 0; i < ds.length; i++) if (mask & (1 << i)) s += ds[i];
        possible = s === x;
      }
      assert.equal(subsetSumChecker(ds)(x), possible);
    }),
    { numRuns: 3000 },
  );
});
