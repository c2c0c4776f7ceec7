// Hand-written list-append histories, one or more per anomaly, most of them from Elle's own test
// suite (elle.list-append-test) with Elle's expected anomaly types and "not" boundaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkListAppend } from '../checkers/elle/index.ts';
import type { ElleResult } from '../checkers/elle/index.ts';
import { completions, concurrent, interleaved, sequential, txn, withProcesses } from './elle-helpers.ts';
import type { TxnSpec } from './elle-helpers.ts';

const SER = { consistencyModels: ['serializable'] };

function expect(r: ElleResult, valid: ElleResult['valid'], types: string[], not?: string[]): void {
  assert.equal(r.valid, valid, JSON.stringify(r.explanations.map((e) => e.sentence)));
  assert.deepEqual(r['anomaly-types'], types);
  if (not) assert.deepEqual(r.not, not);
}

function sentence(r: ElleResult, type: string): string {
  const e = r.explanations.find((x) => x.type === type);
  assert.ok(e, `no explanation of ${type}`);
  return e.sentence;
}

test('G0: a write cycle, explained and drawn', () => {
  const r = checkListAppend(completions([txn('ax1ay1'), txn('ax2ay2'), txn('rx12ry21')]), SER);
  expect(r, false, ['G0'], ['read-uncommitted']);
  const [c] = r.anomalies.G0 as Array<{ cycle: number[]; steps: Array<Record<string, unknown>> }>;
  assert.deepEqual(c.cycle, [0, 1, 0]);
  assert.deepEqual(c.steps, [
    { type: 'ww', key: 'x', value: 1, "value'": 2 },
    { type: 'ww', key: 'y', value: 2, "value'": 1 },
  ]);
  const e = r.explanations[0];
  assert.equal(e.sentence, 'T1 < T2 because T2 appended 2 after T1 appended 1 to key "x"; T2 < T1 because T1 appended 1 after T2 appended 2 to key "y"; a cycle of write-write dependencies: G0 (write cycle)');
  assert.deepEqual(e.ops, [0, 1]);
  assert.deepEqual(e.graph?.nodes.map((n) => [n.id, n.ops]), [['T1', [0]], ['T2', [1]]]);
  assert.deepEqual(e.graph?.edges.map((x) => [x.from, x.to, x.type]), [['T1', 'T2', 'ww'], ['T2', 'T1', 'ww']]);
  assert.match(e.graph!.nodes[0].label, /^T1: append "x" 1 · append "y" 1$/);
});

test('G1c: circular information flow', () => {
  const r = checkListAppend(completions([txn('ax1ry1'), txn('ax2ay1'), txn('rx12ry1')]), SER);
  expect(r, false, ['G1c'], ['read-committed']);
  assert.match(sentence(r, 'G1c'), /T2 observed T1's append of 1 to key "y".*T1 appended 2 after T2 appended 1 to key "x".*G1c \(circular information flow\)$/);
});

test('G-single-item: read skew, which rules out repeatable read too', () => {
  const r = checkListAppend(completions([txn('ax1ay1'), txn('ax2ry'), txn('rx12')]), SER);
  expect(r, false, ['G-single-item'], ['consistent-view', 'repeatable-read']);
  assert.equal(
    sentence(r, 'G-single-item'),
    'T1 < T2 because T1 observed the initial (nil) state of key "y", which T2 created by appending 1; T2 < T1 because T1 appended 2 after T2 appended 1 to key "x"; a cycle with one read-write anti-dependency: G-single-item (read skew)',
  );
  // Elle's rr-g-single-item-test
  const rr = checkListAppend(sequential(withProcesses([txn('ax1ay1'), txn('rx1ry')])), { consistencyModels: ['repeatable-read'] });
  expect(rr, false, ['G-single-item'], ['consistent-view', 'repeatable-read']);
});

test('G2-item: an anti-dependency cycle, allowed by read committed and snapshot isolation', () => {
  const h = completions([txn('ax1ry'), txn('ay1rx')]);
  expect(checkListAppend(h, SER), false, ['G2-item'], ['repeatable-read']);
  expect(checkListAppend(h, { consistencyModels: ['repeatable-read'] }), false, ['G2-item'], ['repeatable-read']);
  const rc = checkListAppend(h, { consistencyModels: ['read-committed'] });
  expect(rc, true, []);
  assert.deepEqual(rc['unreported-anomaly-types'], ['G2-item', 'PL-2.99-cycle-exists']);
  assert.deepEqual(rc.not, ['repeatable-read']);
  expect(checkListAppend(h, { consistencyModels: ['snapshot-isolation'] }), true, []);
});

test('G-nonadjacent-item: two non-adjacent anti-dependencies violate snapshot isolation', () => {
  const h = sequential(withProcesses([txn('ax1'), txn('rx1ry'), txn('ay1'), txn('ry1rx')]));
  const r = checkListAppend(h, SER);
  expect(r, false, ['G-nonadjacent-item'], ['repeatable-read', 'snapshot-isolation']);
  assert.match(sentence(r, 'G-nonadjacent-item'), /a cycle with 2 read-write anti-dependencies, no two adjacent: G-nonadjacent-item$/);
  // Elle's rr-g-nonadjacent-item-test
  const h2 = sequential(withProcesses([txn('ax1at1'), txn('rx1ry'), txn('ay1az2'), txn('rz2rt')]));
  expect(checkListAppend(h2, { consistencyModels: ['repeatable-read'] }), false, ['G-nonadjacent-item'], ['repeatable-read', 'snapshot-isolation']);
  // rw rw wr rw wr: two rw edges are adjacent, so snapshot isolation holds (Elle's negative case).
  const h3 = sequential(withProcesses([txn('rx5ay1'), txn('ryaz2'), txn('rzat3'), txn('rt3au4'), txn('ruax5')]));
  expect(checkListAppend(h3, { consistencyModels: ['snapshot-isolation'] }), true, []);
});

test("the Elle paper's example is a G-single-item", () => {
  const paper: TxnSpec[] = [
    { value: [['append', 253, 1], ['append', 253, 3], ['append', 253, 4], ['append', 255, 2], ['append', 255, 3], ['append', 255, 4], ['append', 255, 5], ['append', 256, 1], ['append', 256, 2]] },
    { value: [['append', 255, 8], ['r', 253, [1, 3, 4]]] },
    { value: [['append', 256, 4], ['r', 255, [2, 3, 4, 5, 8]], ['r', 256, [1, 2, 4]], ['r', 253, [1, 3, 4]]] },
    { value: [['append', 250, 10], ['r', 253, [1, 3, 4]], ['r', 255, [2, 3, 4, 5]], ['append', 256, 3]] },
  ];
  const r = checkListAppend(sequential(paper), SER);
  expect(r, false, ['G-single-item'], ['consistent-view', 'repeatable-read']);
  assert.deepEqual((r.anomalies['G-single-item'][0] as { cycle: number[] }).cycle, [7, 3, 5, 7]);
  // T3's append of 3 to 256 was never read, so it must follow the last observed element, 4.
  assert.match(sentence(r, 'G-single-item'), /T1 appended 3 after T3 appended 4 to key 256/);
});

test("Elle's si-without-g-single history is G2-item only", () => {
  const h = sequential([
    { process: 2, value: [['append', 9, 2]] },
    { process: 4, value: [['append', 8, 1], ['r', 9, null]] },
    { process: 7, value: [['r', 6, null], ['r', 8, null], ['append', 9, 5]] },
    { process: 9, value: [['append', 6, 2], ['r', 9, [2]]] },
  ]);
  expect(checkListAppend(h, { consistencyModels: ['snapshot-isolation', 'repeatable-read'] }), false, ['G2-item'], ['repeatable-read']);
});

test('unobserved appends follow everything observed (Elle unobserved-write-test)', () => {
  const specs = withProcesses([txn('ax1ay1'), txn('ax2ay2'), txn('ax3ay3'), txn('rx12'), txn('ry2')]);
  const order: Array<[number, 'invoke' | 'complete']> = [];
  for (const kind of ['invoke', 'complete'] as const) for (let i = 0; i < 5; i++) order.push([i, kind]);
  const h = interleaved(specs, order);
  const r = checkListAppend(h, SER);
  expect(r, false, ['G-single-item', 'G0'], ['read-uncommitted']);
  assert.deepEqual((r.anomalies['G-single-item'][0] as { cycle: number[] }).cycle, [9, 5, 6, 9]);
  assert.deepEqual((r.anomalies.G0[0] as { cycle: number[] }).cycle, [5, 6, 5]);
});

test('G1a: an aborted read', () => {
  const h = completions([txn('ax1', 'fail'), txn('rx1', 'ok', 1)]);
  const rc = checkListAppend(h, { consistencyModels: ['read-committed'] });
  expect(rc, false, ['G1a', 'empty-transaction-graph'], ['read-committed']);
  assert.deepEqual(rc.anomalies.G1a, [{ op: 1, mop: ['r', 'x', [1]], writer: 0, element: 1 }]);
  assert.match(sentence(rc, 'G1a'), /index 1 read key "x" = \[1\], which holds 1, appended by the transaction at index 0, which failed: an aborted read \(G1a\)/);
  assert.equal(rc.explanations.find((e) => e.type === 'G1a')?.graph?.edges[0].type, 'wr');
  // Read uncommitted allows it, and an empty graph leaves the verdict unknown.
  const ru = checkListAppend(h, { consistencyModels: ['read-uncommitted'] });
  expect(ru, 'unknown', ['empty-transaction-graph'], ['read-committed']);
  assert.match(String(ru.reason), /no dependency between transactions/);
});

test('G1b: an intermediate read (also a G-single-item)', () => {
  const r = checkListAppend(sequential([txn('ax1ax2'), txn('rx1')]));
  expect(r, false, ['G-single-item', 'G1b'], ['read-committed']);
  assert.deepEqual(r.anomalies.G1b, [{ op: 3, mop: ['r', 'x', [1]], writer: 1, element: 1 }]);
  // Reading one's own intermediate state is fine.
  expect(checkListAppend(sequential([txn('ax1rx1ax2'), txn('rx12', 'ok', 1)])), true, []);
});

test('internal inconsistencies (Elle internal-cases-test)', () => {
  const cases: Array<[TxnSpec['value'], unknown[]]> = [
    [[['r', 'x', [1, 2]], ['append', 'x', 3], ['r', 'x', [1, 2]]], [1, 2, 3]],
    [[['r', 'x', [1, 2]], ['append', 'x', 3], ['r', 'x', [0, 2, 3]]], [1, 2, 3]],
    [[['r', 'x', [1, 2]], ['append', 'x', 3], ['r', 'x', [1, 2, 3, 4]]], [1, 2, 3]],
    [[['r', 'x', [1, 2]], ['append', 'x', 3], ['r', 'x', [1]]], [1, 2, 3]],
    [[['append', 'x', 3], ['r', 'x', [1, 2, 3, 4]]], ['...', 3]],
    [[['append', 'x', 3], ['r', 'x', []]], ['...', 3]],
    [[['append', 0, 6], ['r', 0, null]], ['...', 6]], // the FaunaDB example
  ];
  for (const [value, expected] of cases) {
    const r = checkListAppend(completions([{ value }]), SER);
    assert.equal(r.valid, false);
    assert.ok(r['anomaly-types'].includes('internal'), JSON.stringify(value));
    assert.deepEqual((r.anomalies.internal[0] as { expected: unknown[] }).expected, expected);
  }
  const good = checkListAppend(completions([{ value: [['r', 'y', [5, 6]], ['append', 'x', 3], ['r', 'x', [1, 2, 3]], ['append', 'x', 4], ['r', 'x', [1, 2, 3, 4]]] }]), SER);
  assert.ok(!good['anomaly-types'].includes('internal'));
});

test('future reads: a transaction reading its own later append', () => {
  for (const [s, element] of [['rx012ax1', 1], ['ax1rx01ax0ax3', 0]] as const) {
    const r = checkListAppend(sequential([txn(s)]), { consistencyModels: ['read-committed'] });
    assert.equal(r.valid, false);
    assert.ok(r['anomaly-types'].includes('future-read'));
    assert.equal((r.anomalies['future-read'][0] as { element: number }).element, element);
  }
  const r = checkListAppend(sequential([{ value: [['r', 'x', [1]], ['append', 'x', 1]] }]), { consistencyModels: ['read-committed'] });
  expect(r, false, ['empty-transaction-graph', 'future-read'], ['read-committed']);
});

test('incompatible orders: reads that are not prefixes of one another', () => {
  const r = checkListAppend(completions([txn('ax1ry1'), txn('ax2'), txn('ax3ay1'), txn('rx13'), txn('rx123')]), { consistencyModels: ['read-committed'] });
  // Elle also reports a G1c here, from the longest read's order; we infer no order for a key
  // whose reads disagree.
  expect(r, false, ['incompatible-order'], ['read-committed']);
  assert.deepEqual(r.anomalies['incompatible-order'], [{ key: 'x', values: [[1, 3], [1, 2, 3]] }]);
});

test('duplicate elements', () => {
  const r = checkListAppend(completions([txn('ax1ry1'), txn('ax2ay1'), txn('rx121')]), { consistencyModels: ['read-committed'] });
  expect(r, false, ['duplicate-elements'], ['read-uncommitted']);
  assert.deepEqual(r.anomalies['duplicate-elements'], [{ op: 2, mop: ['r', 'x', [1, 2, 1]], duplicates: [{ element: 1, count: 2 }] }]);
});

test('dirty updates, direct and through an indeterminate append', () => {
  const direct = checkListAppend(completions([txn('ax1', 'fail'), txn('ax2', 'ok', 1), txn('rx12', 'ok', 2)]), { consistencyModels: ['read-committed'] });
  expect(direct, false, ['G1a', 'dirty-update'], ['read-committed']);
  assert.deepEqual(direct.anomalies['dirty-update'], [{ key: 'x', values: [1, 2], txns: [0, '...', 1] }]);
  const indirect = checkListAppend(completions([txn('ax1', 'fail'), txn('ax2', 'info', 1), txn('ax3', 'ok', 2), txn('rx123', 'ok', 3)]), { consistencyModels: ['read-committed'] });
  assert.deepEqual(indirect.anomalies['dirty-update'], [{ key: 'x', values: [1, 2, 3], txns: [0, '...', 2] }]);
});

test('lost updates', () => {
  const r = checkListAppend(sequential(withProcesses([txn('ax0'), txn('rx0ax1'), txn('rx0ax2')])), SER);
  expect(r, false, ['G2-item', 'lost-update'], ['cursor-stability', 'update-atomic']);
  assert.deepEqual(r.anomalies['lost-update'], [{ key: 'x', value: [0], txns: [3, 5] }]);
  // One transaction writing twice over its read is not a lost update.
  expect(checkListAppend(sequential([txn('rxax1ax2'), txn('rx12')])), true, []);
});

test('real-time and process variants (Elle strong SI / strong session SI tests)', () => {
  const rt = sequential([txn('ax1', 'ok', 0), txn('ax2', 'ok', 1), txn('rx1', 'ok', 2), txn('rx12', 'ok', 3)]);
  expect(checkListAppend(rt, SER), true, []);
  const strict = checkListAppend(rt);
  expect(strict, false, ['G-single-item-realtime'], ['strong-snapshot-isolation']);
  assert.match(sentence(strict, 'G-single-item-realtime'), /T2 completed at index 3, 0\.001 seconds before the invocation of T1, at index 4; a cycle with one read-write anti-dependency, which needs real-time order: G-single-item-realtime \(read skew\)$/);

  const session = sequential([txn('ax1', 'ok', 0), txn('ax2', 'ok', 1), txn('rx1', 'ok', 1), txn('rx12', 'ok', 2)]);
  expect(checkListAppend(session, SER), true, []);
  const ss = checkListAppend(session, { consistencyModels: ['strong-session-snapshot-isolation'] });
  expect(ss, false, ['G-single-item-process'], ['strong-session-snapshot-isolation']);
  assert.match(sentence(ss, 'G-single-item-process'), /process 1 executed T2 before T1/);

  // Tsunaou's G-nonadjacent-process (elle issue 17)
  const tsunaou = sequential([
    { process: 0, value: [['r', 'x', null], ['r', 'z', [1]]] },
    { process: 1, value: [['append', 'x', 1]] },
    { process: 1, value: [['r', 'z', null]] },
    { process: 2, value: [['append', 'z', 1]] },
  ]);
  expect(checkListAppend(tsunaou, SER), true, []);
  expect(checkListAppend(tsunaou, { consistencyModels: ['strong-session-snapshot-isolation'] }), false, ['G-nonadjacent-item-process'], ['strong-session-snapshot-isolation']);

  // elle issue 21: t0 -wr-> t1 -process-> t2 -wr-> t0
  const wrProcess = sequential([
    { process: 1, value: [['r', 'x', [1]], ['append', 'y', 1]] },
    { process: 2, value: [['r', 'y', [1]]] },
    { process: 2, value: [['append', 'x', 1]] },
  ]);
  expect(checkListAppend(wrProcess, { consistencyModels: ['strong-session-snapshot-isolation'] }), false, ['G1c-process'], ['strong-session-read-committed']);
});

test('a valid concurrent history satisfies strict serializability', () => {
  const h = concurrent(withProcesses([txn('ax1'), txn('rx1ax2'), txn('rx12ay1')]));
  const r = checkListAppend(h);
  expect(r, true, []);
  assert.deepEqual(r['strongest-satisfiable'], ['strict-serializable']);
  assert.deepEqual(r.counts, { txns: 3, ok: 3, info: 0, fail: 0, keys: 2, 'micro-ops': 5 });
});

test("Elle's EDN history files read through our EDN importer (keywords become plain strings)", async () => {
  const { parseEdnHistory } = await import('../src/history-import.ts');
  const edn = `; Elle's histories/si-without-g-single.edn
{:index 10, :time 0, :type :invoke, :process 2, :f :txn, :value [[:append 9 2]]}
{:index 11, :time 0, :type :ok, :process 2, :f :txn, :value [[:append 9 2]]}
{:index 20, :time 0, :type :invoke, :process 4, :f :txn, :value [[:append 8 1] [:r 9 nil]]}
{:index 21, :time 0, :type :ok, :process 4, :f :txn, :value [[:append 8 1] [:r 9 nil]]}
{:index 30, :time 0, :type :invoke, :process 7, :f :txn, :value [[:r 6 nil] [:r 8 nil] [:append 9 5]]}
{:index 31, :time 0, :type :ok, :process 7, :f :txn, :value [[:r 6 nil] [:r 8 nil] [:append 9 5]]}
{:index 40, :time 0, :type :invoke, :process 9, :f :txn, :value [[:append 6 2] [:r 9 nil]]}
{:index 41, :time 0, :type :ok, :process 9, :f :txn, :value [[:append 6 2] [:r 9 [2]]]}`;
  const h = parseEdnHistory(edn, 'si-without-g-single.edn');
  const r = checkListAppend(h, { consistencyModels: ['snapshot-isolation', 'repeatable-read'] });
  expect(r, false, ['G2-item'], ['repeatable-read']);
});

test("a transaction's appends observed out of its own order make the versions cyclic", () => {
  // Found by the oracle property test: T1 appends 1 then 2, yet a read shows 2 before 1 (or 2
  // without 1). No serial order does that, and Elle's graph sees only self-edges here.
  for (const read of [[2, 1], [2]]) {
    const r = checkListAppend(completions([txn('ay1ay2'), { value: [['r', 'y', read]] }]), { consistencyModels: ['read-uncommitted'] });
    expect(r, false, ['cyclic-versions'], ['read-uncommitted']);
    assert.match(r.explanations[0].sentence, /the version order inferred from transaction-order and observed-order for key "y" is cyclic \(1 < 2 < 1\) \(the transaction at index 0 appended them in that order\)/);
  }
  expect(checkListAppend(completions([txn('ay1ay2'), txn('ry12')]), SER), true, []);
});
