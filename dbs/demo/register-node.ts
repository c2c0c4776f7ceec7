// The built-in key-value register service (Maelstrom lin-kv bodies: read/write/cas by key).
//   lin: one authoritative copy on the primary (n1); other nodes forward to it. Linearizable;
//        unavailable (timeouts) when cut off from the primary.
//   lww: every node keeps its own replica, answers at once, and gossips; conflicting writes are
//        resolved by last-write-wins on (wall-clock time, node). Always available, not
//        linearizable: reads can be stale, and a cas decided on a stale replica can be lost.
import { CODE, NodeError } from './runtime.ts';
import { demoNode } from './demo-node.ts';

const { flavor, gossipMs, node, callPrimary, servePrimaryStore } = demoNode('register', ['lin', 'lww'], 'lin');

interface Versioned { value: unknown; ts: number; node: string }
const replica = new Map<string, Versioned>();
const newer = (a: Versioned, b: Versioned | undefined) => !b || a.ts > b.ts || (a.ts === b.ts && a.node > b.node);
let clock = 0;
const stamp = (): Versioned['ts'] => (clock = Math.max(clock + 1, Date.now() * 1000));

node.onInit(() => {
  if (flavor === 'lin') servePrimaryStore();
  if (flavor === 'lww') {
    setInterval(() => {
      const state = Object.fromEntries(replica);
      for (const peer of node.nodeIds) if (peer !== node.id) node.send(peer, { type: 'gossip', state });
    }, gossipMs);
  }
});

node.on('gossip', (m) => {
  for (const [k, v] of Object.entries(m.body.state as Record<string, Versioned>)) if (newer(v, replica.get(k))) replica.set(k, v);
});

const key = (k: unknown) => JSON.stringify(k ?? null);
const absent = () => new NodeError(CODE.keyDoesNotExist, 'key does not exist');

node.on('read', async (m) => {
  if (flavor === 'lww') {
    const v = replica.get(key(m.body.key));
    if (!v) throw absent();
    return { type: 'read_ok', value: v.value };
  }
  const r = await callPrimary({ type: 'p_get', key: key(m.body.key) });
  if (r.value === null || r.value === undefined) throw absent();
  return { type: 'read_ok', value: r.value };
});

node.on('write', async (m) => {
  if (flavor === 'lww') {
    replica.set(key(m.body.key), { value: m.body.value, ts: stamp(), node: node.id });
    return { type: 'write_ok' };
  }
  await callPrimary({ type: 'p_put', key: key(m.body.key), value: m.body.value });
  return { type: 'write_ok' };
});

node.on('cas', async (m) => {
  const k = key(m.body.key);
  if (flavor === 'lww') {
    const cur = replica.get(k);
    if (!cur) throw absent();
    if (JSON.stringify(cur.value) !== JSON.stringify(m.body.from)) throw new NodeError(CODE.preconditionFailed, `expected ${JSON.stringify(m.body.from)}, had ${JSON.stringify(cur.value)}`);
    replica.set(k, { value: m.body.to, ts: stamp(), node: node.id });
    return { type: 'cas_ok' };
  }
  const cur = await callPrimary({ type: 'p_get', key: k });
  if (cur.value === null || cur.value === undefined) throw absent();
  await callPrimary({ type: 'p_cas', key: k, from: m.body.from, to: m.body.to });
  return { type: 'cas_ok' };
});

node.main();
