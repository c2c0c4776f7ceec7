// Hand-written rw-register histories, one or more per anomaly (several from Elle's
// elle.rw-register-test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRwRegister } from '../checkers/elle/index.ts';
import type { ElleResult } from '../checkers/elle/index.ts';
import { completions, concurrent, rtxn, sequential, withProcesses } from './elle-helpers.ts';

const SER = { consistencyModels: ['serializable'] };

function expect(r: ElleResult, valid: ElleResult['valid'], types: string[], not?: string[]): void {
  assert.equal(r.valid, valid, JSON.stringify(r.explanations.map((e) => e.sentence)));
  assert.deepEqual(r['anomaly-types'], types);
  if (not) assert.deepEqual(r.not, not);
}

test('G0 through writes-follow-reads version orders', () => {
  const h = sequential(withProcesses([{ value: [['w', 'x', 1], ['r', 'y', 2], ['w', 'y', 1]] }, { value: [['w', 'y', 2], ['r', 'x', 1], ['w', 'x', 2]] }]));
  const r = checkRwRegister(h, SER);
  expect(r, false, ['G0'], ['read-uncommitted']);
  assert.equal(
    r.explanations[0].sentence,
    'T1 < T2 because T1 set key "x" to 1, and T2 set it to 2, which came later in the version order; T2 < T1 because T2 set key "y" to 2, and T1 set it to 1, which came later in the version order; a cycle of write-write dependencies: G0 (write cycle)',
  );
  // Without the writes-follow-reads rule there is no version order to see it with.
  const off = checkRwRegister(h, { ...SER, wfrKeys: false });
  assert.ok(!off['anomaly-types'].includes('G0'));
});

test('G1c: each transaction reads the other one', () => {
  const r = checkRwRegister(concurrent(withProcesses([rtxn('wx1ry1'), rtxn('wy1rx1')])), SER);
  expect(r, false, ['G1c'], ['read-committed']);
  assert.match(r.explanations[0].sentence, /T1 wrote key "(x|y)" = 1, which was read by T2/);
  // Elle's wr-graph tests: a chain on one register and across two.
  const chain = sequential([{ value: [['r', 'x', 0], ['w', 'x', 1]] }, { value: [['r', 'x', 1], ['w', 'x', 0]] }]);
  expect(checkRwRegister(chain, { consistencyModels: ['read-committed'] }), false, ['G1c', 'cyclic-versions']);
  expect(checkRwRegister(sequential([{ value: [['r', 'x', 0], ['w', 'y', 1]] }, { value: [['r', 'y', 1], ['w', 'x', 0]] }]), { consistencyModels: ['read-committed'] }), false, ['G1c']);
});

test('G-single-item: read skew', () => {
  const r = checkRwRegister(concurrent(withProcesses([rtxn('rx_ry1'), rtxn('wx1wy1')])), SER);
  expect(r, false, ['G-single-item'], ['consistent-view', 'repeatable-read']);
  assert.match(r.explanations[0].sentence, /read key "x" = nil \(its initial state\), and T2 set it to 1, which came later in the version order/);
});

test('G2-item: write skew', () => {
  const h = concurrent(withProcesses([rtxn('rx_wy1'), rtxn('ry_wx1')]));
  expect(checkRwRegister(h, SER), false, ['G2-item'], ['repeatable-read']);
  expect(checkRwRegister(h, { consistencyModels: ['snapshot-isolation'] }), true, []);
});

test('G1a: reading a failed write', () => {
  const r = checkRwRegister(completions([rtxn('rx2'), rtxn('wx2', 'fail', 1)]), { consistencyModels: ['read-committed'] });
  expect(r, false, ['G1a', 'empty-transaction-graph'], ['read-committed']);
  assert.deepEqual(r.anomalies.G1a, [{ op: 0, mop: ['r', 'x', 2], writer: 1 }]);
});

test('G1b: reading an intermediate write', () => {
  const r = checkRwRegister(completions([rtxn('rx2'), rtxn('wx2wx1', 'ok', 1)]), { consistencyModels: ['read-committed'] });
  expect(r, false, ['G1b', 'empty-transaction-graph'], ['read-committed']);
  assert.deepEqual(r.anomalies.G1b, [{ op: 0, mop: ['r', 'x', 2], writer: 1 }]);
  const good = checkRwRegister(completions([rtxn('wx1wx2'), rtxn('rx_rx2', 'ok', 1)]), { consistencyModels: ['read-committed'] });
  assert.ok(!good['anomaly-types'].includes('G1b'));
});

test('internal consistency', () => {
  expect(checkRwRegister(completions([rtxn('ry2wx2rx2wx1rx1'), rtxn('wy2', 'ok', 1)]), SER), true, []);
  const stale = checkRwRegister(completions([rtxn('rx1wx2rx1'), rtxn('wx1', 'ok', 1)]), SER);
  assert.ok(stale['anomaly-types'].includes('internal'));
  assert.deepEqual((stale.anomalies.internal[0] as { expected: unknown }).expected, 2);
  // A non-repeatable read of nil then a value (Elle's check skips nil; we do not).
  const nr = checkRwRegister(completions([rtxn('rx_rx1'), rtxn('wx1', 'ok', 1)]), SER);
  assert.deepEqual((nr.anomalies.internal[0] as { expected: unknown }).expected, null);
});

test('future read, lost update, cyclic versions, duplicate writes', () => {
  const fr = checkRwRegister(completions([rtxn('rx1wx1')]), { consistencyModels: ['read-committed'] });
  assert.ok(fr['anomaly-types'].includes('future-read'));

  const lu = checkRwRegister(sequential(withProcesses([rtxn('wx1'), rtxn('rx1wx2'), rtxn('rx1wx3')])), SER);
  assert.ok(lu['anomaly-types'].includes('lost-update'));
  assert.deepEqual(lu.anomalies['lost-update'], [{ key: 'x', value: 1, txns: [3, 5] }]);

  const cv = checkRwRegister(sequential(withProcesses([rtxn('rx1wx2'), rtxn('rx2wx1')])), SER);
  assert.deepEqual(cv.anomalies['cyclic-versions'], [{ key: 'x', scc: [1, 2], sources: ['initial-state', 'wfr-keys'] }]);

  const dup = checkRwRegister(sequential(withProcesses([rtxn('wx1'), rtxn('wx1'), rtxn('rx1wy1'), rtxn('ry_')])), SER);
  assert.equal(dup.valid, 'unknown');
  assert.ok(dup['anomaly-types'].includes('duplicate-writes'));
  assert.match(String(dup.reason), /value 1 was written to key "x" by the transactions at indices 1 and 3; values must be unique per key/);
});

test('a stale read after a completed write violates strict serializability only', () => {
  const h = sequential(withProcesses([rtxn('wx1'), rtxn('rx_')]));
  expect(checkRwRegister(h, SER), true, []);
  const r = checkRwRegister(h);
  expect(r, false, ['G-single-item-realtime'], ['strong-snapshot-isolation']);
  assert.match(r.explanations[0].sentence, /completed at index 1, 0\.001 seconds before the invocation of T1, at index 2/);
});

test('info writes count once read; info reads are ignored', () => {
  // T1 is indeterminate but its write was read, so it happened.
  const h = sequential(withProcesses([rtxn('wx1wy1', 'info'), rtxn('rx1ry_')]));
  expect(checkRwRegister(h, SER), false, ['G-single-item']);
  // An indeterminate read of nil says nothing.
  expect(checkRwRegister(sequential(withProcesses([rtxn('wx1'), rtxn('rx_', 'info'), rtxn('rx1')]))), true, []);
});
