// etcd (Debian's etcd-server, a Raft cluster of all nodes) on docker and ssh nodes, driven by the
// real etcd3 client, one client per worker talking only to its own node's member.
//   register: read = linearizable range read, write = put, cas = txn (value == from) then put
//   counter:  --flavor cas: txn compare-and-swap loop; naive: get then put (loses updates)
//   lock:     lease-backed try-lock (EtcdLockClient below), TTL max(2 s, --lease-ms)
//   queue:    keys under a prefix, oldest by create revision, dequeued by a guarded delete
// Errors: a request that certainly never reached the server (connection refused) is a definite
// failure; a timeout, an unavailable leader or a reset connection may have committed: info.
// Reads fail rather than go indeterminate (they change nothing).
import { Etcd3, type Lease } from 'etcd3';
import { noop } from 'cockatiel';
import type { Client, Completion, Db, NodeHandle, Op, TestInfo } from '../src/types.ts';
import { daemonDb } from './daemon.ts';
import { ErrorCode } from '../src/op-errors.ts';
import { errorCompletion } from './client-errors.ts';

const CLIENT_PORT = 2379;
const PEER_PORT = 2380;

/** The node's address: a container's IP, an SSH host. */
const ipOf = (node: NodeHandle) => node.host;

function connect(node: NodeHandle): Etcd3 {
  return new Etcd3({
    hosts: `http://${ipOf(node)}:${CLIENT_PORT}`,
    dialTimeout: 2000,
    // No retries inside the client: a retried txn could apply twice or be misreported.
    faultHandling: { host: () => noop, global: noop },
  });
}

/** Whether an etcd3 error means the request certainly did not take effect. */
export function definite(e: unknown): boolean {
  const m = String((e as Error)?.message ?? e);
  return /ECONNREFUSED|EHOSTUNREACH|connect.*refused|No connection established/i.test(m);
}

const failed = <O extends Op>(op: O, e: unknown, node: string, readOnly: boolean) => errorCompletion(op, e, node, readOnly, definite);

/** Races a request with the op's abort signal (the op timeout): timed out is indeterminate. */
function bounded<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(new Error('timed out'));
    const onAbort = () => reject(new Error('timed out'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const key = (k: unknown) => `jepsen/${JSON.stringify(k ?? null)}`;
const decode = (s: string | null) => (s === null ? null : (JSON.parse(s) as unknown));

/** What every etcd client shares: one connection to the worker's own member, closed at the end. */
abstract class EtcdClient implements Client {
  constructor(protected readonly etcd: Etcd3 | null = null, protected readonly node = '') {}
  /** A connected copy of this client (same settings). */
  protected abstract connected(etcd: Etcd3, node: string): EtcdClient;
  async open(_test: TestInfo, node: NodeHandle): Promise<Client> {
    return this.connected(connect(node), node.name);
  }
  abstract invoke(test: TestInfo, op: Op, signal: AbortSignal): Promise<Completion>;
  async close(): Promise<void> {
    this.etcd?.close();
  }
}

class EtcdRegisterClient extends EtcdClient {
  protected connected(etcd: Etcd3, node: string) {
    return new EtcdRegisterClient(etcd, node);
  }
  async invoke(_test: TestInfo, op: Op, signal: AbortSignal): Promise<Completion> {
    const etcd = this.etcd!;
    const v = op.value as { key: unknown; value: unknown };
    try {
      if (op.f === 'read') {
        const s = await bounded(etcd.get(key(v.key)).string(), signal);
        return { ...op, type: 'ok', node: this.node, value: { key: v.key, value: decode(s) } };
      }
      if (op.f === 'write') {
        await bounded(etcd.put(key(v.key)).value(JSON.stringify(v.value)).exec(), signal);
        return { ...op, type: 'ok', node: this.node };
      }
      const [from, to] = v.value as [unknown, unknown];
      const r = await bounded(etcd.if(key(v.key), 'Value', '==', JSON.stringify(from)).then(etcd.put(key(v.key)).value(JSON.stringify(to))).commit(), signal);
      return { ...op, type: r.succeeded ? 'ok' : 'fail', node: this.node, ...(r.succeeded ? {} : { error: { code: 22, text: 'precondition failed' } }) };
    } catch (e) {
      return failed(op, e, this.node, op.f === 'read');
    }
  }
}

class EtcdCounterClient extends EtcdClient {
  constructor(private readonly flavor = 'cas', etcd: Etcd3 | null = null, node = '') {
    super(etcd, node);
  }
  protected connected(etcd: Etcd3, node: string) {
    return new EtcdCounterClient(this.flavor, etcd, node);
  }
  async invoke(_test: TestInfo, op: Op, signal: AbortSignal): Promise<Completion> {
    const etcd = this.etcd!;
    const k = 'jepsen/counter';
    try {
      if (op.f === 'read') {
        const s = await bounded(etcd.get(k).string(), signal);
        return { ...op, type: 'ok', node: this.node, value: s === null ? 0 : Number(s) };
      }
      const delta = Number(op.value);
      if (this.flavor === 'naive') {
        const cur = Number((await bounded(etcd.get(k).string(), signal)) ?? 0);
        await bounded(etcd.put(k).value(String(cur + delta)).exec(), signal);
        return { ...op, type: 'ok', node: this.node };
      }
      for (;;) {
        // Compare on the key's mod revision (0 = absent): exactly the value we read.
        const res = await bounded(etcd.get(k).exec(), signal);
        const kv = res.kvs[0];
        const cur = kv ? Number(kv.value.toString()) : 0;
        const rev = kv ? kv.mod_revision : '0';
        const r = await bounded(etcd.if(k, 'Mod', '==', rev).then(etcd.put(k).value(String(cur + delta))).commit(), signal);
        if (r.succeeded) return { ...op, type: 'ok', node: this.node };
      }
    } catch (e) {
      return failed(op, e, this.node, op.f === 'read');
    }
  }
}

/** A try-lock on etcd, as the concurrency recipe builds it: a key created in a transaction only if
 *  absent (Create revision 0), attached to a lease the client keeps alive while it holds the lock
 *  (etcd3's automatic keep-alive), the key's revision as the fencing token. Release deletes the
 *  key if it still holds our owner id, and revokes the lease. When keep-alives cannot reach the
 *  cluster (the member is paused or cut off) the lease expires and the key goes, while the client
 *  still believes it holds the lock — the hazard Jepsen reported for etcd locks. */
class EtcdLockClient extends EtcdClient {
  private readonly held = new Map<string, Lease>();
  constructor(private readonly ttlSeconds: number, etcd: Etcd3 | null = null, node = '') {
    super(etcd, node);
  }
  protected connected(etcd: Etcd3, node: string) {
    return new EtcdLockClient(this.ttlSeconds, etcd, node);
  }
  async invoke(_test: TestInfo, op: Op, signal: AbortSignal): Promise<Completion> {
    const etcd = this.etcd!;
    const v = op.value as { lock: unknown; owner: string };
    const k = `jepsen/lock/${JSON.stringify(v.lock ?? null)}`;
    try {
      if (op.f === 'acquire') {
        const lease = etcd.lease(this.ttlSeconds);
        lease.on('lost', () => {});
        try {
          const id = await bounded(lease.grant(), signal);
          const r = await bounded(etcd.if(k, 'Create', '==', 0).then(etcd.put(k).value(v.owner).lease(id)).else(etcd.get(k)).commit(), signal);
          if (r.succeeded) {
            this.held.get(k)?.revoke().catch(() => {});
            this.held.set(k, lease);
            return { ...op, type: 'ok', node: this.node, value: { ...v, fence: Number(r.header.revision) } };
          }
          await lease.revoke().catch(() => {});
          const kv = r.responses[0]?.response_range?.kvs?.[0];
          const holder = kv ? kv.value.toString() : '?';
          // Ours already (an earlier acquire whose answer was lost, on a lease still alive).
          if (holder === v.owner && kv) return { ...op, type: 'ok', node: this.node, value: { ...v, fence: Number(kv.create_revision) } };
          return { ...op, type: 'fail', node: this.node, error: { code: 11, text: `lock held by ${holder}` } };
        } catch (e) {
          lease.revoke().catch(() => {});
          throw e;
        }
      }
      const r = await bounded(etcd.if(k, 'Value', '==', v.owner).then(etcd.delete().key(k)).commit(), signal);
      const lease = this.held.get(k);
      this.held.delete(k);
      lease?.revoke().catch(() => {});
      if (!r.succeeded) return { ...op, type: 'fail', node: this.node, error: { code: 22, text: `${v.owner} does not hold the lock (its lease expired?)` } };
      return { ...op, type: 'ok', node: this.node };
    } catch (e) {
      return failed(op, e, this.node, false);
    }
  }
  override async close(): Promise<void> {
    for (const lease of this.held.values()) lease.release();
    await super.close();
  }
}

/** Transactions (list-append, rw-register) as etcd transactions, optimistically: the keys a
 *  transaction touches are read in one read-only txn (one revision: a snapshot), the transaction
 *  runs on that snapshot (its reads see its own earlier writes), and its writes commit in one txn
 *  guarded by every touched key's mod revision — retried from the start when another transaction
 *  got there first, so what commits is strict serializable. A transaction that only reads is its
 *  snapshot read alone. */
class EtcdTxnClient extends EtcdClient {
  protected connected(etcd: Etcd3, node: string) {
    return new EtcdTxnClient(etcd, node);
  }
  async invoke(_test: TestInfo, op: Op, signal: AbortSignal): Promise<Completion> {
    const etcd = this.etcd!;
    const txn = op.value as Array<[string, unknown, unknown]>;
    const keys = [...new Set(txn.map(([, k]) => `jepsen/txn/${JSON.stringify(k ?? null)}`))];
    const readOnly = txn.every(([f]) => f === 'r');
    try {
      for (let attempt = 0; attempt < 50; attempt++) {
        // The snapshot: every touched key at one revision (a txn whose compare always holds).
        // (then() takes every operation at once: called again it replaces them.)
        const snap = await bounded(etcd.if(keys[0], 'Mod', '>', -1).then(...keys.map((k) => etcd.get(k))).commit(), signal);
        const state = new Map<string, { value: unknown; mod: string }>();
        snap.responses.forEach((r, i) => {
          const kv = r.response_range?.kvs?.[0];
          state.set(keys[i], { value: kv ? JSON.parse(kv.value.toString()) as unknown : null, mod: kv ? kv.mod_revision : '0' });
        });
        const local = new Map([...state].map(([k, v]) => [k, v.value]));
        const out = txn.map(([f, k, v]): [string, unknown, unknown] => {
          const key = `jepsen/txn/${JSON.stringify(k ?? null)}`;
          if (f === 'r') return [f, k, local.get(key) ?? null];
          const cur = local.get(key);
          local.set(key, f === 'append' ? [...(Array.isArray(cur) ? cur : []), v] : v);
          return [f, k, v];
        });
        if (readOnly) return { ...op, type: 'ok', node: this.node, value: out };
        const written = [...new Set(txn.filter(([f]) => f !== 'r').map(([, k]) => `jepsen/txn/${JSON.stringify(k ?? null)}`))];
        let b = etcd.if(keys[0], 'Mod', '==', state.get(keys[0])!.mod);
        for (const k of keys.slice(1)) b = b.and(k, 'Mod', '==', state.get(k)!.mod);
        const r = await bounded(b.then(...written.map((k) => etcd.put(k).value(JSON.stringify(local.get(k))))).commit(), signal);
        if (r.succeeded) return { ...op, type: 'ok', node: this.node, value: out };
      }
      return { ...op, type: 'fail', node: this.node, error: { code: ErrorCode.txnConflict, text: 'gave up after 50 conflicting attempts' } };
    } catch (e) {
      return failed(op, e, this.node, readOnly);
    }
  }
}

/** A queue as keys under a prefix: enqueue puts a fresh key (the value's own id, so a retried
 *  put cannot make two messages); dequeue reads the oldest key by create revision and deletes it
 *  in a transaction that succeeds only if nobody changed it since (mod revision), retrying on a
 *  lost race — each message is delivered once. Acknowledgement is the delete itself. */
class EtcdQueueClient extends EtcdClient {
  protected connected(etcd: Etcd3, node: string) {
    return new EtcdQueueClient(etcd, node);
  }
  async invoke(_test: TestInfo, op: Op, signal: AbortSignal): Promise<Completion> {
    const etcd = this.etcd!;
    try {
      if (op.f === 'enqueue') {
        await bounded(etcd.put(`jepsen/queue/${JSON.stringify(op.value)}`).value(JSON.stringify(op.value)).exec(), signal);
        return { ...op, type: 'ok', node: this.node };
      }
      for (;;) {
        const r = await bounded(etcd.getAll().prefix('jepsen/queue/').sort('Create', 'Ascend').limit(1).exec(), signal);
        const kv = r.kvs[0];
        if (!kv) return { ...op, type: 'fail', node: this.node, error: { code: 20, text: 'queue empty' } };
        const key = kv.key.toString();
        const del = await bounded(etcd.if(key, 'Mod', '==', kv.mod_revision).then(etcd.delete().key(key)).commit(), signal);
        if (del.succeeded) return { ...op, type: 'ok', node: this.node, value: { value: JSON.parse(kv.value.toString()), id: `${key}@${kv.create_revision}`, acked: true } };
      }
    } catch (e) {
      // A dequeue whose delete may have committed has taken a message we never saw: indeterminate.
      return failed(op, e, this.node, false);
    }
  }
}

export interface EtcdOptions {
  /** Counter: cas (txn on the mod revision, retried; default) or naive (get then put). */
  flavor?: 'cas' | 'naive';
  /** Lock: lease time to live in ms (at least 2 s; default 2000). */
  leaseMs?: number;
}

const ETCD_COUNTER_FLAVORS = ['cas', 'naive'];

/** etcd (Debian's etcd-server), a Raft cluster of all nodes, driven by the real etcd3 client. */
export function etcd(o: EtcdOptions = {}): Db {
  const flavor = o.flavor ?? 'cas';
  const leaseMs = o.leaseMs ?? 2000;
  const db = etcdDaemon(flavor, leaseMs);
  return {
    ...db,
    providers: ['docker', 'ssh'],
    options: (given) => [
      ...(given.workload === 'counter' ? [{ name: 'flavor', type: 'string', default: flavor, choices: ETCD_COUNTER_FLAVORS, description: 'etcd counter: cas (txn on the mod revision, retried) or naive (get then put)' } as const] : []),
      ...(given.workload === 'lock' ? [{ name: 'leaseMs', type: 'integer', default: leaseMs, min: 1, unit: 'ms', description: 'etcd lock lease time to live in ms (at least 2 s)' } as const] : []),
    ],
    configure: (opts) => etcd({ flavor: (opts.flavor as 'cas' | 'naive' | undefined) ?? flavor, leaseMs: (opts.leaseMs as number | undefined) ?? leaseMs }),
    refuse: ({ nemeses }) => (nemeses.includes('clock')
      ? 'etcd is a Go program: it reads the clock without libc, so libfaketime cannot move its clock and --nemesis clock would do nothing to it; drop clock from --nemesis (the built-in systems on the local provider take clock faults).'
      : undefined),
  };
}

function etcdDaemon(flavor: string, leaseMs: number): Db {
  return daemonDb({
    name: 'etcd',
    packages: [{ command: 'etcd', pkg: 'etcd-server' }, { command: 'etcdctl', pkg: 'etcd-client' }],
    stopServices: ['etcd'],
    clients: {
      register: () => new EtcdRegisterClient(),
      counter: () => new EtcdCounterClient(flavor),
      queue: () => new EtcdQueueClient(),
      lock: () => new EtcdLockClient(Math.max(2, Math.ceil(leaseMs / 1000))),
      'list-append': () => new EtcdTxnClient(),
      'rw-register': () => new EtcdTxnClient(),
    },
    command(test, node) {
      const cluster = test.cluster!.nodes.map((n) => `${n.name}=http://${ipOf(n)}:${PEER_PORT}`).join(',');
      const ip = ipOf(node);
      return [
        'etcd', '--name', node.name, '--data-dir', `${node.dir}/etcd`,
        '--listen-peer-urls', `http://0.0.0.0:${PEER_PORT}`, '--listen-client-urls', `http://0.0.0.0:${CLIENT_PORT}`,
        '--advertise-client-urls', `http://${ip}:${CLIENT_PORT}`, '--initial-advertise-peer-urls', `http://${ip}:${PEER_PORT}`,
        '--initial-cluster', cluster, '--initial-cluster-state', 'new', '--initial-cluster-token', `jepsen-${test.runId}`,
      ];
    },
    async ready(_test, node) {
      const deadline = Date.now() + 30_000;
      let last = '';
      while (Date.now() < deadline) {
        const r = await node.remote.exec(['etcdctl', `--endpoints=http://127.0.0.1:${CLIENT_PORT}`, '--command-timeout=2s', 'endpoint', 'health'], { env: { ETCDCTL_API: '3' }, timeoutMs: 5000 });
        if (r.code === 0) return;
        last = (r.stderr || r.stdout).trim().split('\n').pop() ?? '';
        await new Promise((res) => setTimeout(res, 500));
      }
      throw new Error(`etcd on ${node.name} did not become healthy within 30 s: ${last}`);
    },
    async primaries(test) {
      return test.nodes;
    },
  });
}
