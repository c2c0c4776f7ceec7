// The message log of the local provider (net.jsonl: counts, sends, receipts, drops) and the
// Lamport diagram drawn from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Router } from '../src/providers/local/router.ts';
import { countsOf, NetLog, parseNetLog, type LoggedMessage } from '../src/providers/local/net-log.ts';
import { Rng } from '../src/rng.ts';
import { firstActivity, lamportDiagram, windowAround } from '../reports/lamport.ts';
import { tempStore } from './helpers.ts';

test('the router counts and logs every message: clients apart from servers, drops with their reason', async () => {
  const file = path.join(tempStore(), 'net.jsonl');
  let now = 0;
  const log = new NetLog(file, () => (now += 1000));
  const router = new Router({ latencyMs: 0, latencyDist: 'constant', loss: 0, rng: new Rng(1), log });
  for (const id of ['n1', 'n2', 'c1', 'lin-kv']) router.register(id, { up: () => true, deliver: () => {} });
  router.send({ src: 'c1', dest: 'n1', body: { type: 'read', msg_id: 1 } });
  router.send({ src: 'n1', dest: 'c1', body: { type: 'read_ok', in_reply_to: 1, messages: [1, 2] } });
  router.send({ src: 'n1', dest: 'n2', body: { type: 'gossip' } });
  router.send({ src: 'n1', dest: 'lin-kv', body: { type: 'read', key: 'k', msg_id: 1 } });
  await new Promise((r) => setTimeout(r, 50)); // delivered before the partition (it drops what is in flight)
  router.partition({ n2: ['n1'] });
  router.send({ src: 'n1', dest: 'n2', body: { type: 'gossip <b>' } });
  await new Promise((r) => setTimeout(r, 50));
  router.close();
  log.close();
  const c = log.snapshot();
  assert.deepEqual(c.clients, { sendCount: 2, recvCount: 2, msgCount: 2 });
  assert.deepEqual(c.servers, { sendCount: 3, recvCount: 2, msgCount: 3 }, 'services count as servers, as in Maelstrom');
  assert.equal(c.all.msgCount, 5);
  const msgs = parseNetLog(fs.readFileSync(file, 'utf8'));
  assert.equal(msgs.length, 5);
  assert.deepEqual(msgs.map((m) => m.type), ['read', 'read_ok', 'gossip', 'read', 'gossip <b>']);
  assert.equal(msgs[1].inReplyTo, 1);
  assert.equal(msgs[0].msgId, 1);
  assert.equal(msgs[4].dropped, 'partition');
  assert.deepEqual(msgs[4].recv, []);
  assert.ok(msgs.slice(0, 4).every((m) => m.recv.length === 1 && m.recv[0] > m.sent));
  assert.match(msgs[1].body, /"messages":\[1,2\]/);
  assert.deepEqual(countsOf(msgs), c, 'the counts can be recomputed from the log alone');
});

const msg = (id: number, src: string, dest: string, type: string, sentMs: number, recvMs: number | null, extra: Partial<LoggedMessage> = {}): LoggedMessage => ({
  id, src, dest, type, body: JSON.stringify({ type }), sent: sentMs * 1e6, recv: recvMs === null ? [] : [recvMs * 1e6], ...extra,
});

test('the Lamport diagram: a lane per process, an arrow per delivered message, a cross for a dropped one, escaped text', () => {
  const messages = [
    msg(1, 'c1', 'n1', 'broadcast', 10, 11, { msgId: 1 }),
    msg(2, 'n1', 'n2', 'gossip', 12, 15),
    msg(3, 'n1', 'n3', '<script>x</script>', 12, null, { dropped: 'partition' }),
    msg(4, 'n1', 'c1', 'broadcast_ok', 13, 14, { inReplyTo: 1 }),
    msg(5, 'n2', 'lin-kv', 'read', 900, 901),
  ];
  const html = lamportDiagram(messages, { from: 0, to: 100e6, title: 'around the partition' });
  for (const lane of ['c1', 'n1', 'n2', 'n3']) assert.match(html, new RegExp(`>${lane}</text>`));
  assert.doesNotMatch(html, />lin-kv<\/text>/, 'the message after the window is left out');
  assert.equal(html.match(/marker-end=/g)?.length, 3, 'three delivered messages');
  assert.equal(html.match(/✕/g)?.length, 1, 'one dropped');
  assert.doesNotMatch(html, /<script>x/);
  assert.match(html, /&lt;script&gt;x&lt;\/script&gt;/);
  assert.match(html, /around the partition: 4 messages, sent from 10\.0 ms to 13\.0 ms/);
  // Lanes: clients first, then nodes, then services.
  const order = [...html.matchAll(/font-weight="600">([^<]+)</g)].map((m) => m[1]);
  assert.deepEqual(order, ['c1', 'n1', 'n2', 'n3']);
  assert.deepEqual(windowAround(5e9, 2e9), { from: 4e9, to: 6e9 });
  assert.deepEqual(firstActivity([msg(9, 'c2', 'n1', 'topology', 1, 2), ...messages], 5e6), { from: 10e6, to: 15e6 });
  const capped = lamportDiagram(messages, { maxMessages: 2 });
  assert.match(capped, /the first 2 of 5/);
  assert.match(lamportDiagram([], {}), /0 messages/);
});
