// Redis (Debian's redis-server): n1 is the primary, every other node replicates it (replicaof),
// with an append-only file in the node's data directory; driven by the real ioredis client.
//   counter: --flavor naive: GET then SET (loses updates under concurrency); incr: INCRBY;
//            cas: WATCH / GET / MULTI SET EXEC, retried when EXEC is aborted. All on the primary.
//   register, cache: GET from the worker's own node (a replica: replication lag shows as stale
//            reads), SET and a WATCH/MULTI compare-and-set on the primary.
//   lock:    SET NX PX with the owner as token, Lua compare-and-delete release (RedisLockClient).
//   queue:   LPUSH, LMOVE to a processing list, LREM to ack (RedisQueueClient): at-least-once.
// Errors: the client never queues commands while disconnected, so "not connected" is a definite
// failure; a timeout or a connection lost mid-command is indeterminate. Reads fail instead.
import { Redis } from 'ioredis';
import type { Client, Completion, Db, NodeHandle, Op, TestInfo } from '../src/types.ts';
import { daemonDb } from './daemon.ts';
import { errorCompletion } from './client-errors.ts';

const PORT = 6379;
const COUNTER = 'jepsen:counter';

/** The node's address: a container's IP, an SSH host. */
const ipOf = (node: NodeHandle) => node.host;

function connect(ip: string, commandTimeout: number): Redis {
  return new Redis({
    host: ip, port: PORT, lazyConnect: false, enableOfflineQueue: false, maxRetriesPerRequest: 0,
    connectTimeout: 2000, commandTimeout, retryStrategy: () => 200, enableReadyCheck: false,
  });
}

export function definite(e: unknown): boolean {
  const m = String((e as Error)?.message ?? e);
  return /Stream isn't writeable|enableOfflineQueue|ECONNREFUSED|Connection is closed\.?$/i.test(m) && !/timed? ?out/i.test(m);
}

const failed = <O extends Op>(op: O, e: unknown, node: string, readOnly: boolean) => errorCompletion(op, e, node, readOnly, definite);

const primaryOf = (test: TestInfo) => ipOf(test.cluster!.nodes[0]);

class RedisCounterClient implements Client {
  constructor(private readonly flavor: string, private readonly redis: Redis | null = null, private readonly node = '') {}
  async open(test: TestInfo, node: NodeHandle): Promise<Client> {
    return new RedisCounterClient(this.flavor, connect(primaryOf(test), test.opts.opTimeout * 1000), test.cluster!.nodes[0].name ?? node.name);
  }
  async invoke(_test: TestInfo, op: Op): Promise<Completion> {
    const r = this.redis!;
    try {
      if (op.f === 'read') return { ...op, type: 'ok', node: this.node, value: Number((await r.get(COUNTER)) ?? 0) };
      const delta = Number(op.value);
      if (this.flavor === 'incr') {
        await r.incrby(COUNTER, delta);
      } else if (this.flavor === 'naive') {
        const cur = Number((await r.get(COUNTER)) ?? 0);
        await r.set(COUNTER, String(cur + delta));
      } else {
        for (;;) {
          await r.watch(COUNTER);
          const cur = Number((await r.get(COUNTER)) ?? 0);
          const res = await r.multi().set(COUNTER, String(cur + delta)).exec();
          if (res !== null) break; // null: someone wrote the key since WATCH; nothing was applied
        }
      }
      return { ...op, type: 'ok', node: this.node };
    } catch (e) {
      return failed(op, e, this.node, op.f === 'read');
    }
  }
  async close(): Promise<void> {
    this.redis?.disconnect();
  }
}

class RedisRegisterClient implements Client {
  constructor(private readonly local: Redis | null = null, private readonly primary: Redis | null = null, private readonly node = '') {}
  async open(test: TestInfo, node: NodeHandle): Promise<Client> {
    const t = test.opts.opTimeout * 1000;
    return new RedisRegisterClient(connect(ipOf(node), t), connect(primaryOf(test), t), node.name);
  }
  async invoke(_test: TestInfo, op: Op): Promise<Completion> {
    const v = op.value as { key: unknown; value: unknown };
    const k = `jepsen:${JSON.stringify(v.key ?? null)}`;
    try {
      if (op.f === 'read') {
        const s = await this.local!.get(k);
        return { ...op, type: 'ok', node: this.node, value: { key: v.key, value: s === null ? null : JSON.parse(s) } };
      }
      if (op.f === 'write') {
        await this.primary!.set(k, JSON.stringify(v.value));
        return { ...op, type: 'ok', node: this.node };
      }
      const [from, to] = v.value as [unknown, unknown];
      const p = this.primary!;
      await p.watch(k);
      const cur = await p.get(k);
      if (cur !== JSON.stringify(from)) {
        await p.unwatch();
        return { ...op, type: 'fail', node: this.node, error: { code: 22, text: 'precondition failed' } };
      }
      const res = await p.multi().set(k, JSON.stringify(to)).exec();
      return res === null ? { ...op, type: 'fail', node: this.node, error: { code: 30, text: 'conflict (EXEC aborted)' } } : { ...op, type: 'ok', node: this.node };
    } catch (e) {
      return failed(op, e, this.node, op.f === 'read');
    }
  }
  async close(): Promise<void> {
    this.local?.disconnect();
    this.primary?.disconnect();
  }
}

/** SET key owner NX PX ttl to acquire (the Redis lock recipe, on the primary); release by a Lua
 *  compare-and-delete, so only the holder's token removes it. The expiry is timed by the primary
 *  alone; a holder that outlives its TTL has lost the lock without knowing. Fence: INCR of a
 *  per-lock counter in the same script as the SET. */
const ACQUIRE = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return redis.call('INCR', KEYS[2]) end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]); return -1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

class RedisLockClient implements Client {
  constructor(private readonly ttlMs: number, private readonly redis: Redis | null = null, private readonly node = '') {}
  async open(test: TestInfo): Promise<Client> {
    return new RedisLockClient(this.ttlMs, connect(primaryOf(test), test.opts.opTimeout * 1000), test.cluster!.nodes[0].name);
  }
  async invoke(_test: TestInfo, op: Op): Promise<Completion> {
    const v = op.value as { lock: unknown; owner: string };
    const k = `jepsen:lock:${JSON.stringify(v.lock ?? null)}`;
    try {
      if (op.f === 'acquire') {
        const r = Number(await this.redis!.eval(ACQUIRE, 2, k, `${k}:fence`, v.owner, String(this.ttlMs)));
        if (r === 0) return { ...op, type: 'fail', node: this.node, error: { code: 11, text: 'lock held by another owner' } };
        return { ...op, type: 'ok', node: this.node, value: r > 0 ? { ...v, fence: r } : v };
      }
      const r = Number(await this.redis!.eval(RELEASE, 1, k, v.owner));
      return r === 1 ? { ...op, type: 'ok', node: this.node } : { ...op, type: 'fail', node: this.node, error: { code: 22, text: `${v.owner} does not hold the lock (expired?)` } };
    } catch (e) {
      return failed(op, e, this.node, false);
    }
  }
  async close(): Promise<void> {
    this.redis?.disconnect();
  }
}

/** LPUSH to enqueue; LMOVE to a processing list to dequeue; LREM from it to acknowledge. When the
 *  queue is empty, an unacknowledged message is moved back and delivered again: at-least-once. */
class RedisQueueClient implements Client {
  constructor(private readonly redis: Redis | null = null, private readonly node = '') {}
  async open(test: TestInfo): Promise<Client> {
    return new RedisQueueClient(connect(primaryOf(test), test.opts.opTimeout * 1000), test.cluster!.nodes[0].name);
  }
  async invoke(_test: TestInfo, op: Op): Promise<Completion> {
    const r = this.redis!;
    try {
      if (op.f === 'enqueue') {
        await r.lpush('jepsen:queue', JSON.stringify(op.value));
        return { ...op, type: 'ok', node: this.node };
      }
      let raw = await r.lmove('jepsen:queue', 'jepsen:processing', 'RIGHT', 'LEFT');
      if (raw === null) {
        // Redeliver the oldest unacknowledged message, if any.
        raw = await r.lmove('jepsen:processing', 'jepsen:processing', 'RIGHT', 'LEFT');
        if (raw === null) return { ...op, type: 'fail', node: this.node, error: { code: 20, text: 'queue empty' } };
      }
      let acked = false;
      if ((op.value as { ack?: boolean } | null)?.ack) acked = (await r.lrem('jepsen:processing', 1, raw).catch(() => 0)) === 1;
      return { ...op, type: 'ok', node: this.node, value: { value: JSON.parse(raw), id: raw, acked } };
    } catch (e) {
      return failed(op, e, this.node, false);
    }
  }
  async close(): Promise<void> {
    this.redis?.disconnect();
  }
}

export const REDIS_COUNTER_FLAVORS = ['naive', 'incr', 'cas'];

export interface RedisOptions {
  /** Counter: incr (INCRBY; default), naive (GET then SET) or cas (WATCH/MULTI/EXEC). */
  flavor?: 'incr' | 'naive' | 'cas';
  /** Lock: PX time to live in ms (default 10000). */
  leaseMs?: number;
}

/** Redis (Debian's redis-server): n1 the primary, the others its replicas, driven by ioredis. */
export function redis(o: RedisOptions = {}): Db {
  const flavor = o.flavor ?? 'incr';
  const leaseMs = o.leaseMs ?? 10_000;
  const db = redisDaemon(flavor, leaseMs);
  return {
    ...db,
    providers: ['docker', 'ssh'],
    options: (given) => [
      ...(given.workload === 'counter' ? [{ name: 'flavor', type: 'string', default: flavor, choices: REDIS_COUNTER_FLAVORS, description: 'Redis counter: incr (INCRBY), naive (GET then SET) or cas (WATCH/MULTI/EXEC)' } as const] : []),
      ...(given.workload === 'lock' ? [{ name: 'leaseMs', type: 'integer', default: leaseMs, min: 1, unit: 'ms', description: 'Redis lock time to live (PX) in ms' } as const] : []),
    ],
    configure: (opts) => redis({ flavor: (opts.flavor as RedisOptions['flavor']) ?? flavor, leaseMs: (opts.leaseMs as number | undefined) ?? leaseMs }),
    refuse: ({ nemeses }) => (nemeses.includes('clock')
      ? "Debian's redis-server (built with jemalloc) cannot start under libfaketime 0.9.10 (it stops on a recursive clock_gettime during start-up), so --nemesis clock cannot run against it; drop clock from --nemesis (the built-in systems on the local provider take clock faults)."
      : undefined),
  };
}

function redisDaemon(flavor: string, leaseMs: number): Db {
  return daemonDb({
    name: 'redis',
    packages: [{ command: 'redis-server', pkg: 'redis-server' }, { command: 'redis-cli', pkg: 'redis-tools' }],
    stopServices: ['redis-server'],
    clients: {
      counter: () => new RedisCounterClient(flavor),
      register: () => new RedisRegisterClient(),
      cache: () => new RedisRegisterClient(),
      lock: () => new RedisLockClient(leaseMs),
      queue: () => new RedisQueueClient(),
    },
    command(test, node) {
      const primary = test.cluster!.nodes[0];
      return [
        'redis-server', '--port', String(PORT), '--bind', '0.0.0.0', '--protected-mode', 'no',
        '--dir', node.dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '',
        ...(node.name === primary.name ? [] : ['--replicaof', ipOf(primary), String(PORT)]),
      ];
    },
    async ready(_test, node) {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const r = await node.remote.exec(['redis-cli', '-p', String(PORT), 'ping'], { timeoutMs: 3000 });
        if (r.code === 0 && r.stdout.trim() === 'PONG') return;
        await new Promise((res) => setTimeout(res, 300));
      }
      throw new Error(`redis on ${node.name} did not answer PING within 20 s`);
    },
    async primaries(test) {
      return test.nodes.slice(0, 1);
    },
  });
}
