// End to end through the real CLI on the local provider: the detection matrix of the counter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cli, readJson, runDir } from './helpers.ts';

const short = ['--recovery-time', '2', '--nemesis-interval', '3'];

test('naive loses updates under concurrency: exit 1, lost updates and offending reads reported', async () => {
  const r = await cli(['run', 'counter', '--flavor', 'naive', '--time-limit', '10', '--concurrency', '10']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const results = readJson(path.join(runDir(r), 'results.json'));
  assert.equal(results.valid, false);
  assert.ok(results.workload['lost-updates'] > 0, 'lost updates counted');
  assert.ok(results.workload.errors.length > 0, 'offending reads listed');
  const e = results.workload.errors[0];
  assert.ok(e.value < e.lower || e.value > e.upper, 'each offending read is outside its bounds');
  assert.match(r.stdout, /lost updates/);
});

for (const flavor of ['cas', 'lock']) {
  test(`${flavor} stays linearizable under partition,kill`, async () => {
    const r = await cli(['run', 'counter', '--flavor', flavor, '--nemesis', 'partition,kill', '--time-limit', '12', '--kill-targets', 'minority', ...short]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const dir = runDir(r);
    const history = fs.readFileSync(path.join(dir, 'history.jsonl'), 'utf8');
    assert.match(history, /"f":"start-partition"/, 'a partition happened');
    assert.match(history, /"f":"kill"/, 'a kill happened');
  });
}

test('cas stays linearizable under pause and packet faults (delay, loss, duplicate, reorder)', async () => {
  const r = await cli(['run', 'counter', '--flavor', 'cas', '--nemesis', 'pause,packet', '--packet', 'delay,loss,duplicate,reorder', '--time-limit', '12', ...short]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const history = fs.readFileSync(path.join(runDir(r), 'history.jsonl'), 'utf8');
  assert.match(history, /"f":"pause"/);
  assert.match(history, /"f":"start-packet"/);
});

test('crdt passes in eventual mode under partition,kill, and its final reads converge', async () => {
  const r = await cli(['run', 'counter', '--flavor', 'crdt', '--nemesis', 'partition,kill', '--time-limit', '12', '--kill-targets', 'majority', ...short]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const w = readJson(path.join(runDir(r), 'results.json')).workload;
  assert.equal(w.consistency, 'eventual');
  assert.equal(w.converged, true);
  assert.ok(w['final-reads'].length >= 5, 'every node read at the end');
  assert.ok(new Set(w['final-reads'].map((x: { node: string }) => x.node)).size === 5);
});

test('the store holds test.json, history.jsonl, results.json, report.html, with latest links', async () => {
  const r = await cli(['run', 'counter', '--time-limit', '2']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const dir = runDir(r);
  assert.match(path.basename(dir), /^\d{8}T\d{6}\.\d{3}Z$/);
  assert.equal(path.basename(path.dirname(dir)), 'counter');
  for (const f of ['test.json', 'history.jsonl', 'results.json', 'report.html', 'jepsen.log']) assert.ok(fs.existsSync(path.join(dir, f)), f);
  assert.ok(fs.existsSync(path.join(dir, 'nodes', 'n1', 'node.log')));
  assert.equal(fs.realpathSync(path.join(r.store, 'latest')), fs.realpathSync(dir));
  assert.equal(fs.realpathSync(path.join(r.store, 'counter', 'latest')), fs.realpathSync(dir));
  const t = readJson(path.join(dir, 'test.json'));
  assert.equal(typeof t.seed, 'number');
  assert.deepEqual(t.nodes, ['n1', 'n2', 'n3', 'n4', 'n5']);
  assert.match(r.stdout, new RegExp(`Seed: ${t.seed}`));
});
