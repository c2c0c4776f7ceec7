// Test modules outside any package, run from a working directory whose tsconfig maps 'jepsen-ts'
// elsewhere (this repository's does): they get the CLI's own instance of the library, and a
// client that is not shaped like one is one sentence, not a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from './helpers.ts';

function moduleDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-module-'));
  process.on('exit', () => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

// No package.json around it: tsx compiles this .ts file to CommonJS, so `import` becomes require().
const counterModule = (open: string) => `import { defineTest, workloads, type Client, type Op, type TestInfo } from 'jepsen-ts';
let value = 0;
class MemCounter implements Client {
  async open(): Promise<Client> { ${open} }
  async invoke(_t: TestInfo, op: Op) {
    if (op.f === 'read') return { ...op, type: 'ok' as const, value };
    const v = value;
    await new Promise((r) => setTimeout(r, 1));
    value = v + (op.value as number);
    return { ...op, type: 'ok' as const };
  }
  async close() {}
}
export default defineTest({ name: 'mem-naive', workload: workloads.counter(), client: () => new MemCounter() });
`;

test('a CommonJS-compiled test module outside any package runs against the CLI\'s instance of the library', async () => {
  const file = path.join(moduleDir(), 't.ts');
  fs.writeFileSync(file, counterModule('return new MemCounter();'));
  const r = await cli(['run', file, '--time-limit', '3', '--recovery-time', '0', '--rate', '300']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /lost/i);
});

test("a client whose open() resolves to nothing is one sentence and exit 254", async () => {
  const file = path.join(moduleDir(), 't.ts');
  fs.writeFileSync(file, counterModule('return undefined as unknown as Client;'));
  const r = await cli(['run', file, '--time-limit', '2', '--recovery-time', '0']);
  assert.equal(r.code, 254, r.stdout + r.stderr);
  const last = r.stderr.trim().split('\n');
  assert.equal(last.length, 1, r.stderr);
  assert.match(last[0], /open\(test, node\) resolved to undefined: it must resolve to the opened client/);
});

test('a client factory that returns no client is one sentence and exit 254', async () => {
  const file = path.join(moduleDir(), 't.mjs');
  fs.writeFileSync(file, `import { defineTest, workloads } from 'jepsen-ts';\nexport default defineTest({ name: 'x', workload: workloads.counter(), client: () => ({ invoke() {} }) });\n`);
  const r = await cli(['run', file, '--time-limit', '2', '--recovery-time', '0']);
  assert.equal(r.code, 254, r.stdout + r.stderr);
  assert.match(r.stderr, /client factory returned an object without them, not a client: .*\(missing: open, close\)/);
});
