// End to end: the built-in cache tier's flavors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { cli, readJson, runDir } from './helpers.ts';

const short = ['--recovery-time', '2', '--nemesis-interval', '3', '--time-limit', '12'];

test('invalidate-based caching under partition serves stale reads: exit 1', async () => {
  const r = await cli(['run', 'cache', '--flavor', 'invalidate', '--nemesis', 'partition', ...short]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const s = readJson(path.join(runDir(r), 'results.json')).workload.session;
  assert.ok(s['stale-count'] > 0);
  assert.ok(s.stale[0]['versions-behind'] >= 1 && s.stale[0]['ms-behind'] >= 0);
  assert.match(r.stdout, /stale reads/);
});

test('write-through under partition,kill is linearizable with no stale reads: exit 0', async () => {
  const r = await cli(['run', 'cache', '--flavor', 'write-through', '--nemesis', 'partition,kill', ...short]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const w = readJson(path.join(runDir(r), 'results.json')).workload;
  assert.equal(w.linearizable.valid, true);
  assert.equal(w.session['stale-count'], 0);
});
