// The guide's example, end to end through the CLI: an HTTP service run as a daemon on every node
// (examples/http-counter). Its naive mode is caught; its atomic mode passes while nodes are killed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, readHistory, runDir } from './helpers.ts';

const example = fileURLToPath(new URL('../examples/http-counter/test.ts', import.meta.url));

const serversRunning = () => fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).some((p) => {
  try {
    return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('http-counter/server.mjs');
  } catch {
    return false;
  }
});

test('naive mode (read, then write through the primary) loses updates: exit 1', async () => {
  const r = await cli(['run', example, '--time-limit', '8', '--rate', '200', '--recovery-time', '1']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /workload +INVALID/);
  assert.ok(fs.existsSync(path.join(runDir(r), 'nodes', 'n1', 'db.log')), "the server's log is in the store");
  assert.equal(serversRunning(), false, 'no server left running');
});

test('atomic mode passes while nodes are killed and restarted: exit 0', async () => {
  const r = await cli(['run', example, '--mode', 'atomic', '--nemesis', 'kill', '--kill-targets', 'all', '--nemesis-interval', '2', '--time-limit', '10']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const h = readHistory(runDir(r));
  assert.ok(h.some((o) => o.f === 'kill' && o.type === 'info'), 'nodes were killed');
  assert.ok(h.some((o) => o.f === 'add' && o.type === 'fail'), 'adds were refused while the nodes were down');
  assert.ok(h.filter((o) => o.f === 'add' && o.type === 'ok').length > 50, 'and many succeeded');
  assert.equal(serversRunning(), false, 'no server left running');
});
