// `jepsen-ts analyze`: a stored run re-checked from test.json and history.jsonl — with the same
// verdict, with other options, and after its controller was killed mid-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, cli, readJson, runDir, tempStore } from './helpers.ts';

test('analyze gives a stored run the same verdict, and another one with other options', async () => {
  const r = await cli(['run', 'counter', '--flavor', 'naive', '--concurrency', '10', '--time-limit', '4', '--recovery-time', '1']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const dir = runDir(r);
  const a = await cli(['analyze', dir]);
  assert.equal(a.code, 1, a.stdout + a.stderr);
  assert.match(a.stdout, /^Analyzed \d+ events of /);
  assert.match(a.stdout, /workload +INVALID/);
  const e = await cli(['analyze', dir, '--consistency', 'eventual']);
  assert.equal(readJson(path.join(dir, 'results.json')).workload.consistency, 'eventual', 'results rewritten with the new option');
  assert.ok([0, 1].includes(e.code!), e.stdout + e.stderr);
  assert.equal((await cli(['analyze', dir, '--key-count', '3'])).code, 254, 'options of other tests are refused');
});

test('analyze re-checks a run whose controller was SIGKILLed: the streamed history is enough', async () => {
  const store = tempStore();
  const child = spawn(process.execPath, [BIN, 'run', 'counter', '--time-limit', '30', '--store', store], { stdio: 'ignore' });
  const latest = path.join(store, 'latest', 'history.jsonl');
  for (let i = 0; i < 200 && !(fs.existsSync(latest) && fs.statSync(latest).size > 2000); i++) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  const dir = fs.realpathSync(path.join(store, 'latest'));
  assert.equal(fs.existsSync(path.join(dir, 'results.json')), false, 'the killed run wrote no results');
  const a = await cli(['analyze', dir]);
  assert.ok([0, 1, 2].includes(a.code!), `a verdict, not ${a.code}: ${a.stdout}${a.stderr}`);
  assert.match(a.stdout, /the run never reached checking/);
  assert.ok(fs.existsSync(path.join(dir, 'results.json')) && fs.existsSync(path.join(dir, 'report.html')));
});

test('analyze of something that is not a run: one sentence, exit 254', async () => {
  const r = await cli(['analyze', tempStore()]);
  assert.equal(r.code, 254);
  assert.match(r.stderr, /is not a run directory \(it has no test\.json\)/);
});
