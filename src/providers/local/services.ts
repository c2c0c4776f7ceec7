// Maelstrom's services (doc/services.md, src/maelstrom/service.clj), offered by the controller to
// nodes as node ids (DESIGN.md §6), with Maelstrom's semantics:
//
//   lin-kv   linearizable: one store, every request applied to its latest state.
//   seq-kv   sequentially consistent: the last 32 states are kept; a request is tried on a random
//            state between the newest this client has seen and the latest (exclusive, as
//            Maelstrom draws it), and if it would change that state it is applied to the latest
//            instead. So each client moves forward only, reads may be stale (by at most 32
//            states), and a write that changes nothing may be ordered into the past.
//   lww-kv   last-write-wins over two replicas: each request first merges one random replica into
//            another (by Lamport timestamp; a tie keeps the source's value), then goes to a random
//            replica. Writes can be lost and cas can see stale state. (Maelstrom's own code
//            discards the merge it computes, so its replicas never converge; we merge, as its
//            documentation describes.)
//   lin-tso  a linearizable timestamp oracle counting from 0.
//
// KV bodies are the lin-kv workload's: read {key} → read_ok {value} | error 20; write {key,
// value} → write_ok; cas {key, from, to, create_if_not_exists?} → cas_ok | error 20 | error 22
// (lww-kv does not create on cas, as Maelstrom's does not). Keys and values are compared
// structurally (object key order does not matter). A request of any other type gets no answer,
// as from Maelstrom (its service throws and logs); we log it once per service and type.
import type { Logger } from '../../log.ts';
import type { Rng } from '../../rng.ts';
import { ErrorCode as ERR } from '../../op-errors.ts';
import { canonical, shortText, valueEquals } from '../../util/values.ts';
import type { Endpoint, Message, MessageBody, Router } from './router.ts';

export { AbortError, ClientConnection, ProtocolError } from './client-connection.ts';

export type Reply = { type: string; [k: string]: unknown };

/** The value of a key in some state: absent, or present with a value. */
export type Slot = { present: false } | { present: true; value: unknown };
const ABSENT: Slot = { present: false };
const present = (value: unknown): Slot => ({ present: true, value });

/** One KV request against one key's current slot: the reply, and the key's new value if it
 *  changes (`next` is set whenever the state changes). null: not a KV request. */
export function kvStep(slot: Slot, body: MessageBody, createOnCas = true): { reply: Reply; next?: Slot } | null {
  switch (body.type) {
    case 'read':
      return { reply: slot.present ? { type: 'read_ok', value: slot.value } : notFound() };
    case 'write':
      return { reply: { type: 'write_ok' }, next: present(body.value) };
    case 'cas':
      if (!slot.present) return createOnCas && body.create_if_not_exists === true ? { reply: { type: 'cas_ok' }, next: present(body.to) } : { reply: notFound() };
      if (!valueEquals(body.from, slot.value)) {
        return { reply: { type: 'error', code: ERR.preconditionFailed, text: `current value ${shortText(slot.value, 200)} is not ${shortText(body.from, 200)}` } };
      }
      return { reply: { type: 'cas_ok' }, next: present(body.to) };
    default:
      return null;
  }
}
const notFound = (): Reply => ({ type: 'error', code: ERR.keyDoesNotExist, text: 'key does not exist' });
const changes = (slot: Slot, next: Slot | undefined): boolean =>
  next !== undefined && (!slot.present || !next.present || !valueEquals(slot.value, next.value));

/** What a service does with one request: the reply, or null for none. */
export interface ServiceLogic {
  handle(src: string, body: MessageBody): Reply | null;
}

/** lin-kv: one store; every request sees and changes the latest state. */
export class LinearizableKv implements ServiceLogic {
  private readonly m = new Map<string, unknown>();
  handle(_src: string, body: MessageBody): Reply | null {
    const k = canonical(body.key);
    const slot = this.m.has(k) ? present(this.m.get(k)) : ABSENT;
    const r = kvStep(slot, body);
    if (r?.next?.present) this.m.set(k, r.next.value);
    return r?.reply ?? null;
  }
}

/** How many past states seq-kv keeps (Maelstrom's ring buffer). */
export const SEQ_KV_STATES = 32;

/** seq-kv: the last SEQ_KV_STATES states, per key as [state index, slot] in index order. */
export class SequentialKv implements ServiceLogic {
  private last = 0;
  private readonly keys = new Map<string, Array<[number, Slot]>>();
  /** The newest state index each client has interacted with. */
  private readonly clients = new Map<string, number>();

  constructor(private readonly rng: Rng) {}

  slotAt(k: string, index: number): Slot {
    const vs = this.keys.get(k);
    if (!vs) return ABSENT;
    for (let i = vs.length - 1; i >= 0; i--) if (vs[i][0] <= index) return vs[i][1];
    return ABSENT;
  }

  /** The index of the latest state. */
  latest(): number {
    return this.last;
  }

  handle(src: string, body: MessageBody): Reply | null {
    const k = canonical(body.key);
    const seen = this.clients.get(src) ?? 0;
    // Maelstrom: client-index + rand-int(last - client-index), within the states kept.
    const floor = Math.max(seen, this.last - (SEQ_KV_STATES - 1));
    const index = floor >= this.last ? this.last : floor + Math.floor(this.rng.next() * (this.last - floor));
    const slot = this.slotAt(k, index);
    const r = kvStep(slot, body);
    if (r === null) return null;
    if (!changes(slot, r.next)) {
      this.clients.set(src, index);
      return r.reply;
    }
    // It would change that state: apply it to the latest one instead, making a new latest state.
    const now = this.slotAt(k, this.last);
    const r2 = kvStep(now, body)!;
    this.last++;
    if (changes(now, r2.next)) this.record(k, this.last, r2.next!);
    this.clients.set(src, this.last);
    return r2.reply;
  }

  private record(k: string, index: number, slot: Slot): void {
    let vs = this.keys.get(k);
    if (!vs) this.keys.set(k, (vs = []));
    vs.push([index, slot]);
    // Forget versions no state we keep can show: keep the newest one at or below the oldest state.
    const oldest = this.last - (SEQ_KV_STATES - 1);
    let drop = 0;
    while (drop + 1 < vs.length && vs[drop + 1][0] <= oldest) drop++;
    if (drop > 0) vs.splice(0, drop);
  }
}

interface LwwEntry { ts: number; value: unknown }
interface Replica { clock: number; m: Map<string, LwwEntry>; dirty: Set<string> }

/** lww-kv: independent replicas merged at random by last-write-wins. */
export class LwwKv implements ServiceLogic {
  private readonly replicas: Replica[];

  constructor(private readonly rng: Rng, n = 2) {
    // dirty: keys changed since this replica was last merged into another (with two replicas,
    // "the other"; merging only those is the same as merging everything, as clocks only grow).
    this.replicas = Array.from({ length: n }, () => ({ clock: 0, m: new Map(), dirty: new Set<string>() }));
  }

  handle(_src: string, body: MessageBody): Reply | null {
    const n = this.replicas.length;
    const source = this.replicas[this.rng.int(0, n - 1)];
    const dest = this.replicas[this.rng.int(0, n - 1)];
    if (source !== dest) this.merge(source, dest);
    const r = this.replicas[this.rng.int(0, n - 1)];
    const k = canonical(body.key);
    const e = r.m.get(k);
    const step = kvStep(e ? present(e.value) : ABSENT, body, false);
    if (step === null) return null;
    if (step.next?.present) {
      r.m.set(k, { ts: r.clock, value: step.next.value });
      r.clock++;
      r.dirty.add(k);
    }
    return step.reply;
  }

  private merge(source: Replica, dest: Replica): void {
    dest.clock = Math.max(dest.clock, source.clock);
    for (const k of source.dirty) {
      const v1 = source.m.get(k)!;
      const v2 = dest.m.get(k);
      if (v2 === undefined || v1.ts >= v2.ts) {
        dest.m.set(k, v1);
        dest.dirty.add(k);
      }
    }
    source.dirty.clear();
  }

  /** Every replica's value of a key (tests). */
  values(key: unknown): Slot[] {
    const k = canonical(key);
    return this.replicas.map((r) => (r.m.has(k) ? present(r.m.get(k)!.value) : ABSENT));
  }
}

/** lin-tso: timestamps 0, 1, 2, ... */
export class TimestampOracle implements ServiceLogic {
  private ts = 0;
  handle(_src: string, body: MessageBody): Reply | null {
    return body.type === 'ts' ? { type: 'ts_ok', ts: this.ts++ } : null;
  }
}

/** A service on the router: answers each request as its logic says (or not at all). */
export class Service implements Endpoint {
  private readonly ignored = new Set<string>();

  constructor(
    readonly id: string,
    private readonly router: Router,
    private readonly logic: ServiceLogic,
    private readonly log: Logger,
  ) {
    router.register(id, this);
  }

  up(): boolean {
    return true;
  }

  deliver(msg: Message): void {
    const reply = this.logic.handle(msg.src, msg.body);
    if (reply === null) {
      const type = shortText(msg.body.type, 40);
      if (!this.ignored.has(type)) {
        this.ignored.add(type);
        this.log.warn(`${this.id} does not answer ${type} requests (${msg.src} sent one), as Maelstrom's services do not: ${this.id === 'lin-tso' ? 'it takes ts' : 'they take read, write and cas'}`);
      }
      return;
    }
    this.router.send({ src: this.id, dest: msg.src, body: { ...reply, ...(msg.body.msg_id !== undefined ? { in_reply_to: msg.body.msg_id } : {}) } });
  }
}

export const SERVICE_IDS = ['lin-kv', 'seq-kv', 'lww-kv', 'lin-tso'] as const;

/** Registers lin-kv, seq-kv, lww-kv and lin-tso on the router. */
export function startServices(router: Router, rng: Rng, log: Logger): void {
  new Service('lin-kv', router, new LinearizableKv(), log);
  new Service('seq-kv', router, new SequentialKv(rng.fork(1)), log);
  new Service('lww-kv', router, new LwwKv(rng.fork(2)), log);
  new Service('lin-tso', router, new TimestampOracle(), log);
}
