// The built-in transactional store (Maelstrom txn bodies: txn [[f, k, v], ...] -> txn_ok), for the
// list-append and rw-register workloads. Micro-ops: ['r', k, null], ['append', k, v], ['w', k, v].
//   serializable: every transaction runs whole on the primary (n1), one at a time, its effects on
//                 disk before the answer: strict serializable; unavailable when cut off from n1.
//   stale:        a transaction runs against the node's own replica (refreshed from the primary
//                 every gossip interval), and only its writes are sent on to the primary. Reads
//                 can miss writes acknowledged long before: read skew, lost updates, lists that
//                 disagree — G-single and worse.
import path from 'node:path';
import { demoNode } from './demo-node.ts';
import { loadJson, saveJson } from './json-file.ts';
import { CODE, NodeError, type Body } from './runtime.ts';

const { flavor, gossipMs, dataDir, node, serveOnPrimary, callPrimary } = demoNode('txn', ['serializable', 'stale'], 'serializable');

type Micro = [string, unknown, unknown];
const keyOf = (k: unknown) => JSON.stringify(k ?? null);

/** Runs a transaction on a state, in order: reads see the transaction's own earlier writes. */
function applyTo(state: Record<string, unknown>, txn: Micro[]): Micro[] {
  const out: Micro[] = [];
  for (const [f, k, v] of txn) {
    const key = keyOf(k);
    const cur = Object.hasOwn(state, key) ? state[key] : null;
    if (f === 'r') out.push([f, k, cur]);
    else if (f === 'append') {
      state[key] = [...(Array.isArray(cur) ? cur : []), v];
      out.push([f, k, v]);
    } else if (f === 'w') {
      state[key] = v;
      out.push([f, k, v]);
    } else throw new NodeError(CODE.malformedRequest, `unknown micro-op ${JSON.stringify(f)}`);
  }
  return out;
}

/** The primary's state: each key's value (a list for list-append, anything for a register). */
class TxnStore {
  private readonly file = path.join(dataDir, 'txn-store.json');
  readonly state: Record<string, unknown> = Object.create(null) as Record<string, unknown>;

  constructor() {
    Object.assign(this.state, loadJson<Record<string, unknown>>(this.file, {}));
  }

  /** Runs a transaction atomically; its effects are on disk before it returns. */
  apply(txn: Micro[]): Micro[] {
    const out = applyTo(this.state, txn);
    if (txn.some(([f]) => f !== 'r')) saveJson(this.file, this.state);
    return out;
  }

  handle(body: Body): Body {
    if (body.type === 'p_txn') return { type: 'p_txn_ok', txn: this.apply(body.txn as Micro[]) };
    if (body.type === 'p_snapshot') return { type: 'p_snapshot_ok', state: this.state };
    throw new NodeError(CODE.notSupported, `the primary does not support ${body.type}`);
  }
}

/** A node's stale copy of the primary's state (the stale flavor). */
let replica: Record<string, unknown> = Object.create(null) as Record<string, unknown>;

node.onInit(() => {
  serveOnPrimary(new TxnStore(), { idempotent: ['p_snapshot'], once: ['p_txn'] });
  if (flavor === 'stale') {
    setInterval(() => {
      callPrimary({ type: 'p_snapshot' }).then((r) => {
        replica = Object.assign(Object.create(null) as Record<string, unknown>, r.state as Record<string, unknown>);
      }, () => {});
    }, gossipMs);
  }
});

node.on('txn', async (m) => {
  const txn = m.body.txn as Micro[];
  if (!Array.isArray(txn)) throw new NodeError(CODE.malformedRequest, 'txn must be a list of micro-ops');
  if (flavor === 'serializable') {
    const r = await callPrimary({ type: 'p_txn', txn });
    return { type: 'txn_ok', txn: r.txn };
  }
  // Stale: run it on a copy of the replica; only the writes go on to the primary.
  const done = applyTo(Object.assign(Object.create(null) as Record<string, unknown>, replica), txn);
  const writes = txn.filter(([f]) => f !== 'r');
  if (writes.length) await callPrimary({ type: 'p_txn', txn: writes });
  return { type: 'txn_ok', txn: done };
});

node.main();
