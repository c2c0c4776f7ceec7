import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkQueue } from '../checkers/queue.ts';
import type { Op, OpType } from '../src/types.ts';

function H(rows: Array<[number, OpType, string, unknown]>): Op[] {
  return rows.map(([process, type, f, value], i) => ({ index: i, time: i, process, type, f, value }));
}
const enq = (p: number, v: number, outcome: OpType = 'ok'): Array<[number, OpType, string, unknown]> => [[p, 'invoke', 'enqueue', v], [p, outcome, 'enqueue', v]];
const deq = (p: number, v: number | null, outcome: OpType = 'ok'): Array<[number, OpType, string, unknown]> => [[p, 'invoke', 'dequeue', { ack: true }], [p, outcome, 'dequeue', v === null ? null : { value: v, id: `m${v}` }]];

test('every value out once: valid', () => {
  const r = checkQueue(H([...enq(0, 1), ...enq(0, 2), ...deq(1, 1), ...deq(1, 2), ...deq(1, null, 'fail')]));
  assert.equal(r.valid, true);
  assert.deepEqual([r.attempted, r.acknowledged, r.dequeued], [2, 2, 2]);
});

test('lost: an acknowledged enqueue never dequeued', () => {
  const r = checkQueue(H([...enq(0, 1), ...enq(0, 2), ...deq(1, 1)]));
  assert.equal(r.valid, false);
  assert.deepEqual(r.lost, [2]);
});

test('unexpected: a value nobody enqueued', () => {
  const r = checkQueue(H([...enq(0, 1), ...deq(1, 1), ...deq(1, 9)]));
  assert.equal(r.valid, false);
  assert.deepEqual(r.unexpected, [9]);
});

test('duplicated: allowed at-least-once, invalid exactly-once', () => {
  const h = H([...enq(0, 1), ...deq(1, 1), ...deq(2, 1)]);
  const alo = checkQueue(h, { delivery: 'at-least-once' });
  assert.equal(alo.valid, true);
  assert.deepEqual(alo.duplicated, [{ value: 1, times: 2 }]);
  assert.equal(checkQueue(h, { delivery: 'exactly-once' }).valid, false);
});

test('recovered: an indeterminate enqueue that came out; one that did not is not lost', () => {
  const r = checkQueue(H([...enq(0, 1, 'info'), ...enq(5, 2, 'info'), ...deq(1, 1)]));
  assert.equal(r.valid, true);
  assert.equal(r['recovered-count'], 1);
  assert.equal(r.indeterminate, 2);
});

test('rejected enqueues (a full bounded queue) are not lost', () => {
  const r = checkQueue(H([...enq(0, 1), ...enq(0, 2, 'fail'), ...deq(1, 1)]));
  assert.equal(r.valid, true);
  assert.equal(r.rejected, 1);
  assert.equal(r['lost-count'], 0);
});

test('fifo: values of one producer must come out in order', () => {
  const inOrder = H([...enq(0, 1), ...enq(0, 2), ...enq(3, 7), ...deq(1, 7), ...deq(1, 1), ...deq(1, 2)]);
  assert.equal(checkQueue(inOrder, { fifo: true }).valid, true);
  const swapped = checkQueue(H([...enq(0, 1), ...enq(0, 2), ...deq(1, 2), ...deq(1, 1)]), { fifo: true });
  assert.equal(swapped.valid, false);
  assert.deepEqual(swapped['fifo-violations'], [{ producer: '0', value: 2, overtook: 1 }]);
});

/** A random execution against a real FIFO queue: producers enqueue unique values, consumers
 *  dequeue; an indeterminate enqueue applies or not; a dequeue that times out is redelivered. */
const execution = fc
  .record({
    steps: fc.array(fc.record({ producer: fc.boolean(), p: fc.nat(3), outcome: fc.nat(9), applies: fc.boolean() }), { maxLength: 60 }),
  })
  .map(({ steps }) => {
    const q: number[] = [];
    const rows: Array<[number, OpType, string, unknown]> = [];
    let next = 1;
    for (const s of steps) {
      if (s.producer) {
        const v = next++;
        const outcome: OpType = s.outcome === 0 ? 'info' : s.outcome === 1 ? 'fail' : 'ok';
        if (outcome === 'ok' || (outcome === 'info' && s.applies)) q.push(v);
        rows.push(...enq(s.p, v, outcome));
      } else if (q.length && s.outcome !== 0) rows.push(...deq(10 + s.p, q.shift()!));
      else rows.push(...deq(10 + s.p, null, q.length ? 'info' : 'fail'));
    }
    while (q.length) rows.push(...deq(20, q.shift()!)); // the final drain
    return H(rows);
  });

test('property: a real queue execution is never flagged, fifo included', () => {
  fc.assert(fc.property(execution, (h) => {
    const r = checkQueue(h, { delivery: 'exactly-once', fifo: true });
    assert.equal(r.valid, true, JSON.stringify(r));
  }), { numRuns: 2000 });
});

test('property: removing the dequeue of an acknowledged value always reports it lost', () => {
  fc.assert(fc.property(execution, fc.nat(), (h, pick) => {
    const outs = h.filter((o) => o.f === 'dequeue' && o.type === 'ok');
    const okEnq = new Set(h.filter((o) => o.f === 'enqueue' && o.type === 'ok').map((o) => o.value));
    const target = outs.filter((o) => okEnq.has((o.value as { value: number }).value));
    if (!target.length) return;
    const victim = target[pick % target.length];
    const r = checkQueue(h.filter((o) => o !== victim));
    assert.equal(r.valid, false);
    assert.ok(r.lost.includes((victim.value as { value: number }).value));
  }), { numRuns: 2000 });
});
