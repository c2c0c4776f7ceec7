import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as g from '../src/generator/index.ts';
import { Rng } from '../src/rng.ts';
import type { Op } from '../src/types.ts';

const S = 1e9;
const read = () => ({ f: 'read', value: null });
const invokes = (h: Op[]) => h.filter((o) => o.type === 'invoke');
const clientInvokes = (h: Op[]) => invokes(h).filter((o) => o.process !== 'nemesis');

test('a plain op is emitted again and again, as in Jepsen (once bounds it); a function until it returns null', () => {
  assert.equal(invokes(g.simulate(g.limit(25, { f: 'x' }))).length, 25);
  assert.equal(invokes(g.simulate(g.once({ f: 'x' }))).length, 1);
  assert.equal(invokes(g.simulate([g.once({ f: 'x' }), g.once({ f: 'y' })])).map((o) => o.f).join(), 'x,y');
  let n = 0;
  const h = g.simulate(() => (n++ < 7 ? { f: 'x' } : null), { concurrency: 3 });
  assert.equal(invokes(h).length, 7);
});

test('timeLimit ends the generator after its duration', () => {
  const h = g.simulate(g.timeLimit(2, g.clients(g.delay(0.1, read))), { concurrency: 2 });
  const times = clientInvokes(h).map((o) => o.time);
  assert.ok(times.length >= 19 && times.length <= 21, `${times.length} ops in 2 s at 10/s`);
  assert.ok(Math.max(...times) < 2 * S);
});

test('timeLimit is not cut short by one thread\'s op due after the deadline', () => {
  // The nemesis's next fault is due after the limit; clients must keep going until the limit.
  const h = g.simulate(
    g.timeLimit(10, g.any(g.clients(g.delay(0.5, read)), g.nemesis(g.delay(7, () => ({ f: 'fault' }))))),
    { concurrency: 1 },
  );
  const last = Math.max(...clientInvokes(h).map((o) => o.time));
  assert.ok(last >= 9.5 * S, `clients ran until ${last / S} s`);
  assert.equal(invokes(h).filter((o) => o.f === 'fault').length, 2, 'faults at 0 and 7 s, not 14');
});

test('stagger averages its interval, with random gaps in [0, 2dt)', () => {
  const h = g.simulate(g.timeLimit(20, g.clients(g.stagger(0.05, read))), { concurrency: 4, latency: () => 1e6 });
  const times = clientInvokes(h).map((o) => o.time);
  const rate = times.length / 20;
  assert.ok(rate > 17 && rate < 23, `about 20 ops/s, got ${rate}`);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  assert.ok(Math.max(...gaps) < 0.1 * S + 1, 'no gap beyond 2dt');
  assert.ok(new Set(gaps.map((x) => Math.round(x / 1e6))).size > 10, 'gaps vary');
});

test('delay spaces ops exactly', () => {
  const h = g.simulate(g.limit(5, g.clients(g.delay(0.25, read))), { concurrency: 2 });
  assert.deepEqual(clientInvokes(h).map((o) => o.time / S), [0, 0.25, 0.5, 0.75, 1]);
});

test('phases waits for every op of a phase to complete before the next begins', () => {
  const h = g.simulate(
    g.phases(g.clients(g.limit(6, read)), g.clients(g.eachThread(g.once({ f: 'final' })))),
    { concurrency: 3, latency: (op) => (op.process === 0 ? 50e6 : 1e6) },
  );
  const lastMain = Math.max(...h.filter((o) => o.f === 'read' && o.type !== 'invoke').map((o) => o.time));
  const finals = invokes(h).filter((o) => o.f === 'final');
  assert.equal(finals.length, 3, 'one per thread');
  for (const f of finals) assert.ok(f.time >= lastMain);
});

test('untilOk repeats until one of its ops succeeds', () => {
  let calls = 0;
  const h = g.simulate(g.clients(g.untilOk(g.repeat(read))), {
    concurrency: 1,
    complete: () => (++calls < 4 ? { type: 'fail' } : { type: 'ok', value: 1 }),
  });
  assert.deepEqual(h.filter((o) => o.type !== 'invoke').map((o) => o.type), ['fail', 'fail', 'fail', 'ok']);
});

test('info completions retire the process: the thread continues as process + concurrency', () => {
  let i = 0;
  const h = g.simulate(g.clients(g.limit(4, read)), { concurrency: 1, complete: () => (i++ % 2 === 0 ? { type: 'info' } : { type: 'ok' }) });
  assert.deepEqual(invokes(h).map((o) => o.process), [0, 1, 1, 2]);
});

test('clients and nemesis restrict threads; any merges them', () => {
  const h = g.simulate(g.timeLimit(1, g.any(g.clients(g.delay(0.1, read)), g.nemesis(g.delay(0.3, () => ({ f: 'kill' }))))), { concurrency: 2 });
  for (const o of invokes(h)) assert.equal(o.process === 'nemesis', o.f === 'kill');
  assert.equal(invokes(h).filter((o) => o.f === 'kill').length, 4);
});

test('sleep holds a thread for its duration and is not recorded', () => {
  const h = g.simulate(g.nemesis([g.sleep(2), g.once({ f: 'start' })]), { concurrency: 1 });
  assert.deepEqual(h.map((o) => [o.f, o.time / S]), [['start', 2], ['start', 2.001]]);
});

test('mix draws from every generator; reserve splits threads', () => {
  const h = g.simulate(g.limit(200, g.clients(g.mix([() => ({ f: 'a' }), () => ({ f: 'b' })]))), { concurrency: 2 });
  const a = invokes(h).filter((o) => o.f === 'a').length;
  assert.ok(a > 60 && a < 140, `${a} of 200`);
  const r = g.simulate(g.timeLimit(1, g.reserve(1, g.delay(0.1, () => ({ f: 'w' })), g.delay(0.1, read))), { concurrency: 3, nemesis: false });
  for (const o of invokes(r)) assert.equal(o.f === 'w', o.process === 0, `process ${o.process} did ${o.f}`);
});

test('flipFlop alternates; cycleTimes switches by time; filter and map transform', () => {
  const ff = g.simulate(g.limit(4, g.clients(g.flipFlop(() => ({ f: 'a' }), () => ({ f: 'b' })))), { concurrency: 1 });
  assert.deepEqual(invokes(ff).map((o) => o.f), ['a', 'b', 'a', 'b']);
  const ct = g.simulate(g.timeLimit(2, g.clients(g.cycleTimes(0.5, g.delay(0.1, () => ({ f: 'x' })), 0.5, g.delay(0.1, () => ({ f: 'y' }))))), { concurrency: 1 });
  for (const o of invokes(ct)) assert.equal(o.f, Math.floor(o.time / (0.5 * S)) % 2 === 0 ? 'x' : 'y', `at ${o.time / S}`);
  let n = 0;
  const fm = g.simulate(g.clients(g.map((op) => ({ ...op, value: 10 * Number(op.value) }), g.filter((op) => Number(op.value) % 2 === 0, () => (n < 6 ? { f: 'v', value: n++ } : null)))), { concurrency: 1 });
  assert.deepEqual(invokes(fm).map((o) => o.value), [0, 20, 40]);
});

test('each thread draws the same ops for the same seed, whatever the timing', () => {
  const gen = g.timeLimit(5, g.clients(g.stagger(0.01, g.mix([(ctx: g.GenContext) => ({ f: 'add', value: ctx.rng.int(1, 5) }), read]))));
  const perThread = (latency: (op: Op) => number, seed: number) => {
    const m = new Map<number, string[]>();
    for (const o of clientInvokes(g.simulate(gen, { concurrency: 4, seed, latency }))) {
      const t = Number(o.process) % 4;
      m.set(t, [...(m.get(t) ?? []), `${o.f}:${o.value}`]);
    }
    return m;
  };
  const a = perThread(() => 1e6, 42);
  const b = perThread((op) => ((op.index * 7919) % 13) * 3e6, 42);
  const c = perThread(() => 1e6, 43);
  for (const [t, xs] of a) {
    const ys = b.get(t)!;
    const n = Math.min(xs.length, ys.length);
    assert.ok(n > 50);
    assert.deepEqual(xs.slice(0, n), ys.slice(0, n), `thread ${t}`);
  }
  assert.notDeepEqual(a.get(0)!.slice(0, 20), c.get(0)!.slice(0, 20), 'another seed, other ops');
});

test('Rng: deterministic, in range, forks independent', () => {
  const a = new Rng(7);
  const b = new Rng(7);
  const xs = Array.from({ length: 1000 }, () => a.int(1, 6));
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.int(1, 6)));
  assert.ok(xs.every((x) => x >= 1 && x <= 6));
  for (let v = 1; v <= 6; v++) assert.ok(xs.filter((x) => x === v).length > 120);
  assert.notEqual(new Rng(7).fork(1).nextU32(), new Rng(7).fork(2).nextU32());
});
