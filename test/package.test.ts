// What `npm pack` ships works in an empty directory: plain Node imports it (no TypeScript loader),
// a consumer's TypeScript type-checks against its declarations, and `npx jepsen-ts run ./t.ts`
// runs a test module written there — catching a counter that loses updates, passing an atomic one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

const testModule = (atomic: boolean) => `import { defineTest, workloads, type Client, type Op, type TestInfo } from 'jepsen-ts';

let value = 0;
class MemCounter implements Client {
  async open(): Promise<Client> { return new MemCounter(); }
  async invoke(_t: TestInfo, op: Op) {
    if (op.f === 'read') return { ...op, type: 'ok' as const, value };
    ${atomic ? 'value += op.value as number;' : 'const v = value; await new Promise((r) => setTimeout(r, 1)); value = v + (op.value as number);'}
    return { ...op, type: 'ok' as const };
  }
  async close() {}
}

export default defineTest({ name: 'mem-counter', workload: workloads.counter(), client: () => new MemCounter() });
`;

const consumer = `import { defineTest, run, workloads, checkers, models, generators, type Client, type Op, type History, type CheckResult,
  type Workload, type Checker, type Model, type Db, type TestInfo, type NodeHandle, type Generator } from 'jepsen-ts';
const w: Workload = workloads.register({ keyCount: 3 });
const c: Checker = checkers.counter({ consistency: 'eventual' });
const g: Generator = generators.mix([{ f: 'read' }]);
export const t = defineTest({ name: 'x', workload: w });
export const go = () => run(t, { timeLimit: 1 });
export type All = [Client, Op, History, CheckResult, Model, Db, TestInfo, NodeHandle, typeof c, typeof g, typeof models.casRegister];
`;

test('npm pack: the tarball installs in an empty directory and works as a library and a CLI', { timeout: 600_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-pack-'));
  try {
    const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--json'], { cwd: root });
    const tarball = path.join(dir, (JSON.parse(stdout) as Array<{ filename: string }>)[0].filename);
    const app = path.join(dir, 'app');
    fs.mkdirSync(app);
    await exec('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app, timeout: 300_000 });

    const plain = await exec(process.execPath, ['--input-type=module', '-e', "import { defineTest, run, workloads } from 'jepsen-ts'; console.log(typeof defineTest, typeof run, Object.keys(workloads).join(','))"], { cwd: app });
    assert.equal(plain.stdout.trim(), 'function function counter,register,lock,queue,cache,list-append,rw-register,txn-list-append,txn-rw-register,echo,unique-ids,broadcast,g-set,g-counter,pn-counter,lin-kv,kafka');

    fs.writeFileSync(path.join(app, 'consumer.ts'), consumer);
    const typed = await exec(process.execPath, [tsc, '--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', 'consumer.ts'], { cwd: app }).catch((e) => e);
    assert.equal(typed.code ?? 0, 0, `tsc --strict on a consumer: ${typed.stdout}${typed.stderr}`);

    for (const [file, atomic, expected] of [['naive.ts', false, 1], ['atomic.ts', true, 0]] as const) {
      fs.writeFileSync(path.join(app, file), testModule(atomic));
      const r = await exec('npx', ['jepsen-ts', 'run', `./${file}`, '--time-limit', '5', '--recovery-time', '0', '--store', 'store'], { cwd: app }).then(() => ({ code: 0, stdout: '' }), (e) => e);
      assert.equal(r.code, expected, `${file}: ${r.stdout}${r.stderr ?? ''}`);
      if (!atomic) assert.match(r.stdout, /bad reads|lost updates/);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
