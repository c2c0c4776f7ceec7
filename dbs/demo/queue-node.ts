// The built-in message queue.
//   memory: every node keeps the messages enqueued through it in memory, and serves dequeues from
//           its own first, then from its peers'. Acks are accepted and ignored: at-most-once,
//           and a killed node takes its messages with it.
//   wal:    the primary (n1) owns the queue; enqueues and acks are appended to a write-ahead log
//           and fsynced before they are acknowledged; a delivered message that is not acked
//           within the redelivery timeout is delivered again. At-least-once; survives kill -9.
// --capacity N bounds the queue: a full queue refuses enqueues with a definite error (11).
import fs from 'node:fs';
import path from 'node:path';
import { CODE, NodeError, arg, type Body, type Msg } from './runtime.ts';
import { demoNode } from './demo-node.ts';

const { flavor, node, primary, dataDir, rpcTimeout } = demoNode('queue', ['memory', 'wal'], 'wal');
const capacity = Number(arg('capacity', '0')) || Infinity;
const redeliverMs = Number(arg('redeliver-after', '1000'));
const full = () => new NodeError(CODE.temporarilyUnavailable, 'queue full');
const empty = () => new NodeError(CODE.keyDoesNotExist, 'queue empty');

// ---- memory: a local in-memory queue per node --------------------------------------------------
const local: Array<{ id: string; value: unknown }> = [];
let seq = 0;

async function memoryDequeue(): Promise<Body> {
  const m = local.shift();
  if (m) return { type: 'dequeue_ok', value: m.value, id: m.id };
  for (const peer of node.nodeIds) {
    if (peer === node.id) continue;
    try {
      const r = await node.call(peer, { type: 'q_take' }, Math.min(rpcTimeout, 300));
      if (r.found) return { type: 'dequeue_ok', value: r.value, id: r.id };
    } catch {
      // an unreachable peer: try the next
    }
  }
  throw empty();
}

// ---- wal: the primary's durable queue ----------------------------------------------------------
class DurableQueue {
  private readonly messages = new Map<string, unknown>();
  private readonly ready: string[] = [];
  private readonly inflight = new Map<string, number>(); // id -> redelivery deadline
  private nextId = 1;
  private readonly fd: number;
  private readonly seen = new Map<string, Body>(); // replies to recent requests (duplicates)

  constructor(dir: string) {
    const file = path.join(dir, 'queue-wal.jsonl');
    if (fs.existsSync(file)) {
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        let r: { op: string; id: string; value?: unknown };
        try {
          r = JSON.parse(line);
        } catch {
          continue; // a torn last line: never acknowledged
        }
        if (r.op === 'enq') {
          this.messages.set(r.id, r.value);
          this.nextId = Math.max(this.nextId, Number(r.id.slice(1)) + 1);
        } else this.messages.delete(r.id);
      }
      // After a restart nothing is in flight: every unacknowledged message is ready again.
      this.ready.push(...this.messages.keys());
    }
    this.fd = fs.openSync(file, 'a');
  }

  private log(record: object): void {
    fs.writeSync(this.fd, JSON.stringify(record) + '\n');
    fs.fsyncSync(this.fd);
  }

  enqueue(value: unknown): void {
    if (this.messages.size >= capacity) throw full();
    const id = `m${this.nextId++}`;
    this.log({ op: 'enq', id, value });
    this.messages.set(id, value);
    this.ready.push(id);
  }

  dequeue(): Body {
    const now = Date.now();
    for (const [id, deadline] of this.inflight) {
      if (deadline > now) continue;
      this.inflight.delete(id);
      this.ready.unshift(id); // redelivered first
    }
    const id = this.ready.shift();
    if (id === undefined) {
      if (this.inflight.size) throw new NodeError(CODE.temporarilyUnavailable, `${this.inflight.size} messages in flight`);
      throw empty();
    }
    this.inflight.set(id, now + redeliverMs);
    return { type: 'dequeue_ok', value: this.messages.get(id), id };
  }

  ack(id: string): void {
    if (!this.messages.has(id)) return;
    this.log({ op: 'ack', id });
    this.messages.delete(id);
    this.inflight.delete(id);
  }

  /** Applies a request once, even when the network delivers it twice. */
  once(m: Msg, fn: () => Body): Body {
    const k = `${m.src}:${String(m.body.session ?? '')}:${m.body.msg_id}`;
    const prev = this.seen.get(k);
    if (prev) return prev;
    const r = fn();
    this.seen.set(k, r);
    if (this.seen.size > 10_000) this.seen.delete(this.seen.keys().next().value!);
    return r;
  }
}

let durable: DurableQueue | null = null;

async function viaPrimary(body: Body): Promise<Body> {
  if (node.id === primary()) return servePrimary({ src: node.id, dest: node.id, body: { ...body, msg_id: -1 } }, false);
  return node.call(primary(), { ...body, session: node.session }, rpcTimeout);
}

function servePrimary(m: Msg, dedupe = true): Body {
  const q = durable!;
  const run = () => {
    switch (m.body.type) {
      case 'p_enqueue': q.enqueue(m.body.value); return { type: 'p_enqueue_ok' };
      case 'p_dequeue': return q.dequeue();
      case 'p_ack': q.ack(String(m.body.id)); return { type: 'p_ack_ok' };
      default: throw new NodeError(10, `unknown ${m.body.type}`);
    }
  };
  return dedupe && m.body.type !== 'p_dequeue' ? q.once(m, run) : run();
}

node.onInit(() => {
  if (flavor === 'wal' && node.id === primary()) {
    durable = new DurableQueue(dataDir);
    for (const t of ['p_enqueue', 'p_dequeue', 'p_ack']) node.on(t, (m) => servePrimary(m));
  }
});

node.on('q_take', () => {
  const m = local.shift();
  return m ? { type: 'q_take_ok', found: true, value: m.value, id: m.id } : { type: 'q_take_ok', found: false };
});

node.on('enqueue', async (m) => {
  if (flavor === 'memory') {
    if (local.length >= capacity) throw full();
    local.push({ id: `${node.id}-${node.session.slice(0, 8)}-${++seq}`, value: m.body.value });
    return { type: 'enqueue_ok' };
  }
  await viaPrimary({ type: 'p_enqueue', value: m.body.value });
  return { type: 'enqueue_ok' };
});

node.on('dequeue', async () => {
  if (flavor === 'memory') return memoryDequeue();
  const r = await viaPrimary({ type: 'p_dequeue' });
  return { type: 'dequeue_ok', value: r.value, id: r.id };
});

node.on('ack', async (m) => {
  if (flavor === 'wal') await viaPrimary({ type: 'p_ack', id: m.body.id });
  return { type: 'ack_ok' };
});

node.main();
