// Maelstrom's services, as property tests: lin-kv histories are linearizable (under concurrency,
// through the router), seq-kv histories are sequentially consistent and each client's view only
// moves forward, lww-kv can lose writes and show cas a stale value; lin-tso counts from 0; cas
// compares structurally; requests of other types get no answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Router, type MessageBody } from '../src/providers/local/router.ts';
import { ClientConnection } from '../src/providers/local/client-connection.ts';
import { kvStep, LinearizableKv, LwwKv, SEQ_KV_STATES, SequentialKv, Service, TimestampOracle, type Slot } from '../src/providers/local/services.ts';
import { silentLogger, type Logger } from '../src/log.ts';
import { Rng } from '../src/rng.ts';
import { checkLinearizable } from '../checkers/linearizable/index.ts';
import type { Op } from '../src/types.ts';

type KvOp = { type: 'read' } | { type: 'write'; value: number } | { type: 'cas'; from: number; to: number };
const kvOp: fc.Arbitrary<KvOp> = fc.oneof(
  fc.constant({ type: 'read' as const }),
  fc.record({ type: fc.constant('write' as const), value: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ type: fc.constant('cas' as const), from: fc.integer({ min: 0, max: 3 }), to: fc.integer({ min: 0, max: 3 }) }),
);

test('lin-kv: concurrent clients through the router get linearizable histories', async () => {
  await fc.assert(fc.asyncProperty(fc.array(fc.array(kvOp, { minLength: 1, maxLength: 8 }), { minLength: 2, maxLength: 4 }), fc.integer({ min: 1, max: 1e6 }), async (perClient, seed) => {
    const router = new Router({ latencyMs: 2, latencyDist: 'uniform', loss: 0, rng: new Rng(seed) });
    new Service('lin-kv', router, new LinearizableKv(), silentLogger);
    const history: Op[] = [];
    const t0 = performance.now();
    const record = (op: Omit<Op, 'index' | 'time'>) => history.push({ ...op, index: history.length, time: Math.round((performance.now() - t0) * 1e6) } as Op);
    await Promise.all(perClient.map(async (ops, p) => {
      const conn = new ClientConnection(`c${p + 1}`, 'lin-kv', router);
      for (const o of ops) {
        const f = o.type;
        const value = { key: 'k', value: o.type === 'write' ? o.value : o.type === 'cas' ? [o.from, o.to] : null };
        record({ process: p, type: 'invoke', f, value });
        const r: MessageBody = await conn.rpc({ ...o, key: 'k' }, AbortSignal.timeout(2000));
        if (r.type === 'error') record({ process: p, type: 'fail', f, value });
        else record({ process: p, type: 'ok', f, value: f === 'read' ? { key: 'k', value: r.value } : value });
      }
      conn.close();
    }));
    router.close();
    const result = await checkLinearizable(history, { name: 'cas-register', init: null });
    assert.equal(result.valid, true, JSON.stringify(result.culprit));
  }), { numRuns: 25 });
});

type Step = { client: number; op: KvOp; reply: { type: string; value?: unknown; code?: number } };

/** Whether some interleaving of the clients' ops, each client's in its own order, is legal for one
 *  register that starts absent: sequential consistency, by search with a memo. */
function sequentiallyConsistent(steps: Step[], clients: number): boolean {
  const lists = Array.from({ length: clients }, (_, c) => steps.filter((s) => s.client === c));
  const seen = new Set<string>();
  const go = (pos: number[], slot: Slot): boolean => {
    if (pos.every((p, c) => p === lists[c].length)) return true;
    const key = `${pos.join(',')}|${slot.present ? slot.value : '-'}`;
    if (seen.has(key)) return false;
    seen.add(key);
    for (let c = 0; c < clients; c++) {
      const s = lists[c][pos[c]];
      if (!s) continue;
      const r = kvStep(slot, { ...s.op, key: 'k' } as MessageBody)!;
      if (r.reply.type !== s.reply.type || r.reply.code !== s.reply.code || (s.reply.type === 'read_ok' && r.reply.value !== s.reply.value)) continue;
      const next = [...pos];
      next[c]++;
      if (go(next, r.next ?? slot)) return true;
    }
    return false;
  };
  return go(lists.map(() => 0), { present: false });
}

test('seq-kv: histories are sequentially consistent, and each client only moves forward', () => {
  fc.assert(fc.property(fc.array(fc.record({ client: fc.integer({ min: 0, max: 2 }), op: kvOp }), { minLength: 1, maxLength: 24 }), fc.integer({ min: 1, max: 1e6 }), (script, seed) => {
    const kv = new SequentialKv(new Rng(seed));
    const steps: Step[] = script.map(({ client, op }) => ({ client, op, reply: kv.handle(`c${client}`, { ...op, key: 'k' } as MessageBody)! as Step['reply'] }));
    assert.ok(sequentiallyConsistent(steps, 3), JSON.stringify(steps));
  }), { numRuns: 200 });
});

test('seq-kv: reads may be stale, but never older than the last 32 states', () => {
  const kv = new SequentialKv(new Rng(7));
  let stale = 0;
  for (let i = 1; i <= 200; i++) {
    kv.handle('writer', { type: 'write', key: 'k', value: i });
    const r = kv.handle('reader', { type: 'read', key: 'k' })!;
    if (r.value !== i) stale++;
    assert.ok(typeof r.value !== 'number' || r.value >= i - (SEQ_KV_STATES - 1), `read ${String(r.value)} after write ${i}`);
  }
  assert.ok(stale > 0, 'some reads are stale');
  // A write that changes the store brings its client to the latest state.
  kv.handle('reader', { type: 'write', key: 'sync', value: 'x' });
  assert.equal(kv.handle('reader', { type: 'read', key: 'k' })!.value, 200);
});

test('lww-kv: writes can be lost and cas can see a stale value; reads only ever show written values', () => {
  let lost = 0;
  let staleCas = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const kv = new LwwKv(new Rng(seed));
    kv.handle('c', { type: 'write', key: 'x', value: 1 });
    kv.handle('c', { type: 'write', key: 'x', value: 2 });
    const cas = kv.handle('c', { type: 'cas', key: 'x', from: 2, to: 3 })!;
    if (cas.type === 'error' && cas.code === 22) staleCas++;
    for (let i = 0; i < 30; i++) {
      const r = kv.handle('c', { type: 'read', key: 'x' })!;
      assert.ok(r.type === 'read_ok' ? [1, 2, 3].includes(r.value as number) : r.code === 20, `read ${JSON.stringify(r)}`);
    }
    const finals = kv.values('x');
    if (finals.every((s) => s.present && s.value === 1)) lost++;
  }
  assert.ok(lost > 0, 'the acknowledged write of 2 (and the cas) can be lost for good');
  assert.ok(staleCas > 0, 'cas can see the value before the last acknowledged write');
  assert.equal(new LwwKv(new Rng(1)).handle('c', { type: 'cas', key: 'y', from: 0, to: 1, create_if_not_exists: true })!.code, 20, 'no create on cas, as Maelstrom\'s lww-kv');
});

test('lin-tso counts from 0; cas compares values structurally; unknown requests get no answer', async () => {
  const tso = new TimestampOracle();
  assert.deepEqual([0, 1, 2].map(() => tso.handle('n1', { type: 'ts' })!.ts), [0, 1, 2]);
  const kv = new LinearizableKv();
  kv.handle('n1', { type: 'write', key: { k: [1] }, value: { b: 2, a: 1 } });
  assert.equal(kv.handle('n1', { type: 'cas', key: { k: [1] }, from: { a: 1, b: 2 }, to: 3 })!.type, 'cas_ok');
  assert.equal(kv.handle('n1', { type: 'read', key: { k: [1] } })!.value, 3);
  assert.equal(kv.handle('n1', { type: 'cas', key: 'nope', from: 1, to: 2 })!.code, 20);
  assert.equal(kv.handle('n1', { type: 'cas', key: 'nope', from: 1, to: 2, create_if_not_exists: true })!.type, 'cas_ok');
  assert.equal(kv.handle('n1', { type: 'cas', key: 'nope', from: 1, to: 5 })!.code, 22);

  const warnings: string[] = [];
  const log: Logger = { ...silentLogger, warn: (m) => warnings.push(m) };
  const router = new Router({ latencyMs: 0, latencyDist: 'constant', loss: 0, rng: new Rng(1) });
  new Service('lin-kv', router, new LinearizableKv(), log);
  const got: unknown[] = [];
  router.register('n1', { up: () => true, deliver: (m) => got.push(m.body) });
  router.send({ src: 'n1', dest: 'lin-kv', body: { type: 'frobnicate', msg_id: 1 } });
  router.send({ src: 'n1', dest: 'lin-kv', body: { type: 'read', key: 'x', msg_id: 2 } });
  // The service answers in order: once the read's answer is here, frobnicate's would have been.
  for (let i = 0; i < 200 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  router.close();
  assert.deepEqual(got, [{ type: 'error', code: 20, text: 'key does not exist', in_reply_to: 2 }], 'only the read is answered');
  assert.match(warnings.join('\n'), /lin-kv does not answer "frobnicate" requests/);
});
