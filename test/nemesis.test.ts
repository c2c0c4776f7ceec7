import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as g from '../src/generator/index.ts';
import { Rng } from '../src/rng.ts';
import { alternatingFaults } from '../nemeses/schedule.ts';
import { PARTITION_SHAPES, partitionGrudge } from '../nemeses/partition.ts';
import { TARGET_SPECS, pickTargets } from '../nemeses/family.ts';
import type { FaultFamily, Grudge } from '../src/types.ts';

const nodes = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);
const hears = (gr: Grudge, a: string, b: string) => !(gr[b] ?? []).includes(a); // b hears a

test('partition shapes: halves split in two; one isolates one node; bridge has one node hearing all', () => {
  const ns = nodes(5);
  const rng = new Rng(3);
  const halves = partitionGrudge('halves', ns, rng);
  assert.deepEqual(halves.n1, ['n3', 'n4', 'n5']);
  assert.deepEqual(halves.n5, ['n1', 'n2']);
  const one = partitionGrudge('one', ns, rng);
  const lone = Object.keys(one).find((k) => one[k].length === 4)!;
  for (const n of ns) if (n !== lone) assert.deepEqual(one[n], [lone]);
  const bridge = partitionGrudge('bridge', ns, rng);
  const mid = Object.keys(bridge).find((k) => bridge[k].length === 0)!;
  for (const n of ns) assert.ok(hears(bridge, mid, n) && hears(bridge, n, mid));
});

test('property: every shape is symmetric, never cuts a node from itself, and majorities-ring gives each node a distinct majority', () => {
  fc.assert(
    fc.property(fc.integer({ min: 3, max: 9 }), fc.integer(), fc.constantFrom(...PARTITION_SHAPES), (n, seed, shape) => {
      const ns = nodes(n);
      const gr = partitionGrudge(shape, ns, new Rng(seed >>> 0));
      for (const a of ns) {
        assert.ok(!(gr[a] ?? []).includes(a));
        const directed = shape === 'majorities-ring' && n === 3;
        if (!directed) for (const b of ns) assert.equal(hears(gr, a, b), hears(gr, b, a), `${shape}: ${a}<->${b}`);
      }
      assert.ok(Object.values(gr).some((xs) => xs.length > 0), 'something is cut');
      if (shape === 'majorities-ring') {
        const views = ns.map((a) => ns.filter((b) => hears(gr, b, a)).sort().join(','));
        for (const v of views) assert.ok(v.split(',').length > n / 2, 'sees a majority');
        assert.equal(new Set(views).size, n, 'no two nodes see the same majority');
      }
    }),
    { numRuns: 500 },
  );
});

test('kill targets have the right sizes', () => {
  const ns = nodes(5);
  const sizes = TARGET_SPECS.map((s) => pickTargets(s, ns, new Rng(1)).length);
  assert.deepEqual(sizes, [1, 2, 3, 5]);
});

test('the combined schedule alternates fault and heal, and deals every family each round', () => {
  const fam = (name: string): FaultFamily => ({
    name, nemesis: null as never, final: [], band: null as never,
    start: () => ({ f: `start-${name}` }), stop: () => ({ f: `stop-${name}` }),
  });
  const h = g.simulate(g.timeLimit(40, g.nemesis(alternatingFaults([fam('a'), fam('b'), fam('c')], 2))), { concurrency: 1, seed: 9 });
  const fs = h.filter((o) => o.type === 'invoke').map((o) => o.f);
  assert.equal(fs.length, 19);
  fs.forEach((f, i) => assert.equal(f.startsWith('start-'), i % 2 === 0));
  for (let i = 0; i + 1 < fs.length; i += 2) assert.equal(fs[i + 1], fs[i].replace('start', 'stop'));
  const starts = fs.filter((f) => f.startsWith('start-'));
  for (let r = 0; r + 3 <= starts.length; r += 3) assert.equal(new Set(starts.slice(r, r + 3)).size, 3, 'each round has every family');
  const times = h.filter((o) => o.type === 'invoke').map((o) => o.time / 1e9);
  assert.deepEqual(times.slice(0, 3), [2, 4, 6]);
});
