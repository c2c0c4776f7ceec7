// Transactions end to end: the list-append and rw-register workloads against the built-in
// transactional store, and Maelstrom-style txn nodes run unchanged with --bin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { run, tests } from '../src/index.ts';
import { cli, tempStore } from './helpers.ts';

const fixture = (f: string) => fileURLToPath(new URL(`./fixtures/txn/${f}`, import.meta.url));
const quick = { timeLimit: 6, recoveryTime: 1, nemesisInterval: 2 };

test('list-append on the serializable store stays strict serializable under partitions', async () => {
  const r = await run(tests.get('list-append')!, { ...quick, nemesis: 'partition', store: tempStore() });
  const w = r.results.workload as { valid: unknown; 'anomaly-types': string[]; counts: { ok: number } };
  assert.equal(r.valid, true, JSON.stringify(w).slice(0, 600));
  assert.ok(w.counts.ok > 50, 'transactions committed');
});

test('the stale store is caught: G-single or worse, explained as a cycle', async () => {
  for (const workload of ['list-append', 'rw-register']) {
    const r = await run(tests.get(workload)!, { ...quick, flavor: 'stale', store: tempStore() });
    const w = r.results.workload as { 'anomaly-types': string[]; explanations: Array<{ sentence: string }> };
    assert.equal(r.valid, false, workload);
    assert.ok(w['anomaly-types'].some((t) => /^G|lost-update|incompatible-order/.test(t)), `${workload}: ${w['anomaly-types'].join(', ')}`);
    assert.ok(w.explanations.some((e) => /because/.test(e.sentence)), 'a cycle explained in words');
  }
});

test('Maelstrom txn nodes run unchanged: a single-node store passes, a lazily replicated one fails with the anomaly named', async () => {
  const good = await cli(['run', 'txn-list-append', '--bin', fixture('single-node-store.mjs'), '--node-count', '1', '--time-limit', '5']);
  assert.equal(good.code, 0, good.stdout + good.stderr);
  const bad = await cli(['run', 'txn-list-append', '--bin', fixture('stale-replica-store.mjs'), '--node-count', '3', '--time-limit', '5']);
  assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /incompatible-order|G-single|G0|G1c|G2|lost-update/);
});
