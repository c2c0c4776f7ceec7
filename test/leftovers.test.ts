// Nothing outlives the controller: SIGKILL it at random moments of runs with nodes paused and
// killed, and no node process (stopped or not) and no temporary directory of those runs remains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, tempStore } from './helpers.ts';

/** Pids of processes whose command line mentions dir (the run's temporary directory). */
function processesUnder(dirs: readonly string[]): string[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      const env = fs.readFileSync(`/proc/${p}/environ`, 'utf8');
      return dirs.some((d) => env.includes(d));
    } catch {
      return false;
    }
  });
}

const runDirs = () => new Set(fs.readdirSync(os.tmpdir()).filter((e) => e.startsWith('jepsen-ts-') && fs.existsSync(path.join(os.tmpdir(), e, 'controller'))));

test('SIGKILL of the controller mid-run (pause,kill): no node process and no temporary directory is left', async () => {
  const before = runDirs();
  const seen = new Set<string>();
  for (const delayMs of [300, 1400, 2500]) {
    const child = spawn(process.execPath, [BIN, 'run', 'counter', '--nemesis', 'pause,kill', '--nemesis-interval', '0.5', '--time-limit', '30', '--store', tempStore()], { stdio: 'ignore' });
    // Once its cluster exists, let it run a while (faults under way), then kill it.
    const started = seen.size;
    for (let waited = 0; waited < 20_000 && seen.size === started; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
      for (const d of runDirs()) if (!before.has(d)) seen.add(path.join(os.tmpdir(), d));
    }
    await new Promise((r) => setTimeout(r, delayMs));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
  }
  assert.ok(seen.size >= 3, `each run had its temporary directory: ${[...seen].join(', ')}`);
  // The watchdogs reap within moments; give them a second or two.
  const deadline = Date.now() + 10_000;
  let left: string[] = [];
  while (Date.now() < deadline) {
    left = [...seen].filter((d) => fs.existsSync(d));
    if (left.length === 0 && processesUnder([...seen]).length === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.deepEqual(left, [], 'temporary directories removed');
  assert.deepEqual(processesUnder([...seen]), [], 'no node process of those runs (stopped or running)');
});
