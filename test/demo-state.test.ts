// The built-in nodes' durable state: the write-ahead log under the primary's map and the
// PN-counter, recovered after a kill at any point, compaction included; and the primary's
// refused compare-and-set, which carries the current value on the wire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { WalState } from '../dbs/demo/wal.ts';
import { PrimaryStore } from '../dbs/demo/primary-store.ts';
import { PnCounter } from '../dbs/demo/pn-counter.ts';
import { NodeError } from '../dbs/demo/runtime.ts';
import { ErrorCode } from '../src/op-errors.ts';
import { LineSplitter } from '../src/util/lines.ts';
import { tempStore } from './helpers.ts';

type Kv = Record<string, number>;
const setKey = (s: Kv, e: [string, number]) => {
  s[e[0]] = e[1];
};

test('a write-ahead-logged state comes back whole after a kill at any point, across compactions', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer()), { maxLength: 40 }),
      fc.integer({ min: 1, max: 7 }),
      fc.boolean(),
      (changes, compactEvery, killMidCompaction) => {
        const dir = tempStore();
        const wal = new WalState<Kv, [string, number]>(dir, 'kv', {}, setKey, compactEvery);
        for (const c of changes) wal.record(c);
        const expected = { ...wal.state };
        if (killMidCompaction) {
          // A kill between the snapshot and the truncation: the log replays over a snapshot
          // that already holds it.
          fs.writeFileSync(path.join(dir, 'kv.json'), JSON.stringify(expected));
        }
        const lines = fs.readFileSync(path.join(dir, 'kv-wal.jsonl'), 'utf8').split('\n').filter(Boolean);
        assert.ok(lines.length < compactEvery, `the log is emptied every ${compactEvery} changes (has ${lines.length})`);
        const again = new WalState<Kv, [string, number]>(dir, 'kv', {}, setKey, compactEvery);
        assert.deepEqual(again.state, expected);
      },
    ),
    { numRuns: 200 },
  );
});

test('a torn last line of the log (a power cut mid-write) is skipped: it was never acknowledged', () => {
  const dir = tempStore();
  const wal = new WalState<Kv, [string, number]>(dir, 'kv', {}, setKey);
  wal.record(['a', 1]);
  wal.record(['b', 2]);
  fs.appendFileSync(path.join(dir, 'kv-wal.jsonl'), '["a",');
  assert.deepEqual(new WalState<Kv, [string, number]>(dir, 'kv', {}, setKey).state, { a: 1, b: 2 });
});

test('the primary store: a refused cas carries the current value; values and fencing tokens survive a restart', () => {
  const dir = tempStore();
  const store = new PrimaryStore(dir, 1000);
  store.handle({ type: 'p_cas', key: 'counter', from: null, to: 5 });
  let refused: unknown;
  try {
    store.handle({ type: 'p_cas', key: 'counter', from: 4, to: 6 });
  } catch (e) {
    refused = e;
  }
  assert.ok(refused instanceof NodeError && refused.code === ErrorCode.preconditionFailed, 'a stale cas is refused as a precondition failure');
  assert.deepEqual(refused.details, { current: 5 });
  const t1 = Number(store.handle({ type: 'p_lock', lock: 'l', owner: 'w1' }).token);
  const again = new PrimaryStore(dir, 1000); // the process was killed and started again
  assert.equal(again.handle({ type: 'p_get', key: 'counter' }).value, 5);
  const t2 = Number(again.handle({ type: 'p_lock', lock: 'l', owner: 'w2' }).token);
  assert.ok(t2 > t1, `fencing tokens keep growing across restarts (${t1}, then ${t2})`);
});

test('the PN-counter keeps its own acknowledged adds across a restart, peers\' totals from its snapshot', () => {
  const dir = tempStore();
  const c = new PnCounter('n1', dir);
  c.add(5);
  c.add(-2);
  c.merge({ p: { n2: 7 }, n: {} });
  c.compact();
  c.add(3);
  const again = new PnCounter('n1', dir);
  assert.deepEqual(again.state, { p: { n1: 8, n2: 7 }, n: { n1: 2 } });
  assert.equal(again.value(), 13);
});

test('on the wire, the error reply to a refused p_cas carries the current value', async () => {
  const dir = tempStore();
  const nodeFile = fileURLToPath(new URL('../dbs/demo/counter-node.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', nodeFile, '--flavor', 'cas'], { env: { ...process.env, JEPSEN_DATA_DIR: dir }, stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const replies: Array<Record<string, unknown>> = [];
    const lines = new LineSplitter();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => lines.push(chunk, (line) => replies.push(JSON.parse(line).body)));
    const send = (body: Record<string, unknown>) => child.stdin.write(JSON.stringify({ src: 'n2', dest: 'n1', body }) + '\n');
    send({ type: 'init', msg_id: 1, node_id: 'n1', node_ids: ['n1', 'n2'] });
    send({ type: 'p_cas', msg_id: 2, from: null, to: 3, session: 's' });
    send({ type: 'p_cas', msg_id: 3, from: 1, to: 4, session: 's' });
    const deadline = Date.now() + 20_000;
    while (replies.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const to = (id: number) => replies.find((r) => r.in_reply_to === id);
    assert.equal(to(2)?.type, 'p_cas_ok');
    assert.equal(to(3)?.type, 'error');
    assert.equal(to(3)?.code, ErrorCode.preconditionFailed);
    assert.equal(to(3)?.current, 3);
  } finally {
    child.kill('SIGKILL');
  }
});
