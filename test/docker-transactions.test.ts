// Transactions on real databases (issue 14): PostgreSQL at serializable passes and at read
// committed shows G-single or worse; etcd transactions stay strict serializable under partitions
// and kills. Against a real Docker engine; skipped, with the reason printed, only without one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { connectDocker } from '../src/providers/docker/engine.ts';
import { cli, readJson, runDir } from './helpers.ts';
import { lockDocker } from './fixtures/compose/docker-lock.ts';

const docker = await connectDocker(3000).catch((e: Error) => e);
const skip = docker instanceof Error ? `no Docker daemon: ${docker.message}` : false;
if (skip) console.log(`# skipping docker transaction tests: ${skip}`);

let unlock = () => {};
before(async () => {
  if (!skip) unlock = await lockDocker();
}, { timeout: 1_800_000 });
after(() => unlock());

const short = ['--provider', 'docker', '--node-count', '3', '--time-limit', '12', '--recovery-time', '2'];

test('PostgreSQL list-append: serializable passes, read committed is caught with the cycle explained', { skip, timeout: 900_000 }, async () => {
  const ser = await cli(['run', 'list-append', '--db', 'postgres', '--isolation', 'serializable', ...short], { timeoutMs: 600_000 });
  assert.equal(ser.code, 0, ser.stdout + ser.stderr);
  const rc = await cli(['run', 'list-append', '--db', 'postgres', '--isolation', 'read-committed', ...short], { timeoutMs: 600_000 });
  assert.equal(rc.code, 1, rc.stdout + rc.stderr);
  const w = readJson(path.join(runDir(rc), 'results.json')).workload;
  assert.ok(w['anomaly-types'].some((t: string) => /^G-single|^G2|^G1|^G0|lost-update/.test(t)), w['anomaly-types'].join(', '));
  assert.ok(w.explanations.some((e: { sentence: string }) => / because .* because /.test(e.sentence)), 'a cycle explained step by step');
});

test('etcd list-append under partition,kill: strict serializable', { skip, timeout: 900_000 }, async () => {
  const r = await cli(['run', 'list-append', '--db', 'etcd', '--nemesis', 'partition,kill', '--nemesis-interval', '3', ...short], { timeoutMs: 600_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const w = readJson(path.join(runDir(r), 'results.json')).workload;
  assert.ok(w.counts.ok > 50, 'transactions committed');
});
