// The built-in lock service: `acquire {lock, owner}` → `acquire_ok {fence}`, `release {lock,
// owner}` → `release_ok`, on any node; the lock table lives on the primary (n1, lock-table.ts).
//   lease:  like an etcd or Hazelcast session lock: the node a client acquired through keeps the
//           lease alive for it (every leaseMs/3) until the client releases. Correct while clocks
//           are sane and nobody pauses; a paused node stops its keep-alives, a jump of the
//           primary's clock ends every lease — and a second owner gets the lock while the first
//           still believes it holds it.
//   fenced: grants last until released (nothing expires), written to disk before they are
//           acknowledged, with fencing tokens: safe under partitions, kills, pauses and clock
//           jumps; unavailable while the primary is down or cut off.
import { LockTable } from './lock-table.ts';
import { CODE, NodeError, arg } from './runtime.ts';
import { demoNode } from './demo-node.ts';

const { flavor, dataDir, node, callPrimary, serveOnPrimary } = demoNode('lock', ['lease', 'fenced'], 'fenced');
const leaseMs = Number(arg('lease-ms', '300'));

node.onInit(() => {
  serveOnPrimary(new LockTable(dataDir, flavor as 'lease' | 'fenced', leaseMs), { idempotent: ['p_keepalive'], once: ['p_acquire', 'p_release'] });
});

/** Keep-alive timers of the leases this node holds for its clients, by lock and owner. */
const keepalives = new Map<string, NodeJS.Timeout>();
const leaseKey = (lock: string, owner: string) => `${lock}\u0000${owner}`;

function stopKeepalive(lock: string, owner: string): void {
  const t = keepalives.get(leaseKey(lock, owner));
  if (t) clearInterval(t);
  keepalives.delete(leaseKey(lock, owner));
}

function startKeepalive(lock: string, owner: string): void {
  const k = leaseKey(lock, owner);
  if (keepalives.has(k)) return;
  const timer = setInterval(() => {
    callPrimary({ type: 'p_keepalive', lock, owner }).catch((e: unknown) => {
      // The primary says the lease is over: stop. A timeout may be a lost message: keep trying.
      if (e instanceof NodeError && e.code === CODE.preconditionFailed) {
        node.log(`lease on ${lock} for ${owner} ended: ${e.message}`);
        stopKeepalive(lock, owner);
      }
    });
  }, Math.max(1, Math.floor(leaseMs / 3)));
  keepalives.set(k, timer);
}

const fields = (body: Record<string, unknown>) => {
  if (body.lock === undefined || body.owner === undefined) throw new NodeError(12, 'acquire and release need a lock and an owner');
  return { lock: String(body.lock), owner: String(body.owner) };
};

node.on('acquire', async (m) => {
  const { lock, owner } = fields(m.body);
  const r = await callPrimary({ type: 'p_acquire', lock, owner });
  if (flavor === 'lease') startKeepalive(lock, owner);
  return { type: 'acquire_ok', fence: r.fence };
});

node.on('release', async (m) => {
  const { lock, owner } = fields(m.body);
  stopKeepalive(lock, owner);
  await callPrimary({ type: 'p_release', lock, owner });
  return { type: 'release_ok' };
});

node.main();
