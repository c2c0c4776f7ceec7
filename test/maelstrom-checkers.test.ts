// The Maelstrom checkers on histories written by hand: each anomaly found and named, and correct
// histories passing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Op } from '../src/types.ts';
import { checkSetFull } from '../checkers/maelstrom/set-full.ts';
import { checkUniqueIds } from '../checkers/maelstrom/unique-ids.ts';
import { checkEcho } from '../checkers/maelstrom/echo.ts';
import { checkPnCounter } from '../checkers/maelstrom/pn-counter.ts';
import { checkAvailability, parseAvailability } from '../checkers/maelstrom/availability.ts';
import { checkNet } from '../checkers/maelstrom/net.ts';
import { checkKafka } from '../checkers/maelstrom/kafka.ts';
import { gridTopology, lineTopology, topology, totalTopology, treeTopology } from '../workloads/broadcast-topology.ts';

/** A history from [process, type, f, value, time ms?] rows; index and time filled in. */
function h(rows: Array<[number | 'nemesis', Op['type'], string, unknown, number?]>): Op[] {
  return rows.map(([process, type, f, value, ms], index) => ({ index, time: (ms ?? index) * 1e6, process, type, f, value }));
}

test('set-full: stable elements with their latencies, lost ones, never-read ones, stale ones', () => {
  const r = checkSetFull(h([
    [0, 'invoke', 'add', 1, 0], [0, 'ok', 'add', 1, 1],
    [0, 'invoke', 'add', 2, 2], [0, 'ok', 'add', 2, 3],
    [1, 'invoke', 'read', null, 10], [1, 'ok', 'read', [1], 11], // 2 missing: stale so far
    [1, 'invoke', 'read', null, 20], [1, 'ok', 'read', [1, 2], 21],
    [0, 'invoke', 'add', 3, 30], [0, 'ok', 'add', 3, 31],
    [1, 'invoke', 'read', null, 40], [1, 'ok', 'read', [1, 2, 3], 41],
    [1, 'invoke', 'read', null, 50], [1, 'ok', 'read', [2], 51], // 1 and 3 lost
    [0, 'invoke', 'add', 4, 60], [0, 'ok', 'add', 4, 61], // never read after
  ]), { addF: 'add' });
  assert.equal(r.valid, false);
  assert.deepEqual(r.lost, [1, 3]);
  assert.equal(r['stable-count'], 1);
  assert.deepEqual(r.stale, [2]);
  assert.deepEqual(r['never-read'], [4]);
  // 2 became known at 3 ms; the last read missing it began at 10 ms: stable 7 ms later.
  assert.equal(r['stable-latencies']!['1'], 7);
  assert.equal(r['worst-stale'][0].element, 2);
  // In words, for the report: each lost element with the ops that show it.
  assert.deepEqual(r.explanations.map((e) => e.type), ['lost', 'lost']);
  assert.match(r.explanations[0].sentence, /^Element 1 was known to be in the set \(index 1\) and last seen by the read begun at index 10; every read begun after that missed it, the last one at index 12\.$/);
  assert.deepEqual(r.explanations[0].ops, [1, 10, 12]);
});

test('set-full: valid when everything is stable; unknown when nothing is; duplicates are listed but allowed', () => {
  const ok = checkSetFull(h([[0, 'invoke', 'broadcast', 7], [0, 'ok', 'broadcast', 7], [1, 'invoke', 'read', null], [1, 'ok', 'read', [7, 7]]]), { addF: 'broadcast' });
  assert.equal(ok.valid, true);
  assert.equal(ok['duplicated-count'], 1);
  assert.deepEqual(ok.duplicated, [{ element: 7, count: 2 }]);
  assert.equal(ok['stable-latencies']!['0.5'], 0);
  const nothing = checkSetFull(h([[0, 'invoke', 'add', 1], [0, 'info', 'add', 1]]));
  assert.equal(nothing.valid, 'unknown');
  const lin = checkSetFull(h([[0, 'invoke', 'add', 1, 0], [0, 'ok', 'add', 1, 1], [1, 'invoke', 'read', null, 5], [1, 'ok', 'read', [], 6], [1, 'invoke', 'read', null, 9], [1, 'ok', 'read', [1], 10]]), { linearizable: true });
  assert.equal(lin.valid, false, 'a stale read fails a linearizable set');
});

test('unique-ids: duplicates found structurally, with counts and the range', () => {
  const r = checkUniqueIds(h([
    [0, 'invoke', 'generate', null], [0, 'ok', 'generate', 3],
    [1, 'invoke', 'generate', null], [1, 'ok', 'generate', 5],
    [2, 'invoke', 'generate', null], [2, 'ok', 'generate', 3],
    [2, 'invoke', 'generate', null], [2, 'info', 'generate', null],
  ]));
  assert.equal(r.valid, false);
  assert.deepEqual(r.duplicated, [{ id: 3, count: 2 }]);
  assert.equal(r['attempted-count'], 4);
  assert.equal(r['acknowledged-count'], 3);
  assert.deepEqual(r.range, [3, 5]);
  const objs = checkUniqueIds(h([[0, 'invoke', 'generate', null], [0, 'ok', 'generate', { a: 1, b: 2 }], [1, 'invoke', 'generate', null], [1, 'ok', 'generate', { b: 2, a: 1 }]]));
  assert.equal(objs.valid, false, 'key order does not make two ids different');
  const big = checkUniqueIds(h([[0, 'invoke', 'generate', null], [0, 'ok', 'generate', 2n ** 64n], [1, 'invoke', 'generate', null], [1, 'ok', 'generate', 2n ** 64n + 1n]]));
  assert.equal(big.valid, true, 'ids beyond 2^53 are compared exactly');
});

test('echo: a different payload back is an error; failures are not', () => {
  const r = checkEcho(h([[0, 'invoke', 'echo', 'hi'], [0, 'ok', 'echo', 'hi'], [1, 'invoke', 'echo', 'yo'], [1, 'ok', 'echo', 'yo!'], [2, 'invoke', 'echo', 'x'], [2, 'fail', 'echo', 'x']]));
  assert.equal(r.valid, false);
  assert.deepEqual(r.errors, [{ index: 3, expected: 'yo', received: 'yo!' }]);
});

test('pn-counter: final reads must be the acknowledged sum plus some indeterminate adds', () => {
  const base: Array<[number | 'nemesis', Op['type'], string, unknown]> = [
    [0, 'invoke', 'add', 5], [0, 'ok', 'add', 5],
    [1, 'invoke', 'add', -2], [1, 'info', 'add', -2],
    [2, 'invoke', 'add', 10], [2, 'info', 'add', 10],
    [0, 'invoke', 'read', null], [0, 'ok', 'read', 999], // not final: an add came later
    [3, 'invoke', 'add', 1], [3, 'ok', 'add', 1],
  ];
  const finals = (...vs: number[]) => h([...base, ...vs.flatMap((v, i) => [[10 + i, 'invoke', 'read', null], [10 + i, 'ok', 'read', v]] as Array<[number, Op['type'], string, unknown]>)]);
  const good = checkPnCounter(finals(6, 4, 16, 14));
  assert.equal(good.valid, true);
  assert.deepEqual(good.acceptable, [[4, 4], [6, 6], [14, 14], [16, 16]]);
  const bad = checkPnCounter(finals(6, 5));
  assert.equal(bad.valid, false);
  assert.deepEqual(bad.errors.map((e) => e.value), [5]);
  assert.equal(checkPnCounter(h(base)).valid, 'unknown', 'no final read: nothing to check');
});

test('availability: total, a fraction, or none', () => {
  const hist = h([[0, 'invoke', 'x', null], [0, 'ok', 'x', null], [1, 'invoke', 'x', null], [1, 'fail', 'x', null], ['nemesis', 'invoke', 'start', null], ['nemesis', 'info', 'start', null]]);
  assert.equal(checkAvailability(hist, 'total').valid, false);
  assert.equal(checkAvailability(hist, 0.5).valid, true);
  assert.equal(checkAvailability(hist, 0.6).valid, false);
  assert.equal(parseAvailability('total'), 'total');
  assert.equal(parseAvailability('0.99'), 0.99);
  assert.equal(parseAvailability('most'), undefined);
  assert.equal(parseAvailability('1.5'), undefined);
});

test('net: msgs-per-op over client operations; no counts, no figures', () => {
  const c = (n: number) => ({ sendCount: n, recvCount: n, msgCount: n });
  const r = checkNet({ all: c(30), clients: c(10), servers: c(20) }, h([[0, 'invoke', 'x', null], [0, 'ok', 'x', null], [1, 'invoke', 'x', null], [1, 'ok', 'x', null], ['nemesis', 'invoke', 'start', null]]));
  assert.equal((r.all as Record<string, number>)['msgs-per-op'], 15);
  assert.equal((r.servers as Record<string, number>)['msgs-per-op'], 10);
  assert.equal((r.clients as Record<string, number>)['msg-count'], 10);
  assert.match(String(r.headline), /msgs-per-op 15 \(servers 10\)/);
  assert.equal(checkNet(undefined, []).valid, true);
});

test('topologies are Maelstrom\'s shapes', () => {
  const five = ['n1', 'n2', 'n3', 'n4', 'n5'];
  assert.deepEqual({ ...gridTopology(five) }, { n1: ['n4', 'n2'], n2: ['n5', 'n3', 'n1'], n3: ['n2'], n4: ['n1', 'n5'], n5: ['n2', 'n4'] });
  assert.deepEqual({ ...lineTopology(five) }, { n1: ['n2'], n2: ['n1', 'n3'], n3: ['n2', 'n4'], n4: ['n3', 'n5'], n5: ['n4'] });
  assert.deepEqual({ ...lineTopology(['n1']) }, {});
  assert.deepEqual(totalTopology(five).n3, ['n1', 'n2', 'n4', 'n5']);
  assert.deepEqual({ ...treeTopology(2, five) }, { n1: ['n2', 'n3'], n2: ['n1', 'n4', 'n5'], n3: ['n1'], n4: ['n2'], n5: ['n2'] });
  const nodes = Array.from({ length: 25 }, (_, i) => `n${i + 1}`);
  const t4 = topology('tree4', nodes);
  assert.deepEqual(t4.n1, ['n2', 'n3', 'n4', 'n5']);
  assert.deepEqual(t4.n2, ['n1', 'n6', 'n7', 'n8', 'n9']);
  assert.deepEqual(t4.n6, ['n2', 'n22', 'n23', 'n24', 'n25']);
  assert.deepEqual(t4.n7, ['n2']);
  assert.deepEqual(t4.n25, ['n6']);
  // Every topology is symmetric and connects everyone.
  for (const name of ['grid', 'line', 'tree', 'tree3', 'tree4', 'total'] as const) {
    const t = topology(name, nodes);
    for (const [a, ns] of Object.entries(t)) for (const b of ns) assert.ok(t[b].includes(a), `${name}: ${a}-${b} both ways`);
    const seen = new Set(['n1']);
    const todo = ['n1'];
    while (todo.length) for (const b of t[todo.pop()!]) if (!seen.has(b)) todo.push(b), seen.add(b);
    assert.equal(seen.size, 25, `${name} connects all 25`);
  }
});

// Kafka histories: send {key, msg} → {key, msg, offset}; poll → {msgs: [[key, [[offset, msg]...]]]}.
const send = (p: number, key: string, msg: number, offset: number | null, type: Op['type'] = 'ok'): Array<[number, Op['type'], string, unknown]> => [
  [p, 'invoke', 'send', { key, msg }], [p, type, 'send', offset === null ? { key, msg } : { key, msg, offset }],
];
const poll = (p: number, msgs: Array<[string, Array<[number, number]>]>): Array<[number, Op['type'], string, unknown]> => [
  [p, 'invoke', 'poll', null], [p, 'ok', 'poll', { msgs }],
];
const assign = (p: number, keys: string[]): Array<[number, Op['type'], string, unknown]> => [[p, 'invoke', 'assign', { keys }], [p, 'ok', 'assign', { keys }]];

test('kafka: a clean history passes', () => {
  const r = checkKafka(h([...send(0, 'a', 1, 0), ...send(0, 'a', 2, 1), ...assign(1, ['a']), ...poll(1, [['a', [[0, 1]]]]), ...poll(1, [['a', [[1, 2]]]])]));
  assert.equal(r.valid, true, JSON.stringify(r));
  assert.deepEqual(r['error-types'], []);
});

test('kafka: lost writes, unseen messages, poll skips and nonmonotonic polls are named', () => {
  const r = checkKafka(h([
    ...send(0, 'a', 1, 0), ...send(0, 'a', 2, 1), ...send(0, 'a', 3, 2), ...send(0, 'a', 4, 3),
    ...assign(1, ['a']),
    ...poll(1, [['a', [[0, 1]]]]),
    ...poll(1, [['a', [[2, 3]]]]), // skipped offset 1 (msg 2): poll-skip, and 2 is never read: lost-write
    ...poll(1, [['a', [[2, 3]]]]), // again at 2: nonmonotonic-poll
  ]));
  assert.equal(r.valid, false);
  assert.deepEqual(r['error-types'], ['lost-write', 'nonmonotonic-poll', 'poll-skip', 'unseen']);
  const skip = (r['poll-skip'] as { errs: Array<{ skipped: unknown[]; delta: number }> }).errs[0];
  assert.deepEqual(skip.skipped, [2]);
  assert.equal(skip.delta, 2);
  assert.deepEqual((r['lost-write'] as { errs: Array<{ value: unknown }> }).errs.map((e) => e.value), [2]);
  assert.deepEqual({ ...(r.unseen as { unseen: Record<string, number> }).unseen }, { a: 2 }, 'msgs 2 and 4 acknowledged, never polled');
  const said = (r.explanations as Array<{ type: string; sentence: string }>).map((e) => `${e.type}: ${e.sentence}`);
  assert.ok(said.includes('poll-skip: Process 1 polled key "a" up to 1 (index 11), then from 3 (index 13), skipping 2.'), said.join('\n'));
  assert.ok(said.includes('unseen: 2 acknowledged messages were never polled by anyone: key "a": 2, 4.'), said.join('\n'));
});

test('kafka: an assign or a crash resets where a process is; a reassigned key may go back', () => {
  const r = checkKafka(h([
    ...send(0, 'a', 1, 0), ...send(0, 'a', 2, 1),
    ...assign(1, ['a']), ...poll(1, [['a', [[0, 1], [1, 2]]]]),
    ...assign(1, ['b']), ...assign(1, ['a']), ...poll(1, [['a', [[0, 1]]]]),
    [1, 'invoke', 'crash', null], [1, 'ok', 'crash', null], ...poll(1, [['a', [[1, 2]]]]),
  ]));
  assert.equal(r.valid, true, JSON.stringify(r['error-types']));
});

test('kafka: duplicates, inconsistent offsets, internal skips, nonmonotonic sends, aborted reads', () => {
  const r = checkKafka(h([
    ...send(0, 'a', 1, 0), ...send(0, 'a', 2, 1), ...send(0, 'a', 3, 2),
    ...send(2, 'b', 9, 5), ...send(2, 'b', 8, 4), // the later send landed earlier: nonmonotonic-send
    ...send(3, 'c', 7, null, 'fail'),
    ...poll(1, [['a', [[0, 1], [2, 3]]], ['c', [[0, 7]]]]), // skips 2 inside one poll; reads a failed send (G1a)
    ...poll(4, [['a', [[1, 2], [3, 2]]]]), // 2 at offsets 1 and 3: duplicate; goes back inside the poll
    ...poll(5, [['b', [[4, 8], [5, 6]]]]), // offset 5 holds 9 and 6: inconsistent
  ]));
  for (const t of ['duplicate', 'inconsistent-offsets', 'int-poll-skip', 'int-nonmonotonic-poll', 'nonmonotonic-send', 'G1a']) {
    assert.ok((r['error-types'] as string[]).includes(t), `${t} in ${r['error-types']}`);
  }
  assert.equal(r.valid, false);
});
