// Maelstrom's kafka workload (Jepsen's kafka test with single-message sends and polls, consumers
// assigned to keys): append-only logs named by string keys. Clients `send {key, msg}` (→ send_ok
// {offset}), `poll {offsets}` from where they are (→ poll_ok {msgs: {key: [[offset, msg]...]}})
// and then `commit_offsets {offsets}` of what they polled; on assign they start from
// `list_committed_offsets {keys}` (→ {offsets}). Now and then a client crashes: it forgets its
// positions and starts afresh. At the end every worker crashes, assigns every key from offset 0
// and polls until it has caught up with every offset anyone saw (for at most 10 s, as Maelstrom).
//
// Keys: --key-count are active at a time; they are retired for fresh ones about every
// --max-writes-per-key sends each (as Elle's generator does, by time here, so that workers agree
// without talking). Checked with Jepsen's kafka checker (checkers/maelstrom/kafka.ts).
import { clients, eachThread, fill, once, timeLimit, type Gen, type GenContext, type GenResult } from '../src/generator/index.ts';
import { completionFromError } from '../src/protocol-client.ts';
import { isLocalNode, type LocalNodeHandle } from '../src/providers/local/index.ts';
import type { ClientConnection } from '../src/providers/local/services.ts';
import { AbortError } from '../src/providers/local/services.ts';
import type { MessageBody } from '../src/providers/local/router.ts';
import { UsageError } from '../src/errors.ts';
import type { Client, Completion, NodeHandle, Op, TestInfo, Workload } from '../src/types.ts';
import { withAvailability } from '../checkers/maelstrom/availability.ts';
import { checkKafka } from '../checkers/maelstrom/kafka.ts';
import { opReadPairs } from '../checkers/maelstrom/kafka-orders.ts';
import { availabilityOf, availabilityOption, maelstromDefaults, needs, uniqueValue, type MaelstromWorkloadOptions } from './maelstrom-common.ts';

const SECOND = 1e9;

/** The highest offset of every key anyone sent to or polled (the final polls' targets). Shared by
 *  the main generator, which fills it from completions, and the final one, which reads it. */
export class OffsetTracker {
  readonly max = new Map<string, number>();
  record(op: Op): void {
    if (op.type !== 'ok') return;
    const see = (k: string, o: number) => this.max.set(k, Math.max(this.max.get(k) ?? -1, o));
    if (op.f === 'send') {
      const v = op.value as { key: string; offset?: unknown };
      if (typeof v.offset === 'number') see(v.key, v.offset);
    } else if (op.f === 'poll') {
      for (const [k, pairs] of opReadPairs(op)) for (const [o] of pairs) if (o !== null) see(k, o);
    }
  }
}

interface OpsState { n: number; assigned: boolean; unseen: ReadonlySet<string> }

/** One worker's ops: sends and polls on the active keys, an assign now and then (at first, after
 *  a crash, and at random), and a crash about every hundred ops. */
class KafkaOps implements Gen {
  constructor(
    private readonly keyCount: number,
    private readonly epochNs: number,
    private readonly tracker: OffsetTracker,
    private readonly s: OpsState = { n: 0, assigned: false, unseen: new Set() },
  ) {}
  private with(s: Partial<OpsState>): KafkaOps {
    return new KafkaOps(this.keyCount, this.epochNs, this.tracker, { ...this.s, ...s });
  }
  op(ctx: GenContext): GenResult {
    const epoch = Math.floor(ctx.time / this.epochNs);
    const key = () => String(epoch * this.keyCount + ctx.rng.int(0, this.keyCount - 1));
    const r = ctx.rng.next();
    if (!this.s.assigned || r < 1 / 16) {
      // Assign a key, and a third of the time the keys this worker sent to but has not polled.
      const keys = new Set([key(), ...(ctx.rng.next() < 1 / 3 ? this.s.unseen : [])]);
      return [fill({ f: 'assign', value: { keys: [...keys] } }, ctx), this.with({ assigned: true })];
    }
    if (r < 1 / 16 + 1 / 100) return [fill({ f: 'crash', value: null }, ctx), this];
    if (ctx.rng.next() < 0.5) return [fill({ f: 'poll', value: null }, ctx), this];
    const t = typeof ctx.thread === 'number' ? ctx.thread : 0;
    return [fill({ f: 'send', value: { key: key(), msg: uniqueValue(this.s.n, t, ctx.concurrency) } }, ctx), this.with({ n: this.s.n + 1 })];
  }
  update(_ctx: GenContext, e: Op): Gen {
    this.tracker.record(e);
    if (e.type === 'invoke' || e.type === 'fail') return this;
    if (e.type === 'info' || e.f === 'crash') return this.with({ assigned: false, unseen: new Set() });
    if (e.f === 'send') return this.with({ unseen: new Set([...this.s.unseen, (e.value as { key: string }).key]) });
    if (e.f === 'poll') {
      const polled = new Set(opReadPairs(e).keys());
      return this.with({ unseen: new Set([...this.s.unseen].filter((k) => !polled.has(k))) });
    }
    return this;
  }
}

/** Polls every tenth of a second until this worker has read up to every key's highest offset. */
class FinalPolls implements Gen {
  constructor(
    private readonly tracker: OffsetTracker,
    private readonly targets: ReadonlyMap<string, number> | null = null,
    private readonly notBefore = 0,
  ) {}
  op(ctx: GenContext): GenResult {
    const targets = this.targets ?? new Map(this.tracker.max);
    if (targets.size === 0) return null;
    return [fill({ f: 'poll', value: null, time: Math.max(ctx.time, this.notBefore) }, ctx), new FinalPolls(this.tracker, targets, this.notBefore)];
  }
  update(ctx: GenContext, e: Op): Gen {
    if (e.f !== 'poll' || e.type === 'invoke' || this.targets === null) return this;
    const left = new Map(this.targets);
    if (e.type === 'ok') for (const [k, pairs] of opReadPairs(e)) for (const [o] of pairs) if (o !== null && o >= (left.get(k) ?? Infinity)) left.delete(k);
    return new FinalPolls(this.tracker, left, ctx.time + SECOND / 10);
  }
}

const finalGenerator = (tracker: OffsetTracker): Gen =>
  clients(eachThread(timeLimit(10, [
    once({ f: 'crash', value: null }),
    once(() => ({ f: 'assign', value: { keys: [...tracker.max.keys()], seek: true } })),
    new FinalPolls(tracker),
  ])));

const isOffsets = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((o) => typeof o === 'number' && Number.isInteger(o));
const isMsgs = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v)
  && Object.values(v).every((pairs) => Array.isArray(pairs) && pairs.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'number' && Number.isInteger(p[0])));

class KafkaClient implements Client {
  private conn: ClientConnection | null = null;
  private node: LocalNodeHandle | null = null;
  private offsets = new Map<string, number>();

  async open(_test: TestInfo, node: NodeHandle): Promise<Client> {
    if (!isLocalNode(node)) throw new UsageError('The kafka protocol client runs only on the local provider.');
    const c = new KafkaClient();
    c.node = node;
    c.conn = node.connect();
    return c;
  }

  private async rpc(body: MessageBody, signal: AbortSignal, check?: (r: MessageBody) => string | undefined): Promise<MessageBody> {
    const r = await this.conn!.rpc(body, signal, check);
    if (r.type === 'error') throw Object.assign(new Error(String(r.text ?? 'error')), { code: typeof r.code === 'number' ? r.code : null });
    return r;
  }

  async invoke(_test: TestInfo, op: Op, signal: AbortSignal): Promise<Completion> {
    const node = this.node!.name;
    try {
      switch (op.f) {
        case 'crash':
          this.conn!.close();
          this.conn = this.node!.connect();
          this.offsets = new Map();
          return { ...op, type: 'ok', node };
        case 'assign': {
          const { keys, seek } = op.value as { keys: string[]; seek?: boolean };
          let committed: Record<string, number> = {};
          if (!seek) {
            const r = await this.rpc({ type: 'list_committed_offsets', keys }, signal, (b) => needs(b, 'offsets', 'object') ?? (isOffsets(b.offsets) ? undefined : '"offsets" must map keys to integer offsets'));
            committed = r.offsets as Record<string, number>;
          }
          this.offsets = new Map(keys.map((k) => [k, seek ? 0 : this.offsets.get(k) ?? (Object.hasOwn(committed, k) ? committed[k] : 0)]));
          return { ...op, type: 'ok', node };
        }
        case 'send': {
          const { key, msg } = op.value as { key: string; msg: unknown };
          const r = await this.rpc({ type: 'send', key, msg }, signal, (b) => needs(b, 'offset', 'integer'));
          return { ...op, type: 'ok', node, value: { key, msg, offset: r.offset } };
        }
        case 'poll': {
          const r = await this.rpc({ type: 'poll', offsets: Object.fromEntries(this.offsets) }, signal, (b) => needs(b, 'msgs', 'object') ?? (isMsgs(b.msgs) ? undefined : '"msgs" must map keys to arrays of [offset, msg] pairs'));
          const msgs = Object.entries(r.msgs as Record<string, Array<[number, unknown]>>);
          const highest = new Map<string, number>();
          for (const [k, pairs] of msgs) for (const [o] of pairs) highest.set(k, Math.max(highest.get(k) ?? -1, o));
          for (const [k, o] of highest) this.offsets.set(k, Math.max(this.offsets.get(k) ?? 0, o + 1));
          if (highest.size) await this.rpc({ type: 'commit_offsets', offsets: Object.fromEntries(highest) }, signal);
          return { ...op, type: 'ok', node, value: { msgs } };
        }
        default:
          return { ...op, type: 'fail', node, error: `unknown operation ${op.f}` };
      }
    } catch (e) {
      const code = (e as { code?: number | null }).code ?? null;
      return completionFromError(op, false, code, e instanceof AbortError ? 'timed out' : e instanceof Error ? e.message : String(e), node);
    }
  }

  async close(): Promise<void> {
    this.conn?.close();
    this.conn = null;
  }
}

export interface KafkaOptions extends MaelstromWorkloadOptions {
  /** Keys active at a time (default 3). */
  keyCount?: number;
  /** About how many messages each key gets before it is retired (default 16, as Maelstrom). */
  maxWritesPerKey?: number;
  /** The run's total rate, to pace key retirement (set from --rate). */
  rate?: number;
}

export function kafka(o: KafkaOptions = {}): Workload {
  const keyCount = o.keyCount ?? 3;
  const mwpk = o.maxWritesPerKey ?? 16;
  // About half the ops are sends: a key gets mwpk of them in this many seconds.
  const epoch = o.rate && o.rate > 0 ? Math.max(0.05, (mwpk * keyCount) / (0.45 * o.rate)) : 1;
  const tracker = new OffsetTracker();
  return {
    name: 'kafka',
    options: [
      { name: 'keyCount', type: 'integer', default: keyCount, min: 1, max: 1000, description: 'Keys (logs) in use at a time' },
      { name: 'maxWritesPerKey', type: 'integer', default: mwpk, min: 1, max: 1_000_000, description: 'About how many messages each key gets before it is retired for a fresh one' },
      availabilityOption(o.availability),
    ],
    configure: (opts) => kafka({ keyCount: opts.keyCount as number, maxWritesPerKey: opts.maxWritesPerKey as number, rate: opts.rate, availability: availabilityOf(opts) }),
    suggest: maelstromDefaults,
    generator: eachThread(new KafkaOps(keyCount, epoch * SECOND, tracker)),
    finalGenerator: finalGenerator(tracker),
    checker: withAvailability({ check: (_t, h) => checkKafka(h) }, o.availability),
    protocolClient: () => new KafkaClient(),
  };
}
