// The built-in counter service, run as one process per node under the local provider.
//   naive: add = get + put against the primary copy on n1 (loses updates under concurrency)
//   lock:  the same, holding a lease lock with a fencing token across get and put
//   cas:   get, then compare-and-set, retried from the current value the refusal carries
//   crdt:  a PN-counter replicated by gossip; reads are local (eventually consistent)
// A node cut off from the primary answers with a timeout error rather than inventing answers.
import { PnCounter } from './pn-counter.ts';
import { CODE, NodeError, sleep } from './runtime.ts';
import { demoNode } from './demo-node.ts';

const { flavor, rpcTimeout, gossipMs, dataDir, node, callPrimary, servePrimaryStore } = demoNode('counter', ['naive', 'lock', 'cas', 'crdt'], 'cas');
let crdt: PnCounter | null = null;

node.onInit(() => {
  if (flavor === 'crdt') {
    crdt = new PnCounter(node.id, dataDir);
    setInterval(() => {
      for (const peer of node.nodeIds) if (peer !== node.id) node.send(peer, { type: 'gossip', state: crdt!.state });
    }, gossipMs);
    setInterval(() => crdt!.compact(), 5000);
  } else {
    servePrimaryStore();
  }
});

node.on('gossip', (m) => {
  crdt?.merge(m.body.state as never);
});

const readPrimary = async (): Promise<number> => Number((await callPrimary({ type: 'p_get' })).value ?? 0);

async function addNaive(delta: number): Promise<void> {
  const v = await readPrimary();
  await callPrimary({ type: 'p_put', value: v + delta });
}

async function addLocked(delta: number, owner: string): Promise<void> {
  const deadline = Date.now() + rpcTimeout;
  let token: number | null = null;
  while (token === null) {
    try {
      token = Number((await callPrimary({ type: 'p_lock', lock: 'counter', owner })).token);
    } catch (e) {
      if (!(e instanceof NodeError) || e.code !== CODE.temporarilyUnavailable || Date.now() > deadline) throw e;
      await sleep(2 + Math.random() * 8);
    }
  }
  try {
    const v = await readPrimary();
    await callPrimary({ type: 'p_put', value: v + delta, token, lock: 'counter' });
  } finally {
    callPrimary({ type: 'p_unlock', lock: 'counter', token }).catch(() => {});
  }
}

/** The longest a conflicted cas waits before trying again, in ms. */
const MAX_BACKOFF_MS = 32;

async function addCas(delta: number): Promise<void> {
  const deadline = Date.now() + rpcTimeout;
  // The counter starts absent: compare against what is really there (null), not against 0.
  let raw: unknown = (await callPrimary({ type: 'p_get' })).value ?? null;
  for (let attempt = 0; ; attempt++) {
    try {
      await callPrimary({ type: 'p_cas', from: raw, to: Number(raw ?? 0) + delta });
      return;
    } catch (e) {
      // A conflict means our cas certainly did not apply: someone else's won, so the system made
      // progress. The first retry starts from the current value the refusal carries, at once;
      // after that, conflicts mean contention, and retrying at once would only add to it (every
      // refused cas is two messages the primary must handle): wait a random time up to a bound
      // that doubles (exponential backoff, full jitter), then read the value afresh.
      if (!(e instanceof NodeError) || e.code !== CODE.preconditionFailed) throw e;
      if (Date.now() > deadline) throw new NodeError(CODE.txnConflict, 'gave up after repeated conflicts');
      if (attempt === 0 && 'current' in e.details) {
        raw = e.details.current;
      } else {
        await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
        raw = (await callPrimary({ type: 'p_get' })).value ?? null;
      }
    }
  }
}

let ownerSeq = 0;
node.on('add', async (m) => {
  const delta = Number(m.body.delta);
  if (!Number.isFinite(delta)) throw new NodeError(12, 'add needs a numeric delta');
  switch (flavor) {
    case 'naive': await addNaive(delta); break;
    case 'lock': await addLocked(delta, `${node.id}-${++ownerSeq}`); break;
    case 'cas': await addCas(delta); break;
    case 'crdt': crdt!.add(delta); break;
  }
  return { type: 'add_ok' };
});

node.on('read', async () => {
  if (flavor === 'crdt') return { type: 'read_ok', value: crdt!.value() };
  return { type: 'read_ok', value: await readPrimary() };
});

node.main();
