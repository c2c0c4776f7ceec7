// Bounds, limits and odd input: results stay small, limits end in `unknown` only when the verdict
// depends on them, malformed histories get one sentence, and values are data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toJson } from '../src/util/values.ts';
import type { Op } from '../src/types.ts';
import { checkListAppend, checkRwRegister, elleChecker } from '../checkers/elle/index.ts';
import { completions, sequential, txn } from './elle-helpers.ts';
import type { TxnSpec } from './elle-helpers.ts';

/** Elle's unfindable-g-single history: one G-single-item around a ring of n transactions, in a
 *  sea of spurious G2-item cycles. */
function ringHistory(n: number, noise: number): Op[] {
  const specs: TxnSpec[] = [];
  for (let i = 0; i < n; i++) specs.push({ process: 0, value: [['append', 'ring', i], i === 0 ? ['append', 'anti', 'first'] : i === n - 1 ? ['r', 'anti', null] : ['append', i, 0]] });
  specs.push({ process: 1, value: [['r', 'ring', Array.from({ length: n }, (_, i) => i)]] });
  for (let i = 1; i < n - 1; i++) {
    for (let j = 1; j < noise; j++) {
      const value: TxnSpec['value'] =
        j === noise - 2
          ? [['r', i, Array.from({ length: noise - 2 }, (_, x) => x)], ['r', ['anti', i], null]]
          : j === noise - 1
            ? [['append', ['anti', i], 0], ['r', 'ring', null]]
            : [['append', i, j]];
      specs.push({ process: 2, value });
    }
  }
  return sequential(specs);
}

test('a cycle too long to name: the verdict still comes from cycle-exists (Elle unfindable-g-single)', () => {
  const h = ringHistory(300, 10);
  const r = checkListAppend(h, { consistencyModels: ['snapshot-isolation'], maxCycleLength: 64 });
  assert.equal(r.valid, false);
  assert.deepEqual(r['anomaly-types'], ['PL-SI-cycle-exists', 'cycle-search-timeout']);
  assert.deepEqual(r.not, ['repeatable-read', 'snapshot-isolation']);
  const exists = r.anomalies['PL-SI-cycle-exists'][0] as { 'scc-size': number; scc: number[]; 'cycle-length': number; sentence: string };
  assert.equal(exists['scc-size'], 300); // Elle says 299: its composed graph skips the rw edge's tail
  assert.equal(exists.scc.length, 64);
  // The explanation of a 300-step walk is elided, not 300 clauses long.
  assert.equal(exists['cycle-length'], 300);
  assert.match(exists.sentence, /… 236 more steps …/);
  assert.ok(exists.sentence.length < 12_000, `${exists.sentence.length} characters`);
  const ex = r.explanations.find((e) => e.type === 'PL-SI-cycle-exists')!;
  assert.ok(ex.graph!.nodes.length <= 65 && ex.graph!.edges.some((e) => e.type === 'elided'));
  // With room to look, the G-single-item itself is found.
  const full = checkListAppend(h, { consistencyModels: ['snapshot-isolation'] });
  assert.deepEqual(full['anomaly-types'], ['G-single-item']);
});

test('a search limit makes the result unknown only when the verdict depends on it', () => {
  const h = completions([txn('ax1ay1'), txn('ax2ry'), txn('rx12')]);
  // consistent-view forbids G-single, and only the named search can show one.
  const cv = checkListAppend(h, { consistencyModels: ['consistent-view'], cycleSearchBudget: 1 });
  assert.equal(cv.valid, 'unknown');
  assert.deepEqual(cv['anomaly-types'], ['cycle-search-timeout']);
  assert.match(String(cv.reason), /search for a G-single-item cycle among 2 transactions hit its limit \(1 edge visits per search/);
  // What the cut-short search might have found is not claimed to be satisfiable.
  assert.ok(!cv['strongest-satisfiable'].includes('consistent-view'), String(cv['strongest-satisfiable']));
  // read committed is decided by cycle-exists alone: the cut-short searches are only noted.
  const rc = checkListAppend(h, { consistencyModels: ['read-committed'], cycleSearchBudget: 1 });
  assert.equal(rc.valid, true);
  assert.deepEqual(rc['search-limits'].map((l) => l.type), ['G-single-item', 'G-nonadjacent-item', 'G2-item']);
  // An invalid verdict stays invalid.
  const ser = checkListAppend(h, { consistencyModels: ['serializable'], totalSearchBudget: 0 });
  assert.equal(ser.valid, false);
  assert.ok(ser['anomaly-types'].includes('PL-SI-cycle-exists'));
});

test('anomalies kept per type and explanations are bounded; every one is counted', () => {
  const specs: TxnSpec[] = [];
  for (let i = 0; i < 200; i++) specs.push(txn('ax1ay1'), txn('ax2ay2'), txn('rx12ry21'));
  const h = sequential(specs.map((s, i) => ({ ...s, value: s.value.map(([f, k, v]) => [f, `${k}${Math.floor(i / 3)}`, v]) as TxnSpec['value'] })));
  const r = checkListAppend(h, { consistencyModels: ['serializable'], maxAnomaliesPerType: 5, maxExplanations: 7 });
  assert.equal(r.valid, false);
  assert.equal(r.anomalies.G0.length, 5);
  assert.equal(r['anomaly-counts'].G0, 200);
  assert.equal(r.explanations.length, 5);
  const many = checkListAppend(sequential(Array.from({ length: 50 }, (_, i) => [txn('ax1', 'fail', i), txn('rx1', 'ok', i)]).flat().map((s, i) => ({ ...s, value: s.value.map(([f, , v]) => [f, Math.floor(i / 2), v]) as TxnSpec['value'] }))), {
    consistencyModels: ['read-committed'],
    maxAnomaliesPerType: 3,
    maxExplanations: 2,
  });
  assert.equal(many['anomaly-counts'].G1a, 50);
  assert.equal(many.anomalies.G1a.length, 3);
  assert.equal(many.explanations.length, 2);
});

test('malformed histories: one sentence, valid unknown, no throw', () => {
  const op = (value: unknown, type: Op['type'] = 'ok'): Op => ({ index: 0, time: 0, type, process: 0, f: 'txn', value });
  const cases: Array<[Op[], RegExp]> = [
    [[op(7)], /has value 7, not a list of micro-ops/],
    [[op([['x', 1, 2]])], /has micro-op \["x",1,2\]; list-append expects \["r", k, v\] or \["append", k, v\]/],
    [[op([['w', 1, 2]])], /list-append expects/],
    [[op([['r', 1, 5]])], /list-append read at history index 0 returned 5, not a list/],
  ];
  for (const [h, message] of cases) {
    const r = checkListAppend(h);
    assert.equal(r.valid, 'unknown');
    assert.match(String(r.error), message);
    assert.match(String(r.reason), /^the history cannot be analysed: /);
  }
  assert.match(String(checkRwRegister([op([['append', 1, 2]])]).error), /rw-register expects \["r", k, v\] or \["w", k, v\]/);
});

test('keys and values are data: strings, bigints, __proto__, nested keys, keyword spellings', () => {
  const big = 2n ** 64n;
  const h = sequential([
    { value: [['append', '__proto__', big], ['append', ['k', 1], 'a']] },
    { value: [[':append', '__proto__', 2n], ['r', ['k', 1], ['a']]] },
    { value: [['r', '__proto__', [2n ** 64n, 2]]] },
  ]);
  const r = checkListAppend(h);
  assert.equal(r.valid, true, JSON.stringify(r['anomaly-types']));
  assert.equal(r.counts.keys, 2);
  // A bigint that fits a double is the same value as the number.
  const g1c = checkListAppend(sequential([{ value: [['append', 'x', 5n], ['r', 'y', [1]]] }, { value: [['append', 'y', 1], ['r', 'x', [5]]] }]), { consistencyModels: ['serializable'] });
  assert.deepEqual(g1c['anomaly-types'], ['G1c']);
  assert.doesNotThrow(() => toJson(g1c));
  assert.match(g1c.explanations[0].sentence, /append of 5 to key "x"/);
});

test('nemesis and non-transaction ops are ignored; a pending invocation is indeterminate', () => {
  const h: Op[] = [
    { index: 0, time: 0, type: 'info', process: 'nemesis', f: 'start-partition', value: null },
    { index: 1, time: 1, type: 'invoke', process: 0, f: 'txn', value: [['append', 'x', 1]] },
    { index: 2, time: 2, type: 'invoke', process: 1, f: 'txn', value: [['r', 'x', null]] },
    { index: 3, time: 3, type: 'ok', process: 1, f: 'txn', value: [['r', 'x', [1]]] },
    { index: 4, time: 4, type: 'ok', process: 2, f: 'read', value: 3 },
  ];
  const r = checkListAppend(h);
  assert.equal(r.valid, true);
  assert.deepEqual(r.counts, { txns: 2, ok: 1, info: 1, fail: 0, keys: 1, 'micro-ops': 2 });
});

test('an empty history is unknown: nothing to infer from', () => {
  const r = checkListAppend([]);
  assert.equal(r.valid, 'unknown');
  assert.deepEqual(r['anomaly-types'], ['empty-transaction-graph']);
});

test('elleChecker is a Checker', async () => {
  const c = elleChecker({ kind: 'list-append', consistencyModels: ['serializable'] });
  const r = await c.check(null, completions([txn('ax1ry'), txn('ay1rx')]), {});
  assert.equal(r.valid, false);
  assert.deepEqual(r['anomaly-types'], ['G2-item']);
  const rw = await elleChecker({ kind: 'rw-register' }).check(null, sequential([{ value: [['w', 'x', 1]] }, { value: [['r', 'x', 1]] }]), {});
  assert.equal(rw.valid, true);
});
