import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkSession } from '../checkers/session.ts';
import type { Op, OpType } from '../src/types.ts';

type Row = [number, OpType, 'read' | 'write', number, number | null, number?];
/** Rows of [process, type, f, key, value, time-ms]. */
function H(rows: Row[]): Op[] {
  return rows.map(([process, type, f, key, value, ms], i) => ({ index: i, time: (ms ?? i) * 1e6, process, type, f, value: { key, value } }));
}
const w = (p: number, k: number, v: number, t0?: number, t1?: number): Row[] => [[p, 'invoke', 'write', k, v, t0], [p, 'ok', 'write', k, v, t1]];
const r = (p: number, k: number, v: number | null, t0?: number, t1?: number): Row[] => [[p, 'invoke', 'read', k, null, t0], [p, 'ok', 'read', k, v, t1]];

test('fresh reads are valid', () => {
  assert.equal(checkSession(H([...r(0, 1, null), ...w(0, 1, 10), ...r(1, 1, 10), ...w(1, 1, 11), ...r(0, 1, 11)])).valid, true);
});

test('read-your-writes: a client reading an older value than its own write', () => {
  const res = checkSession(H([...w(1, 1, 10), ...w(0, 1, 11), ...r(0, 1, 10)]));
  assert.equal(res.valid, false);
  assert.deepEqual(res['read-your-writes'].map((a) => [a.read, a.expected]), [[10, 11]]);
});

test('monotonic reads: a client going back to an older value', () => {
  const res = checkSession(H([...w(1, 1, 10), ...w(1, 1, 11), ...r(0, 1, 11), ...r(0, 1, 10)]));
  assert.equal(res['monotonic-reads'].length, 1);
  assert.equal(res.valid, false);
});

test('stale reads: versions and milliseconds behind', () => {
  const res = checkSession(H([...w(1, 1, 10, 0, 1), ...w(1, 1, 11, 2, 3), ...w(1, 1, 12, 4, 5), ...r(0, 1, 10, 105, 106)]));
  assert.equal(res['stale-count'], 1);
  assert.equal(res.stale[0]['versions-behind'], 2);
  assert.equal(res.stale[0]['ms-behind'], 102, 'the first newer write was acknowledged at 3 ms; the read began at 105 ms');
  assert.equal(res['max-versions-behind'], 2);
});

test('a write concurrent with the read does not make it stale', () => {
  const h = H([...w(1, 1, 10, 0, 1), [1, 'invoke', 'write', 1, 11, 2], ...r(0, 1, 10, 3, 4), [1, 'ok', 'write', 1, 11, 5]]);
  assert.equal(checkSession(h).valid, true);
});

test('property: a linearizable execution has no stale reads and keeps every session guarantee', () => {
  fc.assert(fc.property(fc.array(fc.record({ p: fc.nat(3), key: fc.nat(2), write: fc.boolean() }), { maxLength: 50 }), (steps) => {
    // Sequential (hence linearizable) execution: each op completes before the next begins.
    const store = new Map<number, number>();
    const rows: Row[] = [];
    steps.forEach((s, i) => {
      if (s.write) {
        store.set(s.key, i);
        rows.push(...w(s.p, s.key, i));
      } else rows.push(...r(s.p, s.key, store.get(s.key) ?? null));
    });
    assert.equal(checkSession(H(rows)).valid, true);
  }), { numRuns: 1000 });
});
