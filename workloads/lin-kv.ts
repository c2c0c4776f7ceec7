// Maelstrom's lin-kv workload (Jepsen's linearizable-register test): reads, writes and
// compare-and-sets of small integers on independent keys, each key used for about 128 operations
// before the workers move on to the next. Of every 2n workers (n nodes), n only read and the
// others write or cas (one write to two cas). A read of a key that does not exist is error 20 and
// fails; every error on a read fails it. Checked for linearizability per key against a
// compare-and-set register starting at nil.
import { eachThread, fill, type Gen, type GenContext, type GenResult } from '../src/generator/index.ts';
import { ProtocolClient } from '../src/protocol-client.ts';
import type { Op, Workload } from '../src/types.ts';
import { withAvailability } from '../checkers/maelstrom/availability.ts';
import { linearizableChecker } from '../checkers/linearizable/index.ts';
import { checkTimeoutOption, kvRequest, type KeyedValue } from './register.ts';
import { availabilityOf, availabilityOption, maelstromDefaults, needs, type MaelstromWorkloadOptions } from './maelstrom-common.ts';

export type LinKvOp = Op<'read' | 'write' | 'cas', KeyedValue>;

export const linKvProtocolClient = () =>
  new ProtocolClient<LinKvOp>({
    request: kvRequest,
    value: (op, reply) => (op.f === 'read' ? { key: op.value.key, value: reply.value } : op.value),
    readOnly: (op) => op.f === 'read',
    malformed: (op, reply) => (op.f === 'read' ? needs(reply, 'value', 'any') : undefined),
  });

/** Operations on a key: about PER_KEY of them, spread over the workers of a group. */
const PER_KEY = 128;

/** One worker's ops: its group of 2n workers shares a key, moving on after about PER_KEY ops. */
class LinKvOps implements Gen {
  constructor(
    private readonly nodes: number,
    private readonly done = 0,
  ) {}
  op(ctx: GenContext): GenResult {
    const t = typeof ctx.thread === 'number' ? ctx.thread : 0;
    const groupSize = 2 * this.nodes;
    const groups = Math.max(1, Math.ceil(ctx.concurrency / groupSize));
    const inGroup = Math.min(groupSize, ctx.concurrency);
    const perWorker = Math.max(1, Math.ceil(PER_KEY / inGroup));
    const key = (t % groups) + groups * Math.floor(this.done / perWorker);
    const next = new LinKvOps(this.nodes, this.done + 1);
    if (Math.floor(t / groups) % groupSize < this.nodes) return [fill({ f: 'read', value: { key, value: null } }, ctx), next];
    if (ctx.rng.next() < 1 / 3) return [fill({ f: 'write', value: { key, value: ctx.rng.int(0, 4) } }, ctx), next];
    return [fill({ f: 'cas', value: { key, value: [ctx.rng.int(0, 4), ctx.rng.int(0, 4)] } }, ctx), next];
  }
  update(): Gen {
    return this;
  }
}

export interface LinKvOptions extends MaelstromWorkloadOptions {
  /** Seconds the linearizability checker may take (default 60). */
  checkTimeout?: number;
  /** Nodes in the cluster (sizes the worker groups; set from --node-count). */
  nodeCount?: number;
}

export function linKv(o: LinKvOptions = {}): Workload {
  const checkTimeout = o.checkTimeout ?? 60;
  return {
    name: 'lin-kv',
    options: [availabilityOption(o.availability), checkTimeoutOption(checkTimeout)],
    configure: (opts) => linKv({ availability: availabilityOf(opts), checkTimeout: opts.checkTimeout as number, nodeCount: opts.nodeCount }),
    suggest: maelstromDefaults,
    generator: eachThread(new LinKvOps(o.nodeCount ?? 5)),
    // Keys start absent; as in Knossos, a read of nil says nothing about the value.
    checker: withAvailability(linearizableChecker({ name: 'cas-register', init: null }, { timeout: checkTimeout }), o.availability),
    protocolClient: linKvProtocolClient,
  };
}
