import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LocalCluster } from '../src/providers/local/index.ts';
import { silentLogger } from '../src/log.ts';
import { grudgeFromComponents } from '../nemeses/partition.ts';
import type { RunOptions } from '../src/types.ts';
import { tempStore } from './helpers.ts';

const relay = fileURLToPath(new URL('./fixtures/relay-node.mjs', import.meta.url));

async function cluster(n = 3): Promise<LocalCluster> {
  const storeDir = tempStore();
  const opts = { latency: 0, latencyDist: 'constant', loss: 0, initTimeout: 5 } as unknown as RunOptions;
  const c = new LocalCluster({ nodes: Array.from({ length: n }, (_, i) => `n${i + 1}`), storeDir, seed: 1, log: silentLogger, opts, needs: { clock: false, packet: false } });
  await Promise.all(c.nodes.map((node) => node.proc.launch({ argv: [process.execPath, relay] })));
  return c;
}

const signal = () => AbortSignal.timeout(2000);

async function relayOk(c: LocalCluster, from: string, to: string): Promise<boolean> {
  const conn = c.connect(from);
  try {
    const r = await conn.rpc({ type: 'relay', to }, signal());
    return r.type === 'relay_ok';
  } finally {
    conn.close();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a partition drops messages between the named nodes only, and heal restores them', async () => {
  await using c = await cluster(3);
  assert.equal(await relayOk(c, 'n1', 'n2'), true);
  await c.net.partition(grudgeFromComponents([['n1'], ['n2', 'n3']]));
  assert.equal(await relayOk(c, 'n1', 'n2'), false, 'n1 cannot reach n2');
  assert.equal(await relayOk(c, 'n2', 'n1'), false, 'n2 cannot reach n1');
  assert.equal(await relayOk(c, 'n2', 'n3'), true, 'n2 still reaches n3');
  assert.ok(c.router.stats.droppedPartition >= 2);
  // A one-way grudge: n2 drops what n1 sends, but n1 hears n2.
  await c.net.partition({ n2: ['n1'] });
  assert.equal(await relayOk(c, 'n1', 'n2'), false);
  assert.equal(await relayOk(c, 'n3', 'n1'), true);
  await c.net.heal();
  assert.equal(await relayOk(c, 'n1', 'n2'), true);
});

test('kill really kills the process, refuses its clients, and start brings the node back', async () => {
  await using c = await cluster(2);
  const n1 = c.nodes[0];
  const conn = c.connect('n1');
  const before = (await conn.rpc({ type: 'pid' }, signal())).pid as number;
  assert.equal(before, n1.proc.pid);
  assert.ok(alive(before));
  await n1.proc.kill();
  assert.equal(alive(before), false, 'the old pid is gone');
  const refused = await conn.rpc({ type: 'pid' }, signal());
  assert.equal(refused.type, 'error');
  assert.equal(refused.code, 11, 'a request to a dead node is refused at once (definite)');
  await n1.proc.start();
  const after = (await conn.rpc({ type: 'pid' }, signal())).pid as number;
  assert.notEqual(after, before);
  assert.ok(alive(after));
  conn.close();
});

test('pause stops a node from answering until it is resumed', async () => {
  await using c = await cluster(1);
  const n1 = c.nodes[0];
  n1.proc.pause();
  const conn = c.connect('n1');
  await assert.rejects(conn.rpc({ type: 'pid' }, AbortSignal.timeout(300)), /timed out/);
  n1.proc.resume();
  assert.equal((await conn.rpc({ type: 'pid' }, signal())).type, 'pid_ok');
  conn.close();
});

test('disposing the cluster leaves no node process behind', async () => {
  const c = await cluster(3);
  const pids = c.nodes.map((n) => n.proc.pid!);
  assert.ok(pids.every(alive));
  await c[Symbol.asyncDispose]();
  assert.ok(pids.every((p) => !alive(p)));
  assert.equal(fs.existsSync(c.dataRoot), false, 'data directories removed');
});
