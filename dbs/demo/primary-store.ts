// The primary copy of the Hazelcast-style map that the naive, lock and cas counter flavors share:
// one authoritative value on the primary node, with get, put, compare-and-set and a lease lock
// with fencing tokens. Every change goes to the write-ahead log in the data directory before it
// is acknowledged, so a SIGKILL of the primary loses nothing it acknowledged.
import { WalState } from './wal.ts';
import { CODE, type Body, type Msg, type Node, NodeError } from './runtime.ts';

interface State {
  values: Record<string, unknown>;
  /** Fencing tokens only ever grow, across restarts too. */
  lastToken: number;
}

/** A log entry says what a key's value became, or what the last token issued was. */
type Change = { key: string; value: unknown } | { lastToken: number };

const applyChange = (s: State, c: Change): void => {
  if ('lastToken' in c) s.lastToken = Math.max(s.lastToken, Number(c.lastToken));
  else s.values[c.key] = c.value;
};

interface Lease {
  owner: string;
  token: number;
  expires: number;
}

export class PrimaryStore {
  private readonly wal: WalState<State, Change>;
  /** Locks are not persisted: a restarted primary forgets holders, and their tokens stop working. */
  private readonly leases = new Map<string, Lease>();

  constructor(dataDir: string, private readonly leaseMs: number) {
    this.wal = new WalState<State, Change>(dataDir, 'primary', { values: {}, lastToken: 0 }, applyChange);
  }

  get(key: string): unknown {
    return this.wal.state.values[key];
  }

  put(key: string, value: unknown, token?: number, lockName?: string): void {
    if (token !== undefined) {
      const lease = this.leases.get(lockName ?? key);
      if (!lease || lease.token !== token || lease.expires < Date.now()) {
        throw new NodeError(CODE.preconditionFailed, `fencing token ${token} is not the current holder's`);
      }
    }
    this.wal.record({ key, value });
  }

  cas(key: string, from: unknown, to: unknown): void {
    const current = this.wal.state.values[key];
    if (JSON.stringify(current ?? null) !== JSON.stringify(from ?? null)) {
      // The current value goes back with the refusal, so a caller can retry without another get.
      throw new NodeError(CODE.preconditionFailed, `expected ${JSON.stringify(from)}, had ${JSON.stringify(current)}`, { current: current ?? null });
    }
    this.wal.record({ key, value: to });
  }

  lock(name: string, owner: string): number {
    const now = Date.now();
    const lease = this.leases.get(name);
    if (lease && lease.expires >= now && lease.owner !== owner) {
      throw new NodeError(CODE.temporarilyUnavailable, `lock ${name} is held by ${lease.owner}`);
    }
    const token = this.wal.state.lastToken + 1;
    this.wal.record({ lastToken: token });
    this.leases.set(name, { owner, token, expires: now + this.leaseMs });
    return token;
  }

  unlock(name: string, token: number): void {
    const lease = this.leases.get(name);
    if (lease && lease.token === token) this.leases.delete(name);
  }

  /** Applies one p_* request (from another node, or from the primary's own clients). */
  handle(body: Body): Body {
    const k = String(body.key ?? 'counter');
    switch (body.type) {
      case 'p_get': return { type: 'p_get_ok', value: this.get(k) ?? null };
      case 'p_put': this.put(k, body.value, body.token as number | undefined, body.lock as string | undefined); return { type: 'p_put_ok' };
      case 'p_cas': this.cas(k, body.from, body.to); return { type: 'p_cas_ok' };
      case 'p_lock': return { type: 'p_lock_ok', token: this.lock(String(body.lock), String(body.owner)) };
      case 'p_unlock': this.unlock(String(body.lock), Number(body.token)); return { type: 'p_unlock_ok' };
      default: throw new NodeError(10, `the primary store does not support ${body.type}`);
    }
  }

  /** Serves the p_* messages other nodes send to the primary. */
  install(node: Node): void {
    servePrimary(node, (b) => this.handle(b), { idempotent: ['p_get', 'p_unlock'], once: ['p_put', 'p_cas', 'p_lock'] });
  }
}

/** Serves p_* request types on the primary. Requests that change state are answered once per
 *  (sender incarnation, msg_id): a duplicated or retransmitted message is not applied twice. */
export function servePrimary(node: Node, handle: (body: Body) => Body, types: { idempotent: string[]; once: string[] }): void {
  const recent = new Map<string, Body>();
  const once = (m: Msg): Body => {
    // msg_ids start again at 1 when a node restarts: the sender's session tells incarnations apart.
    const key = `${m.src}:${String(m.body.session ?? '')}:${m.body.msg_id}`;
    const seen = recent.get(key);
    if (seen) return seen;
    const reply = handle(m.body);
    recent.set(key, reply);
    if (recent.size > 10_000) recent.delete(recent.keys().next().value!);
    return reply;
  };
  for (const t of types.idempotent) node.on(t, (m) => handle(m.body));
  for (const t of types.once) node.on(t, once);
}

/** Calls the primary: over the network, or directly when this node is the primary. */
export function primaryCaller(node: Node, primary: () => string, store: () => { handle(body: Body): Body } | null, timeoutMs: number) {
  return async (body: Body): Promise<Body> => {
    const local = store();
    // The primary serves its own clients without a network hop.
    if (local && node.id === primary()) return local.handle(body);
    return node.call(primary(), { ...body, session: node.session }, timeoutMs);
  };
}
