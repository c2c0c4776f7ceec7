// The built-in systems under test (the embedded default: nothing to install beyond npm install).
// Each workload has a node program here and the flavors it can run as.
import { UsageError } from '../../src/errors.ts';
import type { Db } from '../../src/types.ts';
import { processDb } from '../process-db.ts';
import { nodeArgv, sibling } from '../../src/util/paths.ts';


interface DemoSystem {
  script: string;
  flavors: Record<string, { description: string; consistency?: 'linearizable' | 'eventual' }>;
  defaultFlavor: string;
}

export const demoSystems: Record<string, DemoSystem> = {
  counter: {
    script: 'counter-node',
    defaultFlavor: 'cas',
    flavors: {
      naive: { description: 'get + put against the primary copy (loses updates)' },
      lock: { description: 'get + put under a lease lock with a fencing token' },
      cas: { description: 'optimistic compare-and-set retry loop' },
      crdt: { description: 'PN-counter CRDT replicated by gossip, with a write-ahead log', consistency: 'eventual' },
    },
  },
  register: {
    script: 'register-node',
    defaultFlavor: 'lin',
    flavors: {
      lin: { description: 'one authoritative copy on the primary; linearizable' },
      lww: { description: 'replicas with last-write-wins gossip; stale reads under partitions' },
    },
  },
  queue: {
    script: 'queue-node',
    defaultFlavor: 'wal',
    flavors: {
      memory: { description: 'in-memory queue on each node; at-most-once, loses messages on kill' },
      wal: { description: 'write-ahead log on the primary, redelivery of unacked messages; at-least-once' },
    },
  },
  lock: {
    script: 'lock-node',
    defaultFlavor: 'fenced',
    flavors: {
      lease: { description: 'leases kept alive by the node, timed on the primary\'s wall clock; unsafe under pauses, clock jumps and partitions' },
      fenced: { description: 'durable grants held until released, with fencing tokens; safe, unavailable while the primary is unreachable' },
    },
  },
  'list-append': {
    script: 'txn-node',
    defaultFlavor: 'serializable',
    flavors: {
      serializable: { description: 'every transaction runs whole on the primary, one at a time; strict serializable' },
      stale: { description: 'transactions run on a stale local replica, their writes sent on to the primary; G-single and worse' },
    },
  },
  'rw-register': {
    script: 'txn-node',
    defaultFlavor: 'serializable',
    flavors: {
      serializable: { description: 'every transaction runs whole on the primary, one at a time; strict serializable' },
      stale: { description: 'transactions run on a stale local replica, their writes sent on to the primary; G-single and worse' },
    },
  },
  cache: {
    script: 'cache-node',
    defaultFlavor: 'write-through',
    flavors: {
      'write-through': { description: 'writes to the store, reads from the store; linearizable' },
      invalidate: { description: 'per-node caches kept coherent by invalidation messages; stale under partitions' },
    },
  },
};

export interface DemoOptions {
  /** The variant of the built-in system (see demoSystems). */
  flavor?: string;
  /** Queue: bound the queue; a full queue refuses enqueues. */
  capacity?: number;
  /** Lock, lease flavor: lease time to live in ms (default 300). */
  leaseMs?: number;
}

/** The built-in system for one workload: node processes speaking the node protocol, on the
 *  local provider. Its flavors are the designs under test (a naive counter, a CRDT, ...). */
export function demo(workload: string, o: DemoOptions = {}): Db {
  const sys = demoSystems[workload];
  if (!sys) throw new UsageError(`The built-in demo system has no ${workload} workload; it has: ${Object.keys(demoSystems).join(', ')}. Use --bin to test your own node.`);
  const flavor = o.flavor ?? sys.defaultFlavor;
  const script = sibling(import.meta.url, `./${sys.script}`);
  const argv = [...nodeArgv(script), '--flavor', flavor,
    ...(o.capacity !== undefined ? ['--capacity', String(o.capacity)] : []),
    ...(workload === 'lock' ? ['--lease-ms', String(o.leaseMs ?? 300)] : [])];
  const db = processDb(`demo/${workload}/${flavor}`, () => ({ argv }));
  return {
    ...db,
    providers: ['local'],
    options: [
      {
        name: 'flavor', type: 'string', default: flavor, choices: Object.keys(sys.flavors),
        description: `Variant of the built-in ${workload} system: ${Object.entries(sys.flavors).map(([f, d]) => `${f} (${d.description})`).join('; ')}`,
      },
      ...(workload === 'queue' ? [{ name: 'capacity', type: 'integer', min: 1, max: 1e9, description: 'Bound the built-in queue: a full queue refuses enqueues' } as const] : []),
      ...(workload === 'lock' ? [{ name: 'leaseMs', type: 'integer', default: o.leaseMs ?? 300, min: 1, unit: 'ms', description: 'Lease time to live in ms (lease flavor)' } as const] : []),
    ],
    configure: (opts) => demo(workload, { flavor: opts.flavor as string, capacity: opts.capacity as number | undefined, leaseMs: opts.leaseMs as number | undefined }),
    // A CRDT converges only eventually: check it that way unless told otherwise.
    suggest: (given) => {
      const f = typeof given.flavor === 'string' ? given.flavor : flavor;
      const consistency = sys.flavors[f]?.consistency;
      return consistency ? { consistency } : {};
    },
  };
}
