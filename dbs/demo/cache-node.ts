// The built-in cache tier in front of a store (the primary copy on n1).
//   write-through: writes go to the store; reads are served by the store (the authority).
//                  Linearizable; unavailable when cut off from the store.
//   invalidate:    each node caches what it read; a write goes to the store, which then tells
//                  every other node to drop its copy (fire and forget). Reads hit the local cache
//                  when they can. An invalidation lost in a partition leaves a stale copy behind.
import { CODE, NodeError } from './runtime.ts';
import { demoNode } from './demo-node.ts';

const { flavor, node, primary, callPrimary, servePrimaryStore } = demoNode('cache', ['write-through', 'invalidate'], 'write-through');
const cache = new Map<string, unknown>();
const key = (k: unknown) => JSON.stringify(k ?? null);

node.onInit(() => {
  servePrimaryStore();
  if (node.id === primary()) {
    // The store's side of invalidation: after a write, every other node drops its copy.
    node.on('s_write', async (m) => {
      await callPrimary({ type: 'p_put', key: m.body.key, value: m.body.value });
      for (const peer of node.nodeIds) if (peer !== node.id && peer !== m.src) node.send(peer, { type: 'invalidate', key: m.body.key });
      return { type: 's_write_ok' };
    });
  }
});

node.on('invalidate', (m) => {
  cache.delete(String(m.body.key));
});

node.on('read', async (m) => {
  const k = key(m.body.key);
  if (flavor === 'invalidate' && cache.has(k)) {
    const v = cache.get(k);
    if (v === null) throw new NodeError(CODE.keyDoesNotExist, 'key does not exist');
    return { type: 'read_ok', value: v };
  }
  const r = await callPrimary({ type: 'p_get', key: k });
  if (flavor === 'invalidate') cache.set(k, r.value ?? null);
  if (r.value === null || r.value === undefined) throw new NodeError(CODE.keyDoesNotExist, 'key does not exist');
  return { type: 'read_ok', value: r.value };
});

node.on('write', async (m) => {
  const k = key(m.body.key);
  if (flavor === 'write-through') {
    await callPrimary({ type: 'p_put', key: k, value: m.body.value });
    return { type: 'write_ok' };
  }
  if (node.id === primary()) {
    await callPrimary({ type: 'p_put', key: k, value: m.body.value });
    for (const peer of node.nodeIds) if (peer !== node.id) node.send(peer, { type: 'invalidate', key: k });
  } else {
    await node.call(primary(), { type: 's_write', key: k, value: m.body.value, session: node.session }, 1000);
  }
  cache.set(k, m.body.value);
  return { type: 'write_ok' };
});

node.main();
