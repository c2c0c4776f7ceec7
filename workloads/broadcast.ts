// Maelstrom's broadcast workload: after init, every node is sent `topology {topology}` (its
// neighbours under --topology); then clients `broadcast {message}` unique integers to any node
// and `read` the messages a node has (`read_ok {messages}`); after recovery every worker reads
// once more. Checked as Maelstrom checks it, with Jepsen's set-full (lost and stale messages,
// stable latencies); the run's message counts (msgs-per-op) come with every run (the net checker).
import { clients, delay, eachThread, fill, limit, untilOk, type Gen, type GenContext, type GenResult } from '../src/generator/index.ts';
import { ProtocolClient, type ProtocolMapping } from '../src/protocol-client.ts';
import { isLocalNode } from '../src/providers/local/index.ts';
import { RunAbortedError } from '../src/errors.ts';
import type { Client, Completion, NodeHandle, Op, TestInfo, Workload } from '../src/types.ts';
import { shortText } from '../src/util/values.ts';
import { withAvailability } from '../checkers/maelstrom/availability.ts';
import { checkSetFull } from '../checkers/maelstrom/set-full.ts';
import { availabilityOf, availabilityOption, maelstromDefaults, needs, uniqueValue, type MaelstromWorkloadOptions } from './maelstrom-common.ts';
import { topology, TOPOLOGIES, type TopologyName } from './broadcast-topology.ts';

export type BroadcastOp = Op<'broadcast' | 'read', unknown>;

/** Half broadcasts of unique integers, half reads. */
export class AddsAndReads implements Gen {
  constructor(
    private readonly addF: string,
    private readonly n = 0,
  ) {}
  op(ctx: GenContext): GenResult {
    if (ctx.rng.next() < 0.5) return [fill({ f: 'read', value: null }, ctx), this];
    const t = typeof ctx.thread === 'number' ? ctx.thread : 0;
    return [fill({ f: this.addF, value: uniqueValue(this.n, t, ctx.concurrency) }, ctx), new AddsAndReads(this.addF, this.n + 1)];
  }
  update(): Gen {
    return this;
  }
}

/** A final read by every worker once the system has recovered (a few tries, half a second apart). */
export const finalReads = (): Gen => clients(eachThread(untilOk(limit(3, delay(0.5, { f: 'read', value: null })))));

const mapping: ProtocolMapping<BroadcastOp> = {
  request: (op) => (op.f === 'broadcast' ? { type: 'broadcast', message: op.value } : { type: 'read' }),
  value: (op, reply) => (op.f === 'read' ? reply.messages : op.value),
  readOnly: (op) => op.f === 'read',
  malformed: (op, reply) => (op.f === 'read' ? needs(reply, 'messages', 'array') : undefined),
};

/** The protocol client, plus the set-up Maelstrom does first: `topology` to every node. */
class BroadcastClient implements Client<BroadcastOp> {
  constructor(
    private readonly topologyName: TopologyName,
    private readonly inner: Client<BroadcastOp> = new ProtocolClient<BroadcastOp>(mapping),
  ) {}

  async open(test: TestInfo, node: NodeHandle): Promise<Client<BroadcastOp>> {
    return new BroadcastClient(this.topologyName, await this.inner.open(test, node));
  }

  async setup(test: TestInfo): Promise<void> {
    const nodes = test.cluster!.nodes;
    const topo = topology(this.topologyName, nodes.map((n) => n.name));
    await Promise.all(nodes.map(async (n) => {
      if (!isLocalNode(n)) return;
      const conn = n.connect();
      try {
        const reply = await conn.rpc({ type: 'topology', topology: topo }, AbortSignal.timeout(test.opts.opTimeout * 1000));
        if (reply.type === 'error') throw new RunAbortedError(`Node ${n.name} answered topology with error ${String(reply.code)}: ${shortText(reply.text, 200)}`);
      } catch (e) {
        if (e instanceof RunAbortedError) throw e;
        throw new RunAbortedError(`Node ${n.name} did not answer topology (${e instanceof Error ? e.message : String(e)}).`);
      } finally {
        conn.close();
      }
    }));
  }

  invoke(test: TestInfo, op: BroadcastOp, signal: AbortSignal): Promise<Completion<BroadcastOp>> {
    return this.inner.invoke(test, op, signal);
  }

  close(test: TestInfo): Promise<void> {
    return this.inner.close(test);
  }
}

export interface BroadcastOptions extends MaelstromWorkloadOptions {
  /** The neighbours each node is told about (default grid, as Maelstrom). */
  topology?: TopologyName;
}

export function broadcast(o: BroadcastOptions = {}): Workload {
  const topo = o.topology ?? 'grid';
  return {
    name: 'broadcast',
    options: [
      { name: 'topology', type: 'string', default: topo, choices: TOPOLOGIES, description: 'The topology sent to the nodes after init: grid, line, tree (tree2), tree3, tree4 or total' },
      availabilityOption(o.availability),
    ],
    configure: (opts) => broadcast({ topology: opts.topology as TopologyName, availability: availabilityOf(opts) }),
    suggest: maelstromDefaults,
    generator: eachThread(new AddsAndReads('broadcast')),
    finalGenerator: finalReads(),
    checker: withAvailability({ check: (_t, h) => checkSetFull(h, { addF: 'broadcast' }) }, o.availability),
    protocolClient: () => new BroadcastClient(topo),
  };
}
