import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router, type Message } from '../src/providers/local/router.ts';
import { Rng } from '../src/rng.ts';
import { linksOf } from '../nemeses/packet.ts';

function net() {
  const router = new Router({ latencyMs: 0, latencyDist: 'constant', loss: 0, rng: new Rng(1) });
  const got: Record<string, Array<{ msg: Message; at: number }>> = { n1: [], n2: [], n3: [] };
  for (const id of Object.keys(got)) router.register(id, { up: () => true, deliver: (msg) => got[id].push({ msg, at: performance.now() }) });
  return { router, got };
}
const settle = (ms = 60) => new Promise((r) => setTimeout(r, ms));
const send = (router: Router, src: string, dest: string, n: number) => {
  for (let i = 0; i < n; i++) router.send({ src, dest, body: { type: 'x', msg_id: i } });
};

test('loss drops messages on the shaped links only', async () => {
  const { router, got } = net();
  router.shape(linksOf(['n2'], ['n1', 'n2', 'n3']), { loss: 1 });
  send(router, 'n1', 'n2', 50);
  send(router, 'n2', 'n3', 50);
  send(router, 'n1', 'n3', 50);
  await settle();
  assert.equal(got.n2.length, 0);
  assert.equal(got.n3.length, 50, 'only n1->n3 gets through');
  assert.equal(router.stats.droppedLoss, 100);
  router.shape([], null);
  send(router, 'n1', 'n2', 10);
  await settle();
  assert.equal(got.n2.length, 10, 'restored');
  router.close();
});

test('duplicate delivers twice; delay holds messages back; reorder changes their order', async () => {
  const { router, got } = net();
  router.shape([['n1', 'n2']], { duplicate: 1 });
  send(router, 'n1', 'n2', 20);
  await settle();
  assert.equal(got.n2.length, 40);
  router.shape([], null);
  router.shape([['n1', 'n3']], { delayMs: 40 });
  const t = performance.now();
  send(router, 'n1', 'n3', 5);
  await settle(120);
  assert.equal(got.n3.length, 5);
  for (const g of got.n3) assert.ok(g.at - t >= 38, `held back ${g.at - t} ms`);
  router.shape([], null);
  got.n2.length = 0;
  router.shape([['n1', 'n2']], { reorder: 0.5 });
  send(router, 'n1', 'n2', 200);
  await settle(300);
  const ids = got.n2.map((g) => g.msg.body.msg_id as number);
  assert.equal(ids.length, 200);
  assert.notDeepEqual(ids, [...ids].sort((a, b) => a - b), 'some messages overtake others');
  router.close();
});

test('client links are never faulted', async () => {
  const { router, got } = net();
  router.register('c1', { up: () => true, deliver: () => {} });
  router.shape(linksOf(['n1', 'n2', 'n3'], ['n1', 'n2', 'n3']), { loss: 1 });
  router.partition({ n1: ['n2', 'n3', 'c1'] });
  send(router, 'c1', 'n1', 10);
  await settle();
  assert.equal(got.n1.length, 10);
  router.close();
});

test('at zero latency a message reaches its endpoint as it is sent, in order: no turn of the event loop is lost per hop', () => {
  const { router, got } = net();
  send(router, 'n1', 'n2', 3);
  assert.deepEqual(got.n2.map((g) => g.msg.body.msg_id), [0, 1, 2]);
  router.partition({ n3: ['n1'] });
  send(router, 'n1', 'n3', 1);
  assert.equal(got.n3.length, 0, 'a partition still drops it');
});
