// The queue workload: clients enqueue unique values and dequeue them, acknowledging each delivery
// after "processing" — or, at random, not, so unacknowledged messages get redelivered. After
// recovery every worker drains its node until the queue says it is empty. Checked with Jepsen's
// total-queue semantics (checkers/queue.ts).
import { clients, eachThread, limit, type Gen, type GenContext, type GenResult, fill } from '../src/generator/index.ts';
import { completionFromError } from '../src/protocol-client.ts';
import { isLocalNode } from '../src/providers/local/index.ts';
import { AbortError, type ClientConnection } from '../src/providers/local/services.ts';
import { UsageError } from '../src/errors.ts';
import { ErrorCode, hasCode } from '../src/op-errors.ts';
import type { Client, Completion, NodeHandle, Op, TestInfo, Workload } from '../src/types.ts';
import { checkQueue, type Delivery } from '../checkers/queue.ts';

const QUEUE = 'jepsen';

/** 60% enqueues of unique values (the thread in the millions, a per-copy counter below: each
 *  thread gets its own copy under eachThread), 40% dequeues, 80% of them acknowledged. More
 *  enqueues than dequeues, so messages are waiting in the queue when faults strike. */
class QueueOps implements Gen {
  constructor(private readonly n = 0) {}
  op(ctx: GenContext): GenResult {
    if (ctx.rng.next() < 0.4) return [fill({ f: 'dequeue', value: { ack: ctx.rng.bool(0.8) } }, ctx), this];
    const t = typeof ctx.thread === 'number' ? ctx.thread : 999;
    return [fill({ f: 'enqueue', value: t * 1_000_000 + this.n }, ctx), new QueueOps(this.n + 1)];
  }
  update(): Gen {
    return this;
  }
}

/** Dequeues until the node answers "empty" (error 20); after "messages in flight" (error 11,
 *  waiting for redelivery) it waits a little before asking again. */
class Drain implements Gen {
  constructor(
    private readonly done = false,
    private readonly notBefore = 0,
    private readonly mine: number | string | null = null,
  ) {}
  op(ctx: GenContext): GenResult {
    if (this.done) return null;
    return [fill({ f: 'dequeue', value: { ack: true }, time: Math.max(ctx.time, this.notBefore) }, ctx), this];
  }
  update(ctx: GenContext, e: Op): Gen {
    if (e.type === 'invoke') return new Drain(false, this.notBefore, e.process);
    if (e.process !== this.mine) return this;
    const empty = e.type === 'fail' && hasCode(e, ErrorCode.keyDoesNotExist);
    const wait = e.type !== 'ok' ? 0.25e9 : 0;
    return new Drain(empty, ctx.time + wait, null);
  }
}

class QueueClient implements Client {
  private conn: ClientConnection | null = null;

  async open(_test: TestInfo, node: NodeHandle): Promise<Client> {
    if (!isLocalNode(node)) throw new UsageError('The queue protocol client runs only on the local provider.');
    const c = new QueueClient();
    c.conn = node.connect();
    return c;
  }

  async invoke(_test: TestInfo, op: Op, signal: AbortSignal): Promise<Completion> {
    const conn = this.conn!;
    const failed = (e: unknown) => completionFromError(op, false, null, e instanceof AbortError ? 'timed out' : String(e), conn.node);
    if (op.f === 'enqueue') {
      let r;
      try {
        r = await conn.rpc({ type: 'enqueue', queue: QUEUE, value: op.value }, signal);
      } catch (e) {
        return failed(e);
      }
      if (r.type === 'error') return completionFromError(op, false, typeof r.code === 'number' ? r.code : null, String(r.text), conn.node);
      return { ...op, type: 'ok', node: conn.node };
    }
    let r;
    try {
      r = await conn.rpc({ type: 'dequeue', queue: QUEUE }, signal);
    } catch (e) {
      return failed(e);
    }
    if (r.type === 'error') return completionFromError(op, false, typeof r.code === 'number' ? r.code : null, String(r.text), conn.node);
    // Delivered. Acknowledge it if this op says so; a failed ack only means redelivery later.
    let acked = false;
    if ((op.value as { ack?: boolean } | null)?.ack) {
      try {
        acked = (await conn.rpc({ type: 'ack', queue: QUEUE, id: r.id }, signal)).type === 'ack_ok';
      } catch {
        acked = false;
      }
    }
    return { ...op, type: 'ok', node: conn.node, value: { value: r.value, id: r.id, acked } };
  }

  async close(): Promise<void> {
    this.conn?.close();
    this.conn = null;
  }
}

export interface QueueOptions {
  /** at-least-once tolerates duplicate deliveries; exactly-once does not. */
  delivery?: Delivery;
  /** Values of one producer must come out in order. */
  fifo?: boolean;
}

/** Clients enqueue unique values and dequeue (and acknowledge) them; a final drain empties it. */
export function queue(o: QueueOptions = {}): Workload {
  const delivery = o.delivery ?? 'at-least-once';
  const fifo = o.fifo ?? false;
  return {
    name: 'queue',
    options: [
      { name: 'delivery', type: 'string', default: delivery, choices: ['at-least-once', 'exactly-once'], description: 'Queue checking: at-least-once tolerates duplicates, exactly-once does not' },
      { name: 'fifo', type: 'boolean', default: fifo, description: 'Queue checking: values of one producer come out in order' },
    ],
    configure: (opts) => queue({ delivery: opts.delivery as Delivery, fifo: opts.fifo as boolean }),
    generator: new QueueOps(),
    finalGenerator: clients(eachThread(limit(5000, new Drain()))),
    checker: { check: (_t, h) => checkQueue(h, { delivery, fifo }) },
    protocolClient: () => new QueueClient(),
  };
}
