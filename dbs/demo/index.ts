// The built-in systems under test (the embedded default: nothing to install beyond npm install).
// Each workload has a node program here and the flavors it can run as.
import { UsageError } from '../../src/errors.ts';
import type { Db, RunOptions } from '../../src/types.ts';
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
  cache: {
    script: 'cache-node',
    defaultFlavor: 'write-through',
    flavors: {
      'write-through': { description: 'writes to the store, reads from the store; linearizable' },
      invalidate: { description: 'per-node caches kept coherent by invalidation messages; stale under partitions' },
    },
  },
};

/** The flavor a run will use, or one clear sentence on why it cannot. */
export function resolveDemoFlavor(workload: string, flavor: string | undefined): string {
  const sys = demoSystems[workload];
  if (!sys) {
    throw new UsageError(`The built-in demo system has no ${workload} workload yet; it has: ${Object.keys(demoSystems).join(', ')}. Use --bin to test your own node.`);
  }
  const f = flavor ?? sys.defaultFlavor;
  if (!sys.flavors[f]) {
    throw new UsageError(`Unknown flavor "${f}" for ${workload}; valid flavors are: ${Object.keys(sys.flavors).join(', ')}.`);
  }
  return f;
}

export function demoConsistency(workload: string, flavor: string): 'linearizable' | 'eventual' {
  return demoSystems[workload]?.flavors[flavor]?.consistency ?? 'linearizable';
}

export function demoDb(opts: RunOptions): Db {
  const flavor = resolveDemoFlavor(opts.workload, opts.flavor);
  const script = sibling(import.meta.url, `./${demoSystems[opts.workload].script}`);
  return processDb(`demo/${opts.workload}/${flavor}`, () => ({
    argv: [...nodeArgv(script), '--flavor', flavor, ...(opts.capacity ? ['--capacity', String(opts.capacity)] : []),
      ...(opts.workload === 'lock' && opts.leaseMs ? ['--lease-ms', String(opts.leaseMs)] : [])],
  }));
}
