// A client's end of the node protocol: request/response by msg_id, through the router, held to
// Maelstrom's strictness. A reply must be `<request type>_ok` or `error` (Maelstrom: "Malformed
// RPC response"), may be checked against the workload's schema, and must answer a msg_id this
// client sent; anything else is a node failure that fails the run. A message that is not a reply
// gets Maelstrom's not-supported error, when it asks for an answer.
import { ErrorCode as ERR } from '../../op-errors.ts';
import type { NodeFailure } from '../../types.ts';
import { shortText, toJson } from '../../util/values.ts';
import type { Endpoint, Message, MessageBody, Router } from './router.ts';

/** Why a reply body is malformed for the request it answers, or undefined when it is fine. */
export type ReplyCheck = (reply: MessageBody) => string | undefined;

interface Pending {
  type: string;
  check?: ReplyCheck;
  resolve: (b: MessageBody) => void;
  reject: (e: Error) => void;
}

/** Text from a node for a one-line sentence: control characters escaped, cut at max. */
export function clip(text: string, max = 300): string {
  const s = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
}

/** A word from a node (a message type) for a sentence. */
export const word = (v: unknown): string => clip(typeof v === 'string' ? v : shortText(v, 40), 40);

/** The line a failure quotes: the message as the node wrote it, cut short. */
export const offendingLine = (msg: Message): string => clip(toJson(msg));

export class ClientConnection implements Endpoint {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private open = true;
  /** Told about every node failure this connection sees. */
  onFailure: ((f: NodeFailure) => void) | null = null;
  /** Told about things worth a line in the log that do not fail the run. */
  onWarning: ((text: string) => void) | null = null;

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
    const b = msg.body;
    const irt = b.in_reply_to;
    if (irt === undefined || irt === null) {
      // Not a reply. A client takes nothing else; a request gets Maelstrom's not-supported error.
      if (typeof b.msg_id === 'number') {
        this.router.send({
          src: this.id, dest: msg.src,
          body: { type: 'error', code: ERR.notSupported, text: `${this.id} is a client: it takes only replies to its own requests, not ${word(b.type)} requests`, in_reply_to: b.msg_id },
        });
      }
      this.onWarning?.(`node ${msg.src} sent client ${this.id} a ${word(b.type)} message that is not a reply: ${offendingLine(msg)}`);
      return;
    }
    if (typeof irt !== 'number' || !Number.isInteger(irt) || irt < 1 || irt >= this.nextId) {
      this.fail(msg, 'unknown-reply', `Node ${msg.src} sent ${this.id} a reply to msg_id ${word(irt)}, which ${this.id} never sent: ${offendingLine(msg)}`);
      return;
    }
    const p = this.pending.get(irt);
    if (!p) return; // a late reply to a request we gave up on (or a second reply): ignored, as Maelstrom does
    this.pending.delete(irt);
    let why: string | undefined;
    if (b.type !== 'error' && b.type !== `${p.type}_ok`) why = `it answered a ${word(p.type)} request with ${word(b.type)}, expected ${word(p.type)}_ok or error`;
    else if (b.type !== 'error' && p.check) {
      const bad = p.check(b);
      if (bad) why = `its ${p.type}_ok ${bad}`;
    }
    if (why) {
      const text = `Malformed RPC response from ${msg.src}: ${why}: ${offendingLine(msg)}`;
      this.fail(msg, 'bad-reply', text);
      p.reject(new ProtocolError(text));
      return;
    }
    p.resolve(b);
  }

  private fail(msg: Message, kind: NodeFailure['kind'], text: string): void {
    this.onFailure?.({ node: msg.src, kind, text });
  }

  /** Refuses at once a request whose node is down: like a refused TCP connection, it is definite. */
  refuse(msgId: number, text: string): void {
    const p = this.pending.get(msgId);
    if (!p) return;
    this.pending.delete(msgId);
    p.resolve({ type: 'error', code: ERR.temporarilyUnavailable, text, in_reply_to: msgId });
  }

  /** Sends a request to the node and waits for the reply (or the signal). `check` says why an
   *  ok reply is malformed for this request (the workload's schema). */
  rpc(body: MessageBody, signal: AbortSignal, check?: ReplyCheck): Promise<MessageBody> {
    const msgId = this.nextId++;
    return new Promise<MessageBody>((resolve, reject) => {
      if (signal.aborted) return reject(new AbortError());
      const onAbort = () => {
        this.pending.delete(msgId);
        reject(new AbortError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => signal.removeEventListener('abort', onAbort);
      this.pending.set(msgId, {
        type: body.type,
        check,
        resolve: (b) => {
          done();
          resolve(b);
        },
        reject: (e) => {
          done();
          reject(e);
        },
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

/** The node answered in a way the protocol does not allow; the op's outcome is unknown. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}
