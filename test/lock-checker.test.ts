import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkLocks } from '../checkers/lock.ts';
import { checkLinearizable } from '../checkers/linearizable/index.ts';
import { Rng } from '../src/rng.ts';
import type { Op, OpType } from '../src/types.ts';

type Row = [ms: number, process: number, type: OpType, f: 'acquire' | 'release', owner: string, lock?: number, fence?: number];

function H(rows: Row[]): Op[] {
  return rows.map(([ms, process, type, f, owner, lock = 0, fence], i) => ({
    index: i, time: ms * 1e6, process, type, f, node: `n${(process % 3) + 1}`,
    value: { lock, owner, ...(fence !== undefined && type === 'ok' && f === 'acquire' ? { fence } : {}) },
  }));
}

test('one holder after another: no overlap, fences increasing', () => {
  const r = checkLocks(H([
    [0, 0, 'invoke', 'acquire', 'a'], [1, 0, 'ok', 'acquire', 'a', 0, 1],
    [5, 0, 'invoke', 'release', 'a'], [6, 0, 'ok', 'release', 'a'],
    [7, 1, 'invoke', 'acquire', 'b'], [8, 1, 'ok', 'acquire', 'b', 0, 2],
  ]));
  assert.equal(r.valid, true);
  assert.equal(r['overlap-count'], 0);
  assert.equal(r['fences-checked'], 1);
  assert.equal(r['acquires-ok'], 2);
});

test('a release invoked before the next acquire completes is not an overlap', () => {
  // a is releasing (slowly) while b's acquire completes: a stopped acting as holder at 5.
  const r = checkLocks(H([
    [0, 0, 'invoke', 'acquire', 'a'], [1, 0, 'ok', 'acquire', 'a'],
    [5, 0, 'invoke', 'release', 'a'], [6, 1, 'invoke', 'acquire', 'b'], [7, 1, 'ok', 'acquire', 'b'], [9, 0, 'info', 'release', 'a'],
  ]));
  assert.equal(r.valid, true);
});

test('two owners holding at once: an overlap naming both, with its window for the report', () => {
  const r = checkLocks(H([
    [0, 0, 'invoke', 'acquire', 'a'], [1, 0, 'ok', 'acquire', 'a', 0, 1],
    [2, 1, 'invoke', 'acquire', 'b'], [3, 1, 'ok', 'acquire', 'b', 0, 2],
    [10, 0, 'invoke', 'release', 'a'], [11, 0, 'ok', 'release', 'a'],
    [12, 1, 'invoke', 'release', 'b'], [13, 1, 'fail', 'release', 'b'],
  ]));
  assert.equal(r.valid, false);
  assert.equal(r['overlap-count'], 1);
  const o = r.overlaps[0];
  assert.deepEqual(o.holders.map((x) => x.owner), ['a', 'b']);
  assert.equal(o['overlap-ms'], 7); // from b's acquire (3 ms) to a's release invocation (10 ms)
  assert.deepEqual(o.holders.map((x) => x['acquire-index']), [1, 3]);
  assert.equal(r.window!.length, 4);
  assert.equal(r.window!.filter((w) => w.culprit).length, 1);
  assert.equal(r.window!.find((w) => w.culprit)!['invoke-index'], 2);
});

test('an owner that never releases holds to the end of the history', () => {
  const r = checkLocks(H([
    [0, 0, 'invoke', 'acquire', 'a'], [1, 0, 'ok', 'acquire', 'a'],
    [50, 1, 'invoke', 'acquire', 'b'], [51, 1, 'ok', 'acquire', 'b'],
    [52, 2, 'invoke', 'acquire', 'c'], [53, 2, 'fail', 'acquire', 'c'],
  ]));
  assert.equal(r['overlap-count'], 1);
  assert.equal(r.overlaps[0].holders[0]['held-to'], null);
});

test('different locks never overlap; the same owner acquiring again is not an overlap', () => {
  const r = checkLocks(H([
    [0, 0, 'invoke', 'acquire', 'a', 0], [1, 0, 'ok', 'acquire', 'a', 0, 1],
    [2, 1, 'invoke', 'acquire', 'b', 1], [3, 1, 'ok', 'acquire', 'b', 1, 2],
    [4, 0, 'invoke', 'release', 'a', 0], [5, 0, 'info', 'release', 'a', 0],
    [6, 3, 'invoke', 'acquire', 'a', 0], [7, 3, 'ok', 'acquire', 'a', 0, 1],
  ]));
  assert.equal(r.valid, true);
  assert.equal(r['fences-checked'], 0, 'same owner, same token: nothing to compare');
});

test('a later holder with a token not above the earlier one is a fence violation', () => {
  const r = checkLocks(H([
    [0, 0, 'invoke', 'acquire', 'a'], [1, 0, 'ok', 'acquire', 'a', 0, 7],
    [2, 0, 'invoke', 'release', 'a'], [3, 0, 'ok', 'release', 'a'],
    [4, 1, 'invoke', 'acquire', 'b'], [5, 1, 'ok', 'acquire', 'b', 0, 7],
  ]));
  assert.equal(r.valid, false);
  assert.equal(r['overlap-count'], 0);
  assert.deepEqual(r['fence-violations'][0].earlier, { owner: 'a', fence: 7, index: 1 });
  assert.deepEqual(r['fence-violations'][0].later, { owner: 'b', fence: 7, index: 5 });
});

/** A simulated lock service and its clients, in event time, as the lock workload drives it:
 *  owners acquire, hold, release; a lost reply makes the op indeterminate (the effect may or may
 *  not have happened) and the owner then releases. `steal` grants a held lock anyway with that
 *  probability (a broken lock: e.g. an expired lease). */
function simulate(seed: number, owners: number, locks: number, opts: { lost: number; steal: number }): Op[] {
  const rng = new Rng(seed);
  const holders = new Map<number, { owner: string; fence: number }>();
  let fence = 0;
  const events: Array<Omit<Op, 'index'>> = [];
  const procs = Array.from({ length: owners }, (_, i) => i);
  // Each owner: a chain of ops; the server applies each at a random point inside it.
  type State = { owner: string; proc: number; t: number; next: 'acquire' | 'release'; lock: number };
  const states: State[] = procs.map((p) => ({ owner: `w${p}`, proc: p, t: rng.next() * 5, next: 'acquire', lock: rng.int(0, locks - 1) }));
  const applied: Array<{ at: number; s: State; f: 'acquire' | 'release'; lock: number; invoke: number; done: number; lost: boolean }> = [];
  for (let round = 0; round < 12; round++) {
    for (const s of states) {
      const invoke = s.t;
      const at = invoke + 0.1 + rng.next() * 3;
      const done = at + 0.1 + rng.next() * 3;
      applied.push({ at, s: { ...s }, f: s.next, lock: s.lock, invoke, done, lost: rng.bool(opts.lost) });
      s.t = done + rng.next() * 4;
    }
  }
  // Apply in server order, deciding outcomes; then emit invocations and completions in time order.
  applied.sort((a, b) => a.at - b.at);
  const byOwnerSeq = new Map<string, typeof applied>();
  for (const a of applied) byOwnerSeq.set(a.s.owner, [...(byOwnerSeq.get(a.s.owner) ?? []), a]);
  // Per owner in invocation order (which is also server order: each op is applied inside its own
  // interval, and an owner's ops do not overlap); what each op is follows the workload's rule.
  const chains = [...byOwnerSeq.values()].map((xs) => xs.sort((a, b) => a.invoke - b.invoke));
  const ops: Array<{ at: number; owner: string; idx: number }> = [];
  chains.forEach((xs, ci) => xs.forEach((_, i) => ops.push({ at: xs[i].at, owner: String(ci), idx: i })));
  ops.sort((a, b) => a.at - b.at);
  const next = chains.map(() => ({ f: 'acquire' as 'acquire' | 'release', lock: -1 }));
  const outcome = new Map<object, { f: 'acquire' | 'release'; lock: number; type: OpType; fence?: number }>();
  for (const { owner, idx } of ops) {
    const ci = Number(owner);
    const a = chains[ci][idx];
    const st = next[ci];
    const lock = st.lock >= 0 ? st.lock : a.lock;
    const who = a.s.owner;
    let type: OpType;
    let granted: number | undefined;
    if (st.f === 'acquire') {
      const h = holders.get(lock);
      if (!h || h.owner === who || rng.bool(opts.steal)) {
        granted = h && h.owner === who ? h.fence : ++fence;
        holders.set(lock, { owner: who, fence: granted });
        type = 'ok';
      } else type = 'fail';
    } else {
      const h = holders.get(lock);
      if (h && h.owner === who) {
        holders.delete(lock);
        type = 'ok';
      } else type = 'fail';
    }
    if (a.lost) type = 'info';
    outcome.set(a, { f: st.f, lock, type, fence: granted });
    // The workload's rule: after an ok or info acquire, release that lock; otherwise acquire anew.
    next[ci] = st.f === 'acquire' && type !== 'fail' ? { f: 'release', lock } : { f: 'acquire', lock: -1 };
  }
  for (const [ci, xs] of chains.entries()) {
    let proc = ci;
    for (const a of xs) {
      const o = outcome.get(a)!;
      const value = { lock: o.lock, owner: a.s.owner };
      events.push({ time: a.invoke * 1e6, type: 'invoke', process: proc, f: o.f, value });
      const completion = o.type === 'ok' && o.f === 'acquire' ? { ...value, fence: o.fence } : value;
      events.push({ time: (o.type === 'info' ? a.done + 1000 : a.done) * 1e6, type: o.type, process: proc, f: o.f, value: completion });
      if (o.type === 'info') proc += owners; // an indeterminate op retires its process
    }
  }
  // Per process, an op completes before the next is invoked (info ones are pushed far out, so a
  // retired process's completion lands at the end).
  return events
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.time - y.e.time || x.i - y.i)
    .map(({ e }, index) => ({ ...e, index }) as Op);
}

const mutex = (h: Op[]) => checkLinearizable(h, { name: 'mutex', init: null });

test('property: a correct lock, with indeterminate ops, is never flagged, and is linearizable', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 2 }), async (seed, owners, locks) => {
      const h = simulate(seed, owners, locks, { lost: 0.1, steal: 0 });
      const r = checkLocks(h);
      assert.equal(r['overlap-count'], 0, JSON.stringify(r.overlaps[0]));
      assert.equal(r['fence-violations'].length, 0);
      assert.equal((await mutex(h)).valid, true);
    }),
    { numRuns: 300 },
  );
});

test('property: every overlap is also a mutex violation, and stealing locks is caught', async () => {
  let caught = 0;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 2, max: 5 }), async (seed, owners) => {
      const h = simulate(seed, owners, 1, { lost: 0.05, steal: 0.5 });
      const r = checkLocks(h);
      const lin = await mutex(h);
      if (r['overlap-count'] > 0) {
        caught++;
        assert.equal(lin.valid, false, 'an overlap cannot be linearized');
      }
    }),
    { numRuns: 300 },
  );
  assert.ok(caught > 100, `stolen locks were seen as overlaps in ${caught} of 300 cases`);
});

test("the mutex's states read as their holder: an owner's name unquoted, a process its number", async () => {
  const { mutex: mutexModel } = await import('../checkers/linearizable/models.ts');
  const m = mutexModel();
  assert.equal(m.describe!('"w12"'), 'held by w12');
  assert.equal(m.describe!('3'), 'held by 3');
  assert.equal(m.describe!('"a\\"b"'), 'held by a\\"b');
  assert.equal(m.describe!(null), 'free');
});
