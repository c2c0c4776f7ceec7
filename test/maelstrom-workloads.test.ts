// Maelstrom's workloads against nodes written for Maelstrom (test/fixtures/maelstrom: JS, Python,
// Ruby), with and without partitions: correct nodes pass, broken ones fail with the anomaly
// named, as Maelstrom judges them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runNode, workloadResult } from './maelstrom-helpers.ts';

const partition = { nemesis: 'partition' };

test('echo (Python): valid', async () => {
  const r = await runNode('echo', 'echo.py');
  assert.equal(r.valid, true, JSON.stringify(r.results));
  assert.ok(Number(workloadResult(r)['ok-count']) > 50);
});

test('unique-ids (Ruby) stays unique and totally available under partitions; a counter without the node id duplicates', async () => {
  const ok = await runNode('unique-ids', 'unique_ids.rb', { ...partition, availability: 'total' });
  assert.equal(ok.valid, true, JSON.stringify(ok.results));
  assert.equal((workloadResult(ok).availability as { 'ok-fraction': number })['ok-fraction'], 1);
  assert.match(fs.readFileSync(path.join(ok.dir, 'history.jsonl'), 'utf8'), /"f":"start-partition"/);
  const dup = await runNode('unique-ids', 'unique-ids-dup.mjs');
  assert.equal(dup.valid, false);
  assert.ok(Number(workloadResult(dup)['duplicated-count']) > 0);
});

test('unique-ids beyond 2^53 stay exact from the node\'s stdout to the history and the checker', async () => {
  const r = await runNode('unique-ids', 'unique-ids-big.mjs', { timeLimit: 2 });
  assert.equal(r.valid, true, JSON.stringify(workloadResult(r)));
  const ids = r.history.filter((op) => op.type === 'ok').map((op) => op.value);
  assert.ok(ids.length > 20 && ids.every((v) => typeof v === 'bigint'), 'integers beyond 2^53 arrive as bigints');
  // As doubles, ids a few apart would collide; in the history file they are exact digits.
  assert.match(fs.readFileSync(path.join(r.dir, 'history.jsonl'), 'utf8'), /"value":115292150460\d{6}[1-9],/);
});

test('broadcast: gossip with retries (JS) survives partitions; fire-and-forget (Python) loses messages', async () => {
  const ok = await runNode('broadcast', 'broadcast.mjs', { ...partition, topology: 'line' });
  const w = workloadResult(ok);
  assert.equal(ok.valid, true, JSON.stringify(w));
  assert.equal(w['lost-count'], 0);
  assert.ok((w['stable-latencies'] as Record<string, number>)['1'] >= 0);
  const net = ok.results.net as { all: Record<string, number>; servers: Record<string, number> };
  assert.ok(net.servers['msgs-per-op'] > 0, 'gossip between servers was counted');
  assert.ok(net.all['msg-count'] > net.servers['msg-count']);
  assert.ok(fs.statSync(path.join(ok.dir, 'net.jsonl')).size > 0, 'the message log is in the run directory');
  const lossy = await runNode('broadcast', 'broadcast_lossy.py', partition);
  assert.equal(lossy.valid, false);
  assert.ok(Number(workloadResult(lossy)['lost-count']) > 0, JSON.stringify(workloadResult(lossy)));
});

test('g-set: full-state gossip (Ruby) survives partitions; sending each add once (JS) passes without faults and drops elements with them', async () => {
  const ok = await runNode('g-set', 'g_set.rb', partition);
  assert.equal(ok.valid, true, JSON.stringify(workloadResult(ok)));
  const calm = await runNode('g-set', 'g-set-drop.mjs');
  assert.equal(calm.valid, true, JSON.stringify(workloadResult(calm)));
  const dropped = await runNode('g-set', 'g-set-drop.mjs', partition);
  assert.equal(dropped.valid, false);
  assert.ok(Number(workloadResult(dropped)['lost-count']) > 0);
});

test('g-counter and pn-counter on seq-kv (Python), as Gossip Glomers builds them: final reads add up; without its write before reading (Ruby), seq-kv serves stale sums', async () => {
  const g = await runNode('g-counter', 'g_counter.py', partition);
  assert.equal(g.valid, true, JSON.stringify(workloadResult(g)));
  assert.ok((workloadResult(g)['final-reads'] as unknown[]).length >= 3);
  const pn = await runNode('pn-counter', 'g_counter.py');
  assert.equal(pn.valid, true, JSON.stringify(workloadResult(pn)));
  const stale = await runNode('g-counter', 'g_counter_stale.rb');
  assert.equal(stale.valid, false);
  assert.ok((workloadResult(stale).errors as unknown[]).length > 0, 'final reads outside the acceptable sums');
});

test('lin-kv: a proxy to the lin-kv service (Ruby) is linearizable under partitions; per-node maps (JS) are not', async () => {
  const ok = await runNode('lin-kv', 'lin_kv_proxy.rb', partition);
  assert.equal(ok.valid, true, JSON.stringify(workloadResult(ok)));
  const local = await runNode('lin-kv', 'lin-kv-local.mjs');
  assert.equal(local.valid, false);
  assert.ok(workloadResult(local).culprit, 'the op that cannot be linearized is named');
});

test('kafka (JS on lin-kv) is clean with and without partitions; a poll that skips its first offset is caught', async () => {
  const ok = await runNode('kafka', 'kafka.mjs', partition);
  assert.equal(ok.valid, true, JSON.stringify(workloadResult(ok)));
  assert.ok(Number((ok.results.stats as { 'by-f': Record<string, { ok: number }> })['by-f'].poll.ok) > 0);
  const skip = await runNode('kafka', 'kafka-skip.mjs');
  assert.equal(skip.valid, false);
  assert.ok((workloadResult(skip)['error-types'] as string[]).includes('poll-skip'), JSON.stringify(workloadResult(skip)['error-types']));
});
