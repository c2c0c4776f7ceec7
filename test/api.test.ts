// The public API in-process: a test is a value (defineTest), run(test, options) runs it, options
// belong to the parts that declare them, and bad input is one sentence before anything starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineTest, run, workloads, nemeses, UsageError, ErrorCode, type Client, type Op, type TestInfo } from '../src/index.ts';
import { tempStore } from './helpers.ts';

/** A counter kept in this process: `read, await, write` loses concurrent adds; `atomic` does not. */
function memCounter(atomic: boolean) {
  let value = 0;
  class MemCounter implements Client {
    async open(): Promise<Client> {
      return new MemCounter();
    }
    async invoke(_t: TestInfo, op: Op) {
      if (op.f === 'read') return { ...op, type: 'ok' as const, value };
      if (atomic) value += op.value as number;
      else {
        const v = value;
        await new Promise((r) => setTimeout(r, 1));
        value = v + (op.value as number);
      }
      return { ...op, type: 'ok' as const };
    }
    async close() {}
  }
  return defineTest({ name: atomic ? 'mem-atomic' : 'mem-naive', workload: workloads.counter(), client: () => new MemCounter() });
}

const quick = { timeLimit: 2, recoveryTime: 0, rate: 300 };

test('run() a user test with no db: a read-await-write counter loses updates, an atomic one does not', async () => {
  const bad = await run(memCounter(false), { ...quick, store: tempStore() });
  assert.equal(bad.valid, false);
  const w = bad.results.workload as { 'error-count': number };
  assert.ok(w['error-count'] > 0, 'reads outside their bounds are reported');
  assert.match(bad.reportPath, /mem-naive\/\d{8}T\d{6}\.\d{3}Z\/report\.html$/);
  const good = await run(memCounter(true), { ...quick, store: tempStore() });
  assert.equal(good.valid, true, JSON.stringify(good.results).slice(0, 400));
  assert.equal(typeof good.seed, 'number');
});

test('options from code are checked like flags: unknown, unfit and out-of-range values are one sentence', async () => {
  const t = memCounter(true);
  const refused = async (opts: Record<string, unknown>, re: RegExp) => {
    await assert.rejects(run(t, { ...opts, store: tempStore() }), (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'));
  };
  await refused({ keyCount: 3 }, /--key-count does not apply to the mem-atomic test.*register workload/);
  await refused({ timeLimit: 1e12 }, /--time-limit .*up to 2147483/);
  await refused({ nemesis: ['kill'] }, /--nemesis kill needs a system that can be killed/);
  await refused({ nemesis: 'partition' }, /controller routes node-protocol messages only/);
  await refused({ bogus: 1 }, /Unknown option --bogus/);
  await refused({ concurrency: '0n' }, /--concurrency/);
});

test("a test's own options reach every part through test.opts; code defaults yield to given values", async () => {
  const seen: unknown[] = [];
  class Probe implements Client {
    async open(t: TestInfo): Promise<Client> {
      seen.push(t.opts.mode, t.opts.timeLimit, t.opts.nodeCount, t.cluster?.nodes.map((n) => n.host));
      return new Probe();
    }
    async invoke(_t: TestInfo, op: Op) {
      return { ...op, type: 'fail' as const, error: { code: ErrorCode.temporarilyUnavailable, text: 'no' } };
    }
    async close() {}
  }
  const t = defineTest({
    name: 'probe', workload: workloads.counter(), client: () => new Probe(), nodes: 2,
    options: [{ name: 'mode', type: 'string', default: 'a', choices: ['a', 'b'], description: 'a mode' }],
    defaults: { timeLimit: 1 },
  });
  const r = await run(t, { mode: 'b', recoveryTime: 0, store: tempStore() });
  assert.deepEqual(seen.slice(0, 4), ['b', 1, 2, ['127.0.0.11', '127.0.0.12']]);
  assert.equal(r.valid, 'unknown', 'nothing ever succeeded: stats says unknown');
  const failed = r.history.find((o) => o.type === 'fail');
  assert.deepEqual(failed?.error, { code: 11, text: 'no' }, 'structured errors are recorded as given');
  await assert.rejects(run(t, { mode: 'c', store: tempStore() }), /--mode "c": expected one of a, b/);
});

test('a workload made with options in code takes them as defaults; the lock workload suggests 4 workers per node', async () => {
  const w = workloads.register({ keyCount: 2 });
  const specs = typeof w.options === 'function' ? w.options({}) : w.options!;
  assert.equal(specs.find((s) => s.name === 'keyCount')?.default, 2);
  assert.deepEqual(workloads.lock().suggest?.({}), { concurrency: '4n' });
  const p = nemeses.partition({ shape: 'one' });
  assert.equal((p.options as readonly { name: string; default?: unknown }[])[0].default, 'one');
});

test('defineTest refuses what is not a test, in one sentence', async () => {
  assert.throws(() => defineTest({ name: 'bad name!', workload: workloads.counter() }), /"name" must be/);
  assert.throws(() => defineTest({ name: 'x', workload: {} as never }), /"workload" of test x must be a workload/);
  assert.throws(() => defineTest({ name: 'x', workload: workloads.counter(), nodes: 0 }), /"nodes" of test x/);
  assert.throws(() => defineTest({ name: 'x', workload: workloads.counter(), options: [{ name: 'Bad-Name', type: 'string', description: '' }] }), /not camelCase/);
  await assert.rejects(run({ name: 'x' } as never), /run\(\) takes a test made by defineTest/);
});

test('a Ctrl-C that arrives while checking still ends the run as interrupted, never valid', async () => {
  const stop = new AbortController();
  const base = workloads.counter();
  const t = defineTest({
    name: 'stop-while-checking', client: memCounter(true).client,
    workload: { ...base, configure: undefined, checker: { check: async (test, h, o) => { stop.abort(); return base.checker.check(test, h, o); } } },
  });
  const r = await run(t, { ...quick, store: tempStore() }, { signal: stop.signal });
  assert.equal(r.interrupted, true);
  assert.equal(r.valid, 'unknown');
  assert.equal((r.results as { interrupted?: boolean }).interrupted, true);
});

test("a stale nil read in a run is caught: the register workload holds nil to be a value (Knossos's rule is for imported histories)", async () => {
  // A register that forgets: every read returns nil, even after acknowledged writes.
  class Forgetful implements Client {
    async open(): Promise<Client> {
      return new Forgetful();
    }
    async invoke(_t: TestInfo, op: Op) {
      const v = op.value as { key: number; value: unknown };
      if (op.f === 'read') return { ...op, type: 'ok' as const, value: { key: v.key, value: null } };
      if (op.f === 'cas') return { ...op, type: 'fail' as const, error: { code: ErrorCode.preconditionFailed, text: 'no' } };
      return { ...op, type: 'ok' as const };
    }
    async close() {}
  }
  const t = defineTest({ name: 'forgetful', workload: workloads.register({ keyCount: 1 }), client: () => new Forgetful() });
  const r = await run(t, { ...quick, store: tempStore() });
  assert.equal(r.valid, false);
  const w = r.results.workload as { culprit?: { f: string; value: { value: unknown } } };
  assert.equal(w.culprit?.f, 'read');
  assert.equal(w.culprit?.value.value, null);
});
