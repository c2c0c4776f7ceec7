// The message log of a run on the local provider (Maelstrom's net journal): every message the
// router carries is counted (Maelstrom's net stats: all, clients, servers) and written to
// net.jsonl in the run directory, one event a line, so a report can draw who sent what to whom
// (the Lamport diagram, reports/lamport.ts) and anyone can replay the traffic of a run.
//
//   {"t":1203311,"e":"send","id":7,"src":"c3","dest":"n1","type":"read","msg_id":4,"body":"{…}"}
//   {"t":1503311,"e":"recv","id":7}
//   {"t":1503311,"e":"drop","id":8,"why":"partition"}
//
// t is nanoseconds on the run's clock (the history's), id numbers the message; a message
// duplicated by the packet nemesis is received twice under one id. Bodies are cut to a few
// hundred characters: the log is for looking at, not for replaying payloads.
import { JsonlFile } from '../../util/jsonl-file.ts';
import type { MessageCounts, NetCounts } from '../../types.ts';
import { boundedJson } from '../../util/bounded-json.ts';
import type { Message } from './router.ts';

export type DropReason = 'partition' | 'loss' | 'down';

const BODY_CHARS = 200;
/** Past this many events (about 100 MB) only counts are kept: a long run at a high rate would
 *  fill the disk. */
const MAX_EVENTS = 1_000_000;

/** A body's JSON text, cut short without stringifying all of a huge body first. */
const bodyText = (body: unknown): string => boundedJson(body, BODY_CHARS);

const isClient = (id: string) => /^c\d+$/.test(id);

/** Whether a message is a client's (Maelstrom's involves-client?): to or from a client. */
export function involvesClient(msg: { src: string; dest: string }): boolean {
  return isClient(msg.src) || isClient(msg.dest);
}

const zero = (): MessageCounts => ({ sendCount: 0, recvCount: 0, msgCount: 0 });

export class NetLog {
  private nextId = 1;
  private readonly counts: NetCounts = { all: zero(), clients: zero(), servers: zero() };
  private readonly file: JsonlFile;
  private events = 0;

  constructor(
    path: string | null,
    private readonly now: () => number,
  ) {
    this.file = new JsonlFile(path, 200, 4096);
  }

  /** A message entered the network; returns its id. */
  send(msg: Message): number {
    const id = this.nextId++;
    const c = involvesClient(msg) ? this.counts.clients : this.counts.servers;
    c.sendCount++;
    c.msgCount++;
    this.counts.all.sendCount++;
    this.counts.all.msgCount++;
    const b = msg.body;
    this.write({
      t: this.now(), e: 'send', id, src: msg.src, dest: msg.dest, type: b.type,
      ...(typeof b.msg_id === 'number' ? { msg_id: b.msg_id } : {}),
      ...(typeof b.in_reply_to === 'number' ? { in_reply_to: b.in_reply_to } : {}),
      body: bodyText(b),
    });
    return id;
  }

  /** The message was handed to its destination. */
  recv(id: number, msg: Message): void {
    (involvesClient(msg) ? this.counts.clients : this.counts.servers).recvCount++;
    this.counts.all.recvCount++;
    this.write({ t: this.now(), e: 'recv', id });
  }

  /** The network dropped the message (a partition, loss, or its destination was down). */
  drop(id: number, why: DropReason): void {
    this.write({ t: this.now(), e: 'drop', id, why });
  }

  snapshot(): NetCounts {
    return { all: { ...this.counts.all }, clients: { ...this.counts.clients }, servers: { ...this.counts.servers } };
  }

  private write(event: Record<string, unknown>): void {
    if (!this.file.writing) return;
    if (++this.events > MAX_EVENTS) {
      if (this.events === MAX_EVENTS + 1) this.file.push(JSON.stringify({ t: this.now(), e: 'truncated', after: MAX_EVENTS }));
      return;
    }
    this.file.push(JSON.stringify(event));
  }

  flush(): void {
    this.file.flush();
  }

  close(): void {
    this.file.close();
  }
}

/** One message of a net.jsonl, with what became of it. */
export interface LoggedMessage {
  id: number;
  src: string;
  dest: string;
  type: string;
  msgId?: number;
  inReplyTo?: number;
  /** The body, cut short. */
  body: string;
  /** When it was sent (ns on the run's clock). */
  sent: number;
  /** When it was delivered: empty if never, two entries if duplicated. */
  recv: number[];
  /** Why the network dropped it, if it did. */
  dropped?: DropReason;
}

/** Reads the text of a net.jsonl into messages, in the order they were sent. Lines that are not
 *  events of this format are skipped (a log cut short by a crash ends mid-line). */
export function parseNetLog(text: string): LoggedMessage[] {
  const byId = new Map<number, LoggedMessage>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (typeof e !== 'object' || e === null || typeof e.id !== 'number' || typeof e.t !== 'number') continue;
    if (e.e === 'send' && typeof e.src === 'string' && typeof e.dest === 'string') {
      byId.set(e.id, {
        id: e.id, src: e.src, dest: e.dest, type: String(e.type ?? ''), body: String(e.body ?? ''), sent: e.t, recv: [],
        ...(typeof e.msg_id === 'number' ? { msgId: e.msg_id } : {}),
        ...(typeof e.in_reply_to === 'number' ? { inReplyTo: e.in_reply_to } : {}),
      });
      continue;
    }
    const m = byId.get(e.id);
    if (!m) continue;
    if (e.e === 'recv') m.recv.push(e.t);
    else if (e.e === 'drop' && (e.why === 'partition' || e.why === 'loss' || e.why === 'down')) m.dropped = e.why;
  }
  return [...byId.values()];
}

/** The counts a run's network kept, recomputed from its log (a stored run re-checked later). */
export function countsOf(messages: readonly LoggedMessage[]): NetCounts {
  const c: NetCounts = { all: zero(), clients: zero(), servers: zero() };
  for (const m of messages) {
    for (const k of [c.all, involvesClient(m) ? c.clients : c.servers]) {
      k.sendCount++;
      k.msgCount++;
      k.recvCount += m.recv.length;
    }
  }
  return c;
}
