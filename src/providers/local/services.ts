// Maelstrom's services, offered by the controller to nodes as node ids (DESIGN.md §6):
// lin-kv (linearizable), seq-kv (sequentially consistent), lww-kv (last-write-wins, may read
// stale), lin-tso (a timestamp oracle). Bodies follow Maelstrom's lin-kv workload.
import type { Rng } from '../../rng.ts';
import { ErrorCode as ERR } from '../../op-errors.ts';
import type { Endpoint, Message, MessageBody, Router } from './router.ts';


type Reply = { type: string; [k: string]: unknown };
const error = (code: number, text: string): Reply => ({ type: 'error', code, text });
const keyOf = (k: unknown) => JSON.stringify(k ?? null);

/** One versioned store; the three KV services differ only in which version a read sees. */
class VersionedKv {
  private version = 0;
  /** key -> [version, value] in version order; value undefined = absent. */
  private readonly versions = new Map<string, Array<[number, unknown]>>();

  latestVersion(): number {
    return this.version;
  }

  valueAt(key: string, v: number): unknown {
    const vs = this.versions.get(key);
    if (!vs) return undefined;
    let lo = 0;
    let hi = vs.length - 1;
    let found: unknown = undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (vs[mid][0] <= v) {
        found = vs[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  write(key: string, value: unknown): number {
    this.version++;
    let vs = this.versions.get(key);
    if (!vs) this.versions.set(key, (vs = []));
    vs.push([this.version, value]);
    return this.version;
  }
}

type ReadPolicy = (src: string, kv: VersionedKv) => number;

export class KvService implements Endpoint {
  private readonly kv = new VersionedKv();
  /** Per client, the oldest version it may still see (seq-kv's session order). */
  private readonly seen = new Map<string, number>();

  constructor(
    readonly id: string,
    private readonly router: Router,
    private readonly readPolicy: ReadPolicy,
  ) {
    router.register(id, this);
  }

  up(): boolean {
    return true;
  }

  deliver(msg: Message): void {
    const reply = this.handle(msg.src, msg.body);
    this.router.send({ src: this.id, dest: msg.src, body: { ...reply, in_reply_to: msg.body.msg_id } });
  }

  private handle(src: string, body: MessageBody): Reply {
    const key = keyOf(body.key);
    switch (body.type) {
      case 'read': {
        const v = this.readPolicy(src, this.kv);
        this.seen.set(src, Math.max(this.seen.get(src) ?? 0, v));
        const value = this.kv.valueAt(key, v);
        return value === undefined ? error(ERR.keyDoesNotExist, 'key does not exist') : { type: 'read_ok', value };
      }
      case 'write':
        this.seen.set(src, this.kv.write(key, body.value));
        return { type: 'write_ok' };
      case 'cas': {
        const current = this.kv.valueAt(key, this.kv.latestVersion());
        if (current === undefined && !body.create_if_not_exists) return error(ERR.keyDoesNotExist, 'key does not exist');
        if (current !== undefined && JSON.stringify(current) !== JSON.stringify(body.from)) {
          return error(ERR.preconditionFailed, `expected ${JSON.stringify(body.from)}, but had ${JSON.stringify(current)}`);
        }
        this.seen.set(src, this.kv.write(key, body.to));
        return { type: 'cas_ok' };
      }
      default:
        return error(ERR.notSupported, `${this.id} does not support ${body.type}`);
    }
  }

  /** The oldest version this client may still be shown. */
  floor(src: string): number {
    return this.seen.get(src) ?? 0;
  }
}

class TsoService implements Endpoint {
  private ts = 0;
  constructor(readonly id: string, private readonly router: Router) {
    router.register(id, this);
  }
  up(): boolean {
    return true;
  }
  deliver(msg: Message): void {
    const body: Reply = msg.body.type === 'ts' ? { type: 'ts_ok', ts: ++this.ts } : error(ERR.notSupported, `lin-tso does not support ${msg.body.type}`);
    this.router.send({ src: this.id, dest: msg.src, body: { ...body, in_reply_to: msg.body.msg_id } });
  }
}

/** Registers lin-kv, seq-kv, lww-kv and lin-tso on the router. */
export function startServices(router: Router, rng: Rng): void {
  new KvService('lin-kv', router, (_src, kv) => kv.latestVersion());
  // seq-kv: a read sees some version between what this client last saw and the latest, so each
  // client's view only moves forward, but may lag behind other clients' writes.
  const seq: KvService = new KvService('seq-kv', router, (src, kv) => rng.int(seq.floor(src), kv.latestVersion()));
  // lww-kv: replicas converge eventually; a read may see any of the last few versions.
  new KvService('lww-kv', router, (_src, kv) => Math.max(0, kv.latestVersion() - rng.int(0, 3)));
  new TsoService('lin-tso', router);
}

/** A client's end of the node protocol: request/response by msg_id, through the router. */
export class ClientConnection implements Endpoint {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (b: MessageBody) => void; reject: (e: Error) => void }>();
  private open = true;

  constructor(
    readonly id: string,
    readonly node: string,
    private readonly router: Router,
  ) {
    router.register(id, this);
  }

  up(): boolean {
    return this.open;
  }

  deliver(msg: Message): void {
    const id = msg.body.in_reply_to;
    if (typeof id !== 'number') return;
    const p = this.pending.get(id);
    if (!p) return; // a late reply to a request we gave up on
    this.pending.delete(id);
    p.resolve(msg.body);
  }

  /** Refuses at once a request whose node is down: like a refused TCP connection, it is definite. */
  refuse(msgId: number, text: string): void {
    const p = this.pending.get(msgId);
    if (!p) return;
    this.pending.delete(msgId);
    p.resolve({ type: 'error', code: ERR.temporarilyUnavailable, text, in_reply_to: msgId });
  }

  /** Sends a request to the node and waits for the reply (or the signal). */
  rpc(body: MessageBody, signal: AbortSignal): Promise<MessageBody> {
    const msgId = this.nextId++;
    return new Promise<MessageBody>((resolve, reject) => {
      if (signal.aborted) return reject(new AbortError());
      const onAbort = () => {
        this.pending.delete(msgId);
        reject(new AbortError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(msgId, {
        resolve: (b) => {
          signal.removeEventListener('abort', onAbort);
          resolve(b);
        },
        reject,
      });
      this.router.send({ src: this.id, dest: this.node, body: { ...body, msg_id: msgId } });
    });
  }

  close(): void {
    this.open = false;
    this.router.unregister(this.id);
    for (const p of this.pending.values()) p.reject(new Error('connection closed'));
    this.pending.clear();
  }
}

export class AbortError extends Error {
  constructor() {
    super('timed out');
    this.name = 'AbortError';
  }
}
