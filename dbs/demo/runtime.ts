import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../src/op-errors.ts';
import { LineBatch, LineSplitter } from '../../src/util/lines.ts';
// A tiny runtime for nodes speaking the node protocol (Maelstrom-compatible) on stdin/stdout,
// used by the built-in demo systems. A node registers handlers by message type, replies, sends
// and makes RPCs to other nodes with timeouts. Logs go to stderr (the controller keeps them).

export interface Body {
  type: string;
  msg_id?: number;
  in_reply_to?: number;
  [k: string]: unknown;
}
export interface Msg {
  src: string;
  dest: string;
  body: Body;
}

export class NodeError extends Error {
  /** Fields an error reply carries besides type, code and text (a failed cas's current value). */
  constructor(readonly code: number, text: string, readonly details: Record<string, unknown> = {}) {
    super(text);
  }
}

/** Maelstrom's error codes, from the one module that names them. */
export const CODE = ErrorCode;

type Handler = (msg: Msg) => Promise<Body | void> | Body | void;

export class Node {
  id = '';
  /** Differs for every start of the process, so peers can tell incarnations apart. */
  readonly session = randomUUID();
  nodeIds: string[] = [];
  private nextMsgId = 1;
  private readonly handlers = new Map<string, Handler>();
  private readonly waiting = new Map<number, { resolve: (b: Body) => void; timer: NodeJS.Timeout }>();
  private initHooks: Array<() => void> = [];
  /** Messages sent in the same turn of the event loop go out in one write. */
  private readonly outbox = new LineBatch((text) => process.stdout.write(text));

  on(type: string, handler: Handler): this {
    this.handlers.set(type, handler);
    return this;
  }

  onInit(fn: () => void): this {
    this.initHooks.push(fn);
    return this;
  }

  log(...parts: unknown[]): void {
    process.stderr.write(`${new Date().toISOString()} ${this.id} ${parts.map(String).join(' ')}\n`);
  }

  send(dest: string, body: Body): void {
    this.outbox.push(JSON.stringify({ src: this.id, dest, body }));
  }

  reply(req: Msg, body: Body): void {
    this.send(req.src, { ...body, in_reply_to: req.body.msg_id });
  }

  /** Request/response to another node or service; rejects with a timeout NodeError. */
  rpc(dest: string, body: Body, timeoutMs: number): Promise<Body> {
    const msgId = this.nextMsgId++;
    return new Promise<Body>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(msgId);
        reject(new NodeError(CODE.timeout, `no answer from ${dest} to ${body.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(msgId, { resolve, timer });
      this.send(dest, { ...body, msg_id: msgId });
    });
  }

  /** Like rpc, but an error reply becomes a thrown NodeError. */
  async call(dest: string, body: Body, timeoutMs: number): Promise<Body> {
    const reply = await this.rpc(dest, body, timeoutMs);
    if (reply.type === 'error') {
      const { type: _t, code, text, in_reply_to: _r, ...details } = reply;
      throw new NodeError(Number(code), String(text ?? 'error'), details);
    }
    return reply;
  }

  private async dispatch(msg: Msg): Promise<void> {
    const b = msg.body;
    if (typeof b.in_reply_to === 'number' && this.waiting.has(b.in_reply_to)) {
      const w = this.waiting.get(b.in_reply_to)!;
      this.waiting.delete(b.in_reply_to);
      clearTimeout(w.timer);
      w.resolve(b);
      return;
    }
    if (b.type === 'init') {
      this.id = String(b.node_id);
      this.nodeIds = (b.node_ids as string[]).map(String);
      for (const h of this.initHooks) h();
      this.reply(msg, { type: 'init_ok' });
      return;
    }
    const h = this.handlers.get(b.type);
    if (!h) {
      if (b.msg_id !== undefined) this.reply(msg, { type: 'error', code: 10, text: `unsupported message type ${b.type}` });
      return;
    }
    try {
      const out = await h(msg);
      if (out && b.msg_id !== undefined) this.reply(msg, out);
    } catch (e) {
      const code = e instanceof NodeError ? e.code : CODE.crash;
      const details = e instanceof NodeError ? e.details : {};
      if (b.msg_id !== undefined) this.reply(msg, { ...details, type: 'error', code, text: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Reads messages from stdin until it closes (the controller went away): then exits. */
  main(): void {
    const lines = new LineSplitter();
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      lines.push(chunk, (line) => {
        if (!line.trim()) return;
        let msg: Msg;
        try {
          msg = JSON.parse(line) as Msg;
        } catch {
          this.log('ignoring malformed line', line.slice(0, 100));
          return;
        }
        void this.dispatch(msg);
      });
    });
    process.stdin.on('end', () => process.exit(0));
    process.stdout.on('error', () => process.exit(0));
  }
}

/** `--name value` from argv. */
export function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
