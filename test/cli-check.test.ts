// `jepsen-ts check` over many histories in one process: directories, globs, standard input,
// worker threads; a verdict line each, a summary, the worst exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, cli, tempStore } from './helpers.ts';

const shared = fileURLToPath(new URL('./fixtures/knossos/', import.meta.url));
const casDir = path.join(shared, 'cas-register');

test('a directory of histories: one line each, a summary, exit 1 when one is not linearizable', async () => {
  const r = await cli(['check', casDir, '--model', 'cas-register', '--init', '0']);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const files = fs.readdirSync(path.join(casDir, 'good')).length + fs.readdirSync(path.join(casDir, 'bad')).length;
  assert.equal(lines.length, files + 1);
  for (const l of lines.slice(0, -1)) assert.match(l, l.includes('/bad/') ? /: NOT linearizable \(\d+ ops, \d+ ms\): process \d+'s/ : /: linearizable \(/);
  assert.match(lines[lines.length - 1], new RegExp(`^${files} histories: ${files - 7} linearizable, 7 not, 0 unknown, 0 refused\\.$`));
  const parallel = await cli(['check', casDir, '--model', 'cas-register', '--init', '0', '--jobs', '2']);
  assert.equal(parallel.stdout.replace(/\d+ ms/g, ''), r.stdout.replace(/\d+ ms/g, ''), 'the same verdicts, in the same order, from worker threads');
});

test('a glob, and a malformed history among good ones: refused on its own line, exit 254', async () => {
  const dir = tempStore();
  for (const f of ['memstress3-0.edn', 'memstress3-1.edn']) fs.copyFileSync(path.join(casDir, 'good', f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'memstress3-9.edn'), '{:process 0 :type :ok :f :read :value 1}\n');
  const r = await cli(['check', path.join(dir, 'memstress3-*.edn'), '--model', 'cas-register', '--init', '0']);
  assert.equal(r.code, 254, r.stdout + r.stderr);
  assert.match(r.stdout, /memstress3-9\.edn: refused: .*no invocation/);
  assert.match(r.stdout, /3 histories: 2 linearizable, 0 not, 0 unknown, 1 refused\./);
});

test('- reads the history from standard input', async () => {
  const child = spawn(process.execPath, [BIN, 'check', '-', '--model', 'cas-register', '--init', '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stdin.end(fs.readFileSync(path.join(casDir, 'bad', 'bad-analysis.edn')));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 1);
  assert.match(out, /^standard input: \d+ operations/);
  assert.match(out, /process 21's read \(ok\) of 2 at index 14/);
});

test('nothing to check is one sentence, exit 254', async () => {
  const empty = tempStore();
  const r = await cli(['check', empty, '--model', 'register']);
  assert.equal(r.code, 254);
  assert.match(r.stderr, /^No history files \(.edn, .jsonl, .json\) found in /);
});
