// Packet faults on node-to-node links: delay (with jitter), loss, duplication and reordering,
// applied to every link touching a random subset of nodes. On the local provider the
// controller's router does it; other providers shape links their own way (tc netem).
import type { GenContext } from '../src/generator/index.ts';
import type { Completion, FaultFamily, LinkBehaviour, Nemesis, Op, TestInfo } from '../src/types.ts';
import { pickTargets, targetsOption, type TargetSpec } from './family.ts';

export const PACKET_FAULTS = {
  delay: { delayMs: 50, jitterMs: 50 },
  loss: { loss: 0.2 },
  duplicate: { duplicate: 0.2 },
  reorder: { reorder: 0.3 },
} as const satisfies Record<string, LinkBehaviour>;

/** Every directed link between a target and any other node. */
export function linksOf(targets: readonly string[], nodes: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const a of nodes) for (const b of nodes) if (a !== b && (targets.includes(a) || targets.includes(b))) out.push([a, b]);
  return out;
}

export function packetNemesis(): Nemesis {
  const self: Nemesis = {
    fs: new Set(['start-packet', 'stop-packet']),
    async setup() {
      return self;
    },
    async invoke(test: TestInfo, op: Op): Promise<Completion> {
      const net = test.cluster!.net;
      if (!net.shape) return { ...op, type: 'info', error: 'this provider cannot shape packets' };
      if (op.f === 'start-packet') {
        const { targets, behaviour } = op.value as { targets: string[]; behaviour: LinkBehaviour };
        await net.shape(linksOf(targets, test.nodes), behaviour);
        return { ...op, type: 'info' };
      }
      await net.shape([], null);
      return { ...op, type: 'info', value: 'links restored' };
    },
    async teardown(test) {
      await test.cluster?.net.shape?.([], null);
    },
  };
  return self;
}

export type PacketKind = keyof typeof PACKET_FAULTS;

export interface PacketOptions {
  /** The kinds of packet fault to choose from, one per fault (default delay). */
  kinds?: readonly PacketKind[];
  /** Nodes whose links each fault touches (default minority). */
  targets?: TargetSpec;
}

/** Delay, loss, duplication or reordering on every link touching some nodes. */
export function packet(o: PacketOptions = {}, nodes: readonly string[] = []): FaultFamily {
  const kinds = o.kinds ?? ['delay'];
  const targets = o.targets ?? 'minority';
  return {
    name: 'packet',
    options: [
      { name: 'packet', type: 'list', default: kinds, choices: Object.keys(PACKET_FAULTS), unique: true, description: 'Packet faults to choose from, comma-separated: delay, loss, duplicate, reorder' },
      targetsOption('packetTargets', targets, "links each packet fault touches"),
    ],
    configure: (opts) => packet({ kinds: opts.packet as PacketKind[], targets: opts.packetTargets as TargetSpec }, opts.nodes),
    refuse: ({ opts }) => (opts.nodes.length < 2 ? '--nemesis packet needs at least 2 nodes: with one there are no links between nodes to fault.' : undefined),
    nemesis: packetNemesis(),
    start: (ctx: GenContext) => {
      const kind = ctx.rng.pick(kinds);
      return { f: 'start-packet', value: { kind, targets: pickTargets(targets, nodes, ctx.rng), behaviour: PACKET_FAULTS[kind] } };
    },
    stop: () => ({ f: 'stop-packet', value: null }),
    final: [{ f: 'stop-packet', value: null }],
    band: { name: 'packet', start: ['start-packet'], stop: ['stop-packet'], color: '#c9b3e6' },
  };
}
