// End to end: the built-in queue's flavors under faults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { cli, readJson, runDir } from './helpers.ts';

const short = ['--recovery-time', '2', '--nemesis-interval', '3', '--time-limit', '12'];

test('memory queue under kill loses acknowledged messages: exit 1', async () => {
  const r = await cli(['run', 'queue', '--flavor', 'memory', '--nemesis', 'kill', ...short]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const w = readJson(path.join(runDir(r), 'results.json')).workload;
  assert.ok(w['lost-count'] > 0);
  assert.equal(w['unexpected-count'], 0);
  assert.match(r.stdout, /\d+ lost/);
});

test('wal queue under kill,partition delivers everything at least once: exit 0', async () => {
  const r = await cli(['run', 'queue', '--flavor', 'wal', '--nemesis', 'kill,partition', ...short]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const w = readJson(path.join(runDir(r), 'results.json')).workload;
  assert.equal(w['lost-count'], 0);
  assert.ok(w.acknowledged > 100 && w.dequeued >= w.acknowledged);
});

test('a bounded wal queue refuses enqueues when full: definite failures, not losses', async () => {
  const r = await cli(['run', 'queue', '--capacity', '10', '--nemesis', 'partition', ...short]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const results = readJson(path.join(runDir(r), 'results.json'));
  assert.ok(results.workload.rejected > 0);
  assert.equal(results.workload['lost-count'], 0);
  assert.ok(results.stats['by-f'].enqueue.fail >= results.workload.rejected - results.workload.indeterminate);
  assert.ok(results.exceptions.groups.some((g: { error: string }) => /queue full/.test(g.error)));
});
