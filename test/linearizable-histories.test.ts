// The reference histories from Jepsen/Knossos (test/fixtures/knossos) give their known verdicts,
// and the known culprits are named exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readHistoryFile } from '../src/history-import.ts';
import { checkLinearizable } from '../checkers/linearizable/index.ts';
import { corrupt, generateRegisterHistory } from '../bench/gen-register-history.ts';

const root = fileURLToPath(new URL('./fixtures/knossos/', import.meta.url));

const files = (dir: string) => fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.edn')).sort().map((f) => path.join(root, dir, f));

test('every cas-register/good history is linearizable', async () => {
  const fs_ = files('cas-register/good');
  assert.ok(fs_.length >= 100);
  for (const f of fs_) {
    const r = await checkLinearizable(readHistoryFile(f), { name: 'cas-register', init: 0 });
    assert.equal(r.valid, true, path.basename(f));
  }
});

test('every cas-register/bad history is not linearizable', async () => {
  for (const f of files('cas-register/bad')) {
    const r = await checkLinearizable(readHistoryFile(f), { name: 'cas-register', init: 0 });
    assert.equal(r.valid, false, path.basename(f));
  }
});

test('the known culprits are named exactly', async () => {
  const expected: Record<string, { process: number; type: string; f: string; value: unknown; index: number }> = {
    'bad-analysis.edn': { process: 21, type: 'ok', f: 'read', value: 2, index: 14 },
    'cas-failure.edn': { process: 70, type: 'ok', f: 'read', value: 0, index: 491 },
    'immediate-failure.edn': { process: 1, type: 'ok', f: 'read', value: 3, index: 3 },
  };
  for (const [file, want] of Object.entries(expected)) {
    const r = await checkLinearizable(readHistoryFile(path.join(root, 'cas-register/bad', file)), { name: 'cas-register', init: 0 });
    const c = r.culprit!;
    assert.deepEqual({ process: c.process, type: c.type, f: c.f, value: c.value, index: c.index }, want, file);
    assert.ok(r.window!.some((w) => w.culprit), 'the window holds the culprit');
    assert.ok(r['last-states']!.length > 0);
  }
});

test('multi-register and mutex histories give their verdicts', async () => {
  for (const f of files('multi-register/good')) {
    assert.equal((await checkLinearizable(readHistoryFile(f), { name: 'multi-register', init: { x: 0, y: 0 } })).valid, true, f);
  }
  const etcd = await checkLinearizable(readHistoryFile(path.join(root, 'mutex/bad/etcd.edn')), { name: 'mutex' });
  assert.equal(etcd.valid, false);
  assert.equal(etcd.culprit!.f, 'acquire');
});

test('a corrupted read deep in a big history is found, with the states around it', async () => {
  // Two thirds in, a read returns a value no op could have written.
  const good = generateRegisterHistory({ ops: 100_000, keys: 1, processes: 20, seed: 3 });
  const bad = corrupt(good);
  const at = bad.findIndex((o, i) => o !== good[i]);
  const spec = { name: 'cas-register', init: 0, options: { nilReadIsUnknown: false } };
  const r = await checkLinearizable(bad, spec);
  assert.equal(r.valid, false);
  assert.equal(r.culprit?.index, at);
  assert.ok(r['last-states']!.length > 0);
  const linearized = r.window!.filter((w) => w['state-before'] !== undefined);
  assert.ok(linearized.length > 0, 'window ops on the longest linearizable prefix carry their states');
  for (const w of linearized) {
    assert.match(w['state-before']!, /^[0-4]$/);
    assert.match(w['state-after']!, /^[0-4]$/);
    if (w.f === 'write') assert.equal(w['state-after'], String(w.value));
    if (w.f === 'read') assert.equal(w['state-after'], w['state-before']);
  }
  assert.equal((await checkLinearizable(good, spec)).valid, true);
});

test('budgets end in unknown with the reason, not in a crash or a hang', async () => {
  const h = generateRegisterHistory({ ops: 100_000, keys: 1, processes: 20, seed: 3 });
  const spec = { name: 'cas-register', init: 0, options: { nilReadIsUnknown: false } };
  const timedOut = await checkLinearizable(h, spec, { timeout: 0.001 });
  assert.equal(timedOut.valid, 'unknown');
  assert.match(String(timedOut.reason), /^key 0: check timeout$/);
  const full = await checkLinearizable(h, spec, { maxMemoBytes: 64 * 1024 });
  assert.equal(full.valid, 'unknown');
  assert.match(String(full.reason), /^key 0: memory ceiling reached/);
});

test('worker threads give the same verdicts and culprit as one thread', async () => {
  const spec = { name: 'cas-register', init: 0, options: { nilReadIsUnknown: false } };
  const good = generateRegisterHistory({ ops: 20_000, keys: 4, processes: 12, seed: 5 });
  const bad = corrupt(good);
  for (const h of [good, bad]) {
    const one = await checkLinearizable(h, spec, { workers: 1 });
    const two = await checkLinearizable(h, spec, { workers: 2 });
    assert.equal(two.valid, one.valid);
    assert.equal(two.parts, 4);
    assert.equal(two.culprit?.index, one.culprit?.index);
    assert.equal(two.key, one.key);
  }
  assert.equal((await checkLinearizable(bad, spec, { workers: 2 })).valid, false);
});
