// End to end: `jepsen-ts check` on reference histories, and register runs on the built-in cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, readJson, runDir, tempStore } from './helpers.ts';

const shared = fileURLToPath(new URL('./fixtures/knossos/', import.meta.url));

test('check: cas-failure.edn exits 1 naming process 70\'s read of 0 at index 491', async () => {
  const report = path.join(tempStore(), 'out.html');
  const r = await cli(['check', path.join(shared, 'cas-register/bad/cas-failure.edn'), '--model', 'cas-register', '--init', '0', '--report', report]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /process 70's read \(ok\) of 0 at index 491/);
  const html = fs.readFileSync(report, 'utf8');
  assert.match(html, /Counterexample/);
  assert.match(html, /timeline-linearizable/);
  const json = await cli(['check', path.join(shared, 'cas-register/bad/cas-failure.edn'), '--model', 'cas-register', '--init', '0', '--json']);
  assert.equal(json.code, 1);
  assert.equal(JSON.parse(json.stdout).culprit.index, 491);
});

test('check: etcd mutex exits 1; a good history exits 0', async () => {
  assert.equal((await cli(['check', path.join(shared, 'mutex/bad/etcd.edn'), '--model', 'mutex'])).code, 1);
  assert.equal((await cli(['check', path.join(shared, 'cas-register/good/memstress3-0.edn'), '--model', 'cas-register', '--init', '0'])).code, 0);
});

test('check: garbage, a missing file, bad --init or an unknown model: one sentence, exit 254', async () => {
  const dir = tempStore();
  const garbage = path.join(dir, 'some-garbage.edn');
  fs.writeFileSync(garbage, '{:process 0 :type :invoke :f :read}\n{:process 0, :type :okay, :f :read}\n');
  for (const args of [[garbage, '--model', 'cas-register'], [path.join(dir, 'nope.edn'), '--model', 'cas-register'], [garbage, '--model', 'cas-register', '--init', '{oops'], [garbage, '--model', 'nonsense']]) {
    const r = await cli(['check', ...args]);
    assert.equal(r.code, 254, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const r = await cli(['check', garbage, '--model', 'cas-register']);
  assert.match(r.stderr, /some-garbage\.edn:2: field "type"/);
});

test('check: a user model by module path', async () => {
  const dir = tempStore();
  const model = path.join(dir, 'toggle.ts');
  fs.writeFileSync(model, `export default { name: 'toggle', init: () => false, step: (s: boolean, op: { f: string; output: unknown }) => op.f === 'flip' ? [true, !s] : [op.output === undefined || op.output === s, s] as const };\n`);
  const hist = path.join(dir, 'h.jsonl');
  const ops = (v: boolean) => [
    { process: 0, type: 'invoke', f: 'flip', value: null }, { process: 0, type: 'ok', f: 'flip', value: null },
    { process: 1, type: 'invoke', f: 'read', value: null }, { process: 1, type: 'ok', f: 'read', value: v },
  ].map((o) => JSON.stringify(o)).join('\n');
  fs.writeFileSync(hist, ops(true));
  assert.equal((await cli(['check', hist, '--model', model])).code, 0);
  fs.writeFileSync(hist, ops(false));
  assert.equal((await cli(['check', hist, '--model', model])).code, 1);
});

const short = ['--recovery-time', '2', '--nemesis-interval', '3'];

test('run register --flavor lin stays linearizable under partition,kill', async () => {
  const r = await cli(['run', 'register', '--flavor', 'lin', '--nemesis', 'partition,kill', '--time-limit', '12', ...short]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(readJson(path.join(runDir(r), 'results.json')).workload.model, 'cas-register');
});

test('run register --flavor lww under partition: invalid, with the counterexample in results.json and the report', async () => {
  const r = await cli(['run', 'register', '--flavor', 'lww', '--nemesis', 'partition', '--time-limit', '12', ...short]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const dir = runDir(r);
  const w = readJson(path.join(dir, 'results.json')).workload;
  assert.equal(w.valid, false);
  assert.ok(w.culprit && typeof w.culprit.index === 'number');
  assert.ok(w.window.some((x: { culprit?: boolean }) => x.culprit));
  assert.match(r.stdout, /cannot linearize process/);
  assert.match(fs.readFileSync(path.join(dir, 'report.html'), 'utf8'), /"timeline-workload"/);
});
