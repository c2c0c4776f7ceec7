import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCounter } from '../checkers/counter.ts';
import { checkLinearizable } from '../checkers/linearizable/index.ts';
import { checkLocks } from '../checkers/lock.ts';
import { checkQueue } from '../checkers/queue.ts';
import { checkSession } from '../checkers/session.ts';
import { checkStats } from '../checkers/stats.ts';
import { explainResults } from '../reports/explain/index.ts';
import { describeFault } from '../reports/explain/faults.ts';
import { faultContext, makeCtx } from '../reports/explain/describe.ts';
import { renderReport } from '../reports/render.ts';
import type { CheckResult, Op, PerfBand } from '../src/types.ts';
import { PARTITION, checkRun, reportInput, simulateRegister } from './report-fixtures.ts';

const PAUSE: PerfBand = { name: 'pause', start: ['pause'], stop: ['resume'], color: '#f4d6a6' };
const KILL: PerfBand = { name: 'kill', start: ['kill'], stop: ['start'], color: '#a6c8f4' };

type E = [seconds: number, type: Op['type'], process: Op['process'], f: string, value: unknown, node?: string];
/** A history from [time in s, type, process, f, value, node?] rows. */
function hist(rows: E[]): Op[] {
  return rows.map(([t, type, process, f, value, node], index) => ({ index, time: Math.round(t * 1e9), type, process, f, value, ...(node ? { node } : {}) }));
}

const one = (r: CheckResult, history: Op[], perf: PerfBand[] = []) => explainResults({ valid: r.valid, workload: r }, history, perf);

test('a stale read on a register: who read what from where and when, what it should have seen, during which fault', async () => {
  const h = simulateRegister({ ops: 2000, stale: true });
  const results = await checkRun(h);
  const lin = results.workload as CheckResult & { culprit: Op };
  assert.equal(lin.valid, false);
  const ex = explainResults(results, h, [PARTITION]);
  assert.equal(ex.valid, false);
  const c = ex.checkers.find((x) => x.name === 'workload')!;
  assert.equal(c.kind, 'linearizable');
  const a = c.anomalies[0];
  assert.equal(a.type, 'nonlinearizable');
  const culprit = h[lin.culprit.index];
  const value = (culprit.value as { value: unknown }).value;
  assert.ok(a.sentence.startsWith(`process ${culprit.process} read ${value} from ${culprit.node} at ${(culprit.time / 1e9).toFixed(3)} s (index ${culprit.index}`), a.sentence);
  assert.match(a.sentence, /although the register could only have held \S+/);
  assert.match(a.sentence, /the last write to complete before it began was process \d+'s (write|cas) of \S+ on n\d at [\d.]+ s \(index \d+\)/);
  assert.match(a.sentence, /during a partition n1,n2 \| n3,n4,n5 that began at 0\.800 s/);
  assert.deepEqual(a.faults, ['a partition n1,n2 | n3,n4,n5']);
  assert.ok(a.ops.includes(culprit.index));
  assert.ok(a.focus && a.focus.ops.length > 1 && a.focus.culprit !== undefined && h[a.focus.culprit].type === 'invoke');
  assert.equal(ex.headline, `workload: ${c.headline}`);
  assert.ok(!ex.headline.includes('\n'));
  assert.equal(ex.checkers.find((x) => x.name === 'stats')!.valid, true);
});

test('model states from the search are shown in the evidence and the timeline', async () => {
  const h = simulateRegister({ ops: 400, stale: true });
  const results = await checkRun(h);
  const lin = results.workload as CheckResult & { window: Array<Record<string, unknown>> };
  for (const [i, w] of lin.window.entries()) Object.assign(w, { 'state-before': `s${i}`, 'state-after': `s${i + 1}` });
  const ex = explainResults(results, h, [PARTITION]);
  const c = ex.checkers[0];
  assert.equal(c.anomalies[0].focus!.states!.length, lin.window.length);
  assert.deepEqual(c.evidence[0].columns.slice(-2), ['state before', 'state after']);
  assert.equal(c.evidence[0].rows[0].at(-1), 's1');
});

test('lost updates on a counter: how many, the final reads, and when it first fell short', () => {
  const h = hist([
    [0.1, 'invoke', 0, 'add', 1], [0.2, 'ok', 0, 'add', 1, 'n1'],
    [0.3, 'invoke', 1, 'add', 1], [0.4, 'ok', 1, 'add', 1, 'n2'],
    [0.5, 'invoke', 0, 'read', null], [0.6, 'ok', 0, 'read', 1, 'n1'],
    [0.7, 'invoke', 1, 'add', 1], [0.8, 'ok', 1, 'add', 1, 'n2'],
    [1.0, 'invoke', 0, 'read', null], [1.1, 'ok', 0, 'read', 2, 'n1'],
    [1.0, 'invoke', 1, 'read', null], [1.1, 'ok', 1, 'read', 2, 'n2'],
  ]);
  const ex = one(checkCounter(h, 'linearizable'), h);
  const [lost, low] = ex.checkers[0].anomalies;
  assert.equal(lost.type, 'lost-updates');
  assert.equal(lost.sentence, '1 acknowledged increment is missing: the final reads (2 reads) all returned 2, but acknowledged adds sum to 3; it first fell short at 0.600 s: process 0 read 1 from n1 (index 5) although adds summing to 2 had been acknowledged before that read began, with no faults injected.');
  assert.equal(low.type, 'read-too-low');
  assert.match(low.sentence, /^3 reads out of bounds; the first too low: process 0 read 1 from n1 at 0\.600 s \(index 5\), although adds summing to at least 2 had been acknowledged before that read began \(it could read 2–2\)/);
  assert.equal(ex.checkers[0].evidence[0].rows.length, 3);
  assert.match(ex.headline, /^workload: 1 acknowledged increment is missing.*\(and 3 more anomalies\)$/);
});

test('a counter read above what was ever added', () => {
  const h = hist([[0.1, 'invoke', 0, 'add', 1], [0.2, 'ok', 0, 'add', 1, 'n1'], [0.3, 'invoke', 1, 'read', null], [0.4, 'ok', 1, 'read', 5, 'n3']]);
  const a = one(checkCounter(h, 'linearizable'), h).checkers[0].anomalies.find((x) => x.type === 'read-too-high')!;
  assert.match(a.sentence, /process 1 read 5 from n3 at 0\.400 s \(index 3\), but the adds invoked before it completed sum to at most 1/);
});

test('overlapping lock holds: both owners, their nodes and times, and the pause that caused it', () => {
  const lock = (owner: string, fence?: number) => ({ lock: 1, owner, ...(fence ? { fence } : {}) });
  const h = hist([
    [1.0, 'invoke', 0, 'acquire', lock('w0')], [1.1, 'ok', 0, 'acquire', lock('w0', 1), 'n3'],
    [1.5, 'invoke', 'nemesis', 'pause', ['n3']], [1.6, 'info', 'nemesis', 'pause', ['n3']],
    [2.0, 'invoke', 1, 'acquire', lock('w1')], [2.2, 'ok', 1, 'acquire', lock('w1', 2), 'n1'],
    [2.5, 'invoke', 0, 'release', lock('w0')], [2.6, 'ok', 0, 'release', lock('w0'), 'n3'],
    [3.0, 'invoke', 'nemesis', 'resume', 'all'], [3.1, 'info', 'nemesis', 'resume', ['n3']],
    [3.5, 'invoke', 1, 'release', lock('w1')], [3.6, 'ok', 1, 'release', lock('w1'), 'n1'],
  ]);
  const ex = one(checkLocks(h), h, [PAUSE]);
  const a = ex.checkers[0].anomalies[0];
  assert.equal(a.type, 'overlap');
  assert.equal(a.sentence, 'w1 acquired lock 1 on n1 at 2.200 s (index 5) while w0 still held it (acquired on n3 at 1.100 s, index 1; released at 2.500 s, index 6): both held it for 300 ms, during a pause of n3 that began at 1.600 s.');
  assert.deepEqual(a.focus!.spans!.map((s) => [s.row, s.start, s.end]), [['w0 holds', 1.1e9, 2.5e9], ['w1 holds', 2.2e9, 3.5e9]]);
  assert.equal(a.focus!.culprit, 4);
});

test('lost queue messages: each enqueue, grouped by node, with the kill that followed', () => {
  const h = hist([
    [1.0, 'invoke', 0, 'enqueue', 1], [1.1, 'ok', 0, 'enqueue', 1, 'n3'],
    [1.2, 'invoke', 0, 'enqueue', 2], [1.3, 'ok', 0, 'enqueue', 2, 'n3'],
    [1.4, 'invoke', 1, 'enqueue', 3], [1.5, 'ok', 1, 'enqueue', 3, 'n1'],
    [2.0, 'invoke', 'nemesis', 'kill', ['n3']], [2.1, 'info', 'nemesis', 'kill', ['n3']],
    [3.0, 'invoke', 'nemesis', 'start', 'all'], [3.1, 'info', 'nemesis', 'start', ['n3']],
    [4.0, 'invoke', 1, 'drain', null], [4.1, 'ok', 1, 'drain', [{ value: 3, id: 'a' }, { value: 9, id: 'b' }], 'n1'],
  ]);
  const ex = one(checkQueue(h), h, [KILL]);
  const [lost, unexpected] = ex.checkers[0].anomalies;
  assert.equal(lost.sentence, '2 acknowledged messages enqueued on n3 between 1.000 s and 1.300 s were never dequeued (1, 2; the first at index 0), while no fault was active; a kill of n3 began 800 ms later, at 2.100 s.');
  assert.equal(lost.covers, 2);
  assert.deepEqual(lost.ops, [0, 2]);
  assert.match(unexpected.sentence, /^process 1 dequeued 9 from n1 at 4\.100 s \(index 11\), which was never enqueued/);
  assert.equal(ex.checkers[0].evidence[0].rows.length, 2);
});

test('a stale read in a session: the write it missed, versions and ms behind', () => {
  const kv = (key: number, value: unknown) => ({ key, value });
  const h = hist([
    [1.0, 'invoke', 3, 'write', kv(1, 3)], [1.1, 'ok', 3, 'write', kv(1, 3), 'n2'],
    [1.2, 'invoke', 3, 'write', kv(1, 4)], [1.79, 'ok', 3, 'write', kv(1, 4), 'n2'],
    [1.8, 'invoke', 5, 'read', kv(1, null)], [1.84, 'ok', 5, 'read', kv(1, 3), 'n1'],
  ]);
  const ex = one(checkSession(h), h);
  const a = ex.checkers[0].anomalies[0];
  assert.equal(a.sentence, "process 5 read 3 of key 1 from n1 at 1.840 s (index 5), although process 3's write of 4 had completed on n2 at 1.790 s (index 3): 1 version and 10 ms behind, with no faults injected.");
});

test('nothing succeeded, and a checker that gave up', async () => {
  const h = hist([[0.1, 'invoke', 0, 'read', null], [0.2, 'fail', 0, 'read', null, 'n1'], [0.3, 'invoke', 0, 'add', 1], [0.4, 'ok', 0, 'add', 1, 'n1']]);
  const stats = explainResults({ valid: 'unknown', stats: checkStats(h) }, h).checkers[0];
  assert.equal(stats.headline, 'No read ever succeeded (1 attempted: 1 failed, 0 indeterminate), so the history cannot show whether that operation behaves.');
  const r = await checkLinearizable(simulateRegister({ ops: 3000, keys: 1 }), { name: 'cas-register', init: null }, { timeout: 1e-6 });
  assert.equal(r.valid, 'unknown');
  assert.match(explainResults({ valid: 'unknown', workload: r }, []).headline, /^workload: unknown: the linearizability search gave up: .+/);
  const thrown = explainResults({ valid: 'unknown', workload: { valid: 'unknown', error: 'boom\nline two' } }, []);
  assert.equal(thrown.headline, 'workload: unknown: boom\\nline two');
});

test('results that carry their own explanations and graph are rendered generically, safely', () => {
  const evil = '<img src=x onerror=window.__pwned=1>';
  const h = hist([[0.1, 'invoke', 0, 'txn', [['r', 'x', null]]], [0.2, 'ok', 0, 'txn', [['r', 'x', 1]], 'n1'], [0.3, 'invoke', 1, 'txn', [['w', 'x', 1]]], [0.4, 'ok', 1, 'txn', [['w', 'x', 1]], 'n2']]);
  const result = {
    valid: false,
    explanations: [{
      type: 'G1c', sentence: `T1 read x=1 written by T2, which read ${evil}`, ops: [1, 3, 99],
      graph: { nodes: [{ id: 'T1', label: `T1 ${evil}`, ops: [1] }, { id: 'T2', label: 'T2', ops: [3] }], edges: [{ from: 'T1', to: 'T2', type: 'wr', label: 'wr x' }, { from: 'T2', to: 'T1', type: 'rw', label: evil }] },
    }],
  };
  const ex = explainResults({ valid: false, workload: result }, h);
  const a = ex.checkers[0].anomalies[0];
  assert.deepEqual(a.ops, [1, 3], 'ops not in the history are dropped');
  assert.equal(a.graph!.edges.length, 2);
  const html = renderReport(reportInput(h, { valid: false, workload: result }, 'txn', []));
  assert.match(html, /<svg class="graph"/);
  assert.ok(!html.includes('<img src=x onerror=window.__pwned=1>'));
  assert.ok(html.includes('T1 &lt;img src=x'));
});

test('faults in words', () => {
  assert.equal(describeFault('partition', { shape: 'halves', grudge: { n1: ['n3'], n2: ['n3'], n3: ['n1', 'n2'] } }).text, 'a partition n1,n2 | n3');
  assert.equal(describeFault('partition', { shape: 'bridge', grudge: { n1: ['n3'], n2: [], n3: ['n1'] } }).text, 'a bridge partition of n1, n2, n3');
  assert.equal(describeFault('kill', ['n3', 'n4']).text, 'a kill of n3, n4');
  assert.equal(describeFault('clock', { n2: 250, n3: -90 }).text, 'a clock bump (n2 +250 ms, n3 -90 ms)');
  assert.equal(describeFault('packet', { kind: 'delay', targets: ['n1'] }).text, 'packet delay faults on the links of n1');
  assert.equal(describeFault('x', '<b>'.repeat(100)).text.length < 120, true);
  const ctx = makeCtx(hist([[5, 'invoke', 'nemesis', 'kill', ['n3']], [5.1, 'info', 'nemesis', 'kill', ['n3']], [8, 'invoke', 'nemesis', 'start', 'all'], [8.1, 'info', 'nemesis', 'start', ['n3']]]), [KILL]);
  assert.equal(faultContext(ctx, 1e9, 1.1e9).phrase, 'before any fault began', 'a fault seconds later is not mentioned');
  assert.equal(faultContext(ctx, 4.5e9, 4.6e9).phrase, 'while no fault was active; a kill of n3 began 500 ms later, at 5.100 s');
  assert.equal(faultContext(ctx, 1e9, 1.1e9, [], Infinity).phrase, 'while no fault was active; a kill of n3 began 4.000 s later, at 5.100 s');
  assert.deepEqual(faultContext(ctx, 6e9, 6e9, ['n3']), { phrase: 'during a kill of n3 that began at 5.100 s', faults: ['a kill of n3'], main: ctx.faults[0] });
  assert.equal(faultContext(ctx, 9e9, 9e9).phrase, 'while no fault was active (the last, a kill of n3, ended 900 ms earlier, at 8.100 s)');
});

test('headlines are one line and bounded whatever the values', () => {
  const huge = `${'a\n'.repeat(100_000)}<script>`;
  const h = hist([[0.1, 'invoke', 0, 'read', null], [0.2, 'ok', 0, 'read', huge, huge]]);
  const r = { valid: false, workload: { valid: false, model: 'register', 'ops-checked': 1, parts: 1, culprit: h[1], 'culprit-invoke': h[0], 'last-states': [huge], window: [] } };
  const ex = explainResults(r, h);
  assert.ok(!ex.headline.includes('\n'));
  assert.ok(ex.headline.length <= 600, `${ex.headline.length}`);
  assert.match(ex.headline, /\(200,010 characters\)/, "the length of the full value");
});
