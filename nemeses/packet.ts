// Packet faults on node-to-node links: delay (with jitter), loss, duplication and reordering,
// applied to every link touching a random subset of nodes. On the local provider the
// controller's router does it; other providers shape links their own way (tc netem).
import type { GenContext } from '../src/generator/index.ts';
import { UsageError } from '../src/errors.ts';
import type { Completion, LinkBehaviour, Nemesis, Op, RunOptions, TestInfo } from '../src/types.ts';
import type { FaultFamily } from './family.ts';
import { parseTargets, pickTargets } from './kill.ts';

export const PACKET_FAULTS: Record<string, LinkBehaviour> = {
  delay: { delayMs: 50, jitterMs: 50 },
  loss: { loss: 0.2 },
  duplicate: { duplicate: 0.2 },
  reorder: { reorder: 0.3 },
};

export function parsePacket(s: string): string[] {
  const kinds = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const k of kinds) {
    if (!PACKET_FAULTS[k]) throw new UsageError(`Unknown packet fault "${k}"; valid ones are: ${Object.keys(PACKET_FAULTS).join(', ')}.`);
  }
  return kinds.length ? kinds : ['delay'];
}

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

export function packetFamily(test: { nodes: string[]; opts: RunOptions }): FaultFamily {
  const kinds = parsePacket(String(test.opts.packet ?? 'delay'));
  const spec = parseTargets(String(test.opts.packetTargets ?? 'minority'), '--packet-targets');
  return {
    name: 'packet',
    nemesis: packetNemesis(),
    start: (ctx: GenContext) => {
      const kind = ctx.rng.pick(kinds);
      return { f: 'start-packet', value: { kind, targets: pickTargets(spec, test.nodes, ctx.rng), behaviour: PACKET_FAULTS[kind] } };
    },
    stop: () => ({ f: 'stop-packet', value: null }),
    final: [{ f: 'stop-packet', value: null }],
    band: { name: 'packet', start: ['start-packet'], stop: ['stop-packet'], color: '#c9b3e6' },
  };
}
