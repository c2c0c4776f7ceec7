// Regression tests for the reported failures of the linearizability checker: every limit ends in
// unknown (never a crash), the first illegal key wins, histories that do not fit their model are
// refused, history values are data, and model options take effect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLinearizable, HistoryMismatchError, MODELS } from '../checkers/linearizable/index.ts';
import { generateRegisterHistory } from '../bench/gen-register-history.ts';
import { UsageError } from '../src/errors.ts';
import type { Op } from '../src/types.ts';

type Ev = Omit<Op, 'index' | 'time'>;
const history = (evs: Ev[]): Op[] => evs.map((e, i) => ({ ...e, index: i, time: i }) as Op);
const op = (process: number | 'nemesis', type: Op['type'], f: string, value: unknown): Ev => ({ process, type, f, value });

/** k concurrent writes of distinct values whose outcome is unknown, then one read. */
function fanout(k: number, read: unknown): Op[] {
  const evs: Ev[] = [];
  for (let i = 0; i < k; i++) evs.push(op(i, 'invoke', 'write', i + 1));
  for (let i = 0; i < k; i++) evs.push(op(i, 'info', 'write', i + 1));
  evs.push(op(100, 'invoke', 'read', null), op(100, 'ok', 'read', read));
  return history(evs);
}

test('22-24 concurrent indeterminate writes and one read: a verdict, whatever the read returned', async () => {
  for (const k of [22, 23, 24]) {
    for (const [read, expect] of [[k, true], [1, true], [0, true], [null, true], [k + 7, false]] as const) {
      const r = await checkLinearizable(fanout(k, read), { name: 'cas-register', init: 0 }, { timeout: 20 });
      assert.equal(r.valid, expect, `${k} writes, read ${String(read)}`);
    }
  }
  // The same with nil a value: a read of nil after writes that may never have happened is fine
  // from a nil register, not from 0.
  assert.equal((await checkLinearizable(fanout(24, null), { name: 'cas-register', init: null, options: { nilReadIsUnknown: false } })).valid, true);
  assert.equal((await checkLinearizable(fanout(24, null), { name: 'cas-register', init: 0, options: { nilReadIsUnknown: false } })).valid, false);
});

/** n concurrent writes of distinct values on one key, then reads that cannot all be right:
 *  refuting it takes every order of the writes (2^n configurations). */
function undecidable(n: number, key: number, firstProcess: number): Ev[] {
  const evs: Ev[] = [];
  const p = (i: number) => firstProcess + i;
  for (let i = 0; i < n; i++) evs.push(op(p(i), 'invoke', 'write', { key, value: i + 1 }));
  for (let i = 0; i < n; i++) evs.push(op(p(i), 'ok', 'write', { key, value: i + 1 }));
  for (let i = 0; i < n; i++) evs.push(op(p(i), 'invoke', 'read', { key, value: null }));
  for (let i = 0; i < n; i++) evs.push(op(p(i), 'ok', 'read', { key, value: i + 1 }));
  return evs;
}

/** Nine small valid keys after an undecidable key 0; optionally a read of key 5 made impossible. */
function tenKeys(withInvalid: boolean): Op[] {
  const evs = undecidable(22, 0, 1000);
  const g = generateRegisterHistory({ ops: 6000, keys: 9, processes: 12, seed: 3 });
  let broken = !withInvalid;
  for (const o of g) {
    const v = o.value as { key: number; value: unknown };
    let value: unknown = v.value;
    if (!broken && v.key === 4 && o.type === 'ok' && o.f === 'read' && o.index > g.length / 2) {
      value = 77;
      broken = true;
    }
    evs.push(op(o.process as number, o.type, o.f, { key: v.key + 1, value }));
  }
  return history(evs);
}

test('an invalid key ends the check at once, even beside an undecidable one', async () => {
  const h = tenKeys(true);
  for (const workers of [1, 2]) {
    const r = await checkLinearizable(h, { name: 'cas-register', init: 0 }, { timeout: 600, workers });
    assert.equal(r.valid, false, `workers ${workers}`);
    assert.equal(r.key, '5');
    assert.equal((r.culprit!.value as { value: unknown }).value, 77);
    assert.equal(r.keys[0].key, '5');
    assert.equal(r.keys[0].valid, false);
    assert.equal(r.parts, 10);
    const k0 = r.keys.find((k) => k.key === '0');
    assert.ok(!k0 || k0.valid === 'unknown', 'the undecidable key was not decided');
  }
});

test('an undecidable key is unknown at the deadline, and the others still get their verdicts', async () => {
  const r = await checkLinearizable(tenKeys(false), { name: 'cas-register', init: 0 }, { timeout: 1.5, workers: 1 });
  assert.equal(r.valid, 'unknown');
  assert.match(String(r.reason), /^key 0: check timeout/);
  assert.deepEqual(r['key-counts'], { valid: 9, invalid: 0, unknown: 1 });
  assert.equal(r.keys[0].key, '0');
  assert.ok(r.keys[0].configurations > 0);
});

test('a memo past its budget is unknown with the reason and the key, never a crash', async () => {
  const h = history(undecidable(22, 3, 0));
  const r = await checkLinearizable(h, { name: 'cas-register', init: 0 }, { maxMemoBytes: 4 * 2 ** 20 });
  assert.equal(r.valid, 'unknown');
  assert.match(String(r.reason), /^key 3: memory ceiling reached \(4 MiB/);
});

test('histories are data: a register keyed "__proto__" is a register like any other', async () => {
  for (const k of ['k', '__proto__', 'constructor', 'hasOwnProperty']) {
    const txn = (type: Op['type'], f: string, v: unknown) => op(0, type, 'txn', [[f, k, v]]);
    const h = history([txn('invoke', 'write', 1), txn('ok', 'write', 1), txn('invoke', 'read', null), txn('ok', 'read', 1)]);
    assert.equal((await checkLinearizable(h, { name: 'multi-register' })).valid, true, k);
    const stale = history([txn('invoke', 'write', 1), txn('ok', 'write', 1), txn('invoke', 'read', null), txn('ok', 'read', 2)]);
    assert.equal((await checkLinearizable(stale, { name: 'multi-register' })).valid, false, k);
    // Keys of independent registers too.
    const keyed = history([op(0, 'invoke', 'write', { key: k, value: 1 }), op(0, 'ok', 'write', { key: k, value: 1 }), op(1, 'invoke', 'read', { key: k, value: null }), op(1, 'ok', 'read', { key: k, value: 1 })]);
    const r = await checkLinearizable(keyed, { name: 'cas-register', init: 0 });
    assert.equal(r.valid, true, k);
    assert.equal(r.keys[0].key, JSON.stringify(k));
  }
  const init = JSON.parse('{"__proto__": 5, "x": 1}') as Record<string, unknown>;
  const h = history([op(0, 'invoke', 'txn', [['read', '__proto__', null]]), op(0, 'ok', 'txn', [['read', '__proto__', 5]])]);
  assert.equal((await checkLinearizable(h, { name: 'multi-register', init })).valid, true);
});

test('values beyond 2^53 are exact', async () => {
  const h = (read: bigint) => history([op(0, 'invoke', 'write', 9007199254740993n), op(0, 'ok', 'write', 9007199254740993n), op(1, 'invoke', 'read', null), op(1, 'ok', 'read', read)]);
  assert.equal((await checkLinearizable(h(9007199254740993n), { name: 'register' })).valid, true);
  assert.equal((await checkLinearizable(h(9007199254740992n), { name: 'register' })).valid, false);
  const small = history([op(0, 'invoke', 'write', 5), op(0, 'ok', 'write', 5), op(1, 'invoke', 'read', null), op(1, 'ok', 'read', 5n)]);
  assert.equal((await checkLinearizable(small, { name: 'register' })).valid, true, 'a bigint that fits a double equals that number');
  const counter = history([op(0, 'invoke', 'add', 9007199254740993n), op(0, 'ok', 'add', 9007199254740993n), op(1, 'invoke', 'read', null), op(1, 'ok', 'read', 9007199254740994n)]);
  assert.equal((await checkLinearizable(counter, { name: 'counter', init: 1 })).valid, true);
});

test('model options take effect: with nilReadIsUnknown false a stale nil read is caught; by default (Knossos) it is not', async () => {
  const h = history([op(0, 'invoke', 'write', { key: 1, value: 3 }), op(0, 'ok', 'write', { key: 1, value: 3 }), op(1, 'invoke', 'read', { key: 1, value: null }), op(1, 'ok', 'read', { key: 1, value: null })]);
  for (const name of ['register', 'cas-register']) {
    assert.equal((await checkLinearizable(h, { name, init: null, options: { nilReadIsUnknown: false } })).valid, false, name);
    assert.equal((await checkLinearizable(h, { name, init: null })).valid, true, name);
    assert.equal((await checkLinearizable(h, { name, init: null, options: { nilReadIsUnknown: true } })).valid, true, name);
    // The factories take the options too.
    const m = MODELS[name](null, { nilReadIsUnknown: false });
    assert.deepEqual(m.step(3, { f: 'read', input: null, output: null, process: 0 })[0], false);
  }
  await assert.rejects(checkLinearizable(h, { name: 'register', options: { nilReadIsUnkown: false } }), (e: Error) => e instanceof UsageError && /no option "nilReadIsUnkown"/.test(e.message));
  await assert.rejects(checkLinearizable(h, { name: 'register', options: { nilReadIsUnknown: 'no' } }), UsageError);
});

/** Asserts the check refuses the history with a HistoryMismatchError naming the op and reason. */
async function refused(h: Op[], model: string, index: number, reason: RegExp, init?: unknown): Promise<void> {
  await assert.rejects(checkLinearizable(h, { name: model, init }), (e: unknown) => {
    assert.ok(e instanceof HistoryMismatchError, String(e));
    assert.equal(e.op?.index, index, e.message);
    assert.match(e.reason, reason);
    assert.match(e.message, new RegExp(`^The history does not fit the ${model} model: process \\d+'s \\w+`));
    return true;
  });
}

test('a history that does not fit its model is refused, naming the op and why', async () => {
  const reg = history([op(0, 'invoke', 'write', 1), op(0, 'ok', 'write', 1), op(1, 'invoke', 'read', null), op(1, 'ok', 'read', 1)]);
  await refused(reg, 'counter', 0, /no f "write"/);
  await refused(reg, 'set', 0, /no f "write"/);
  await refused(reg, 'mutex', 0, /no f "write"/);
  await refused(reg, 'fifo-queue', 0, /no f "write"/);
  await refused(reg, 'multi-register', 0, /no f "write"/);
  await refused(history([op(0, 'invoke', 'cas', 5), op(0, 'ok', 'cas', 5)]), 'cas-register', 0, /\[from, to\] pair/);
  await refused(history([op(0, 'invoke', 'cas', [1, 2]), op(0, 'ok', 'cas', [1, 2])]), 'register', 0, /no f "cas"/);
  await refused(history([op(0, 'invoke', 'read', null), op(0, 'ok', 'read', 3)]), 'set', 1, /a set read returns a list/);
  await refused(history([op(0, 'invoke', 'add', 'x'), op(0, 'ok', 'add', 'x')]), 'counter', 0, /an add takes a number/);
  await refused(history([op(0, 'invoke', 'read', null), op(0, 'ok', 'read', [1])]), 'counter', 1, /a counter read returns a number/);
  await refused(history([op(0, 'invoke', 'txn', [['read', 'x']]), op(0, 'ok', 'txn', [['write', 'x', 1]])]), 'multi-register', 1, /does not match its invocation/);
  await refused(history([op(0, 'invoke', 'txn', 'x'), op(0, 'ok', 'txn', 'x')]), 'multi-register', 0, /list of \[f, key, value\]/);
  await refused(history([op(0, 'invoke', 'txn', [['append', 'x', 1]]), op(0, 'info', 'txn', null)]), 'multi-register', 0, /neither a read nor a write/);
  await refused(history([op(0, 'invoke', 'read', null), op(0, 'ok', 'write', 1)]), 'register', 1, /as another f/);
  await refused(history([op(0, 'ok', 'read', 1)]), 'register', 0, /no invocation/);
  await refused(history([op(0, 'invoke', 'read', null), op(0, 'invoke', 'read', null)]), 'register', 1, /invoked again/);
  await refused(history([op(0, 'invoke', 'read', null), op(0, 'done' as Op['type'], 'read', 1)]), 'register', 1, /type "done"/);
  // Keyed ops are checked too, and the first op that does not fit (in history order) is named.
  const keyed = history([op(0, 'invoke', 'write', { key: 2, value: 1 }), op(0, 'ok', 'write', { key: 2, value: 1 }), op(1, 'invoke', 'cas', { key: 1, value: 7 }), op(2, 'invoke', 'cas', { key: 2, value: 8 })]);
  await refused(keyed, 'cas-register', 2, /\[from, to\] pair/);
});

test('initial states are validated by the models', async () => {
  const h = history([op(0, 'invoke', 'add', 1), op(0, 'ok', 'add', 1)]);
  await assert.rejects(checkLinearizable(h, { name: 'counter', init: 'abc' }), (e: Error) => e instanceof UsageError && /initial value must be a number/.test(e.message));
  await assert.rejects(checkLinearizable(h, { name: 'multi-register', init: 3 }), UsageError);
  await assert.rejects(checkLinearizable(h, { name: 'mutex', init: 0 }), UsageError);
  await assert.rejects(checkLinearizable(h, { name: 'set', init: 'x' }), UsageError);
  await assert.rejects(checkLinearizable(h, { name: 'no-such-model' }), (e: Error) => e instanceof UsageError && /Unknown model "no-such-model"/.test(e.message));
  await assert.rejects(checkLinearizable(h, { name: '__proto__' }), UsageError);
  assert.equal((await checkLinearizable(h, { name: 'counter', init: 5n })).valid, true);
});
