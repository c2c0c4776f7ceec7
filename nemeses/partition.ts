// Network partitions. The generator picks the shape's components with the nemesis thread's seeded
// randomness and records the grudge in the op's value, so the history says who could not hear whom.
import type { GenContext } from '../src/generator/index.ts';
import type { Completion, FaultFamily, Grudge, Nemesis, Op, TestInfo } from '../src/types.ts';
import type { Rng } from '../src/rng.ts';

export const PARTITION_SHAPES = ['halves', 'random-halves', 'one', 'majorities-ring', 'bridge'] as const;
export type PartitionShape = (typeof PARTITION_SHAPES)[number];

/** Every node drops messages from every node outside its own component. */
export function grudgeFromComponents(components: readonly (readonly string[])[]): Grudge {
  const all = components.flat();
  const g: Grudge = {};
  for (const comp of components) for (const n of comp) g[n] = all.filter((m) => !comp.includes(m));
  return g;
}

function halves(nodes: readonly string[]): string[][] {
  const k = Math.floor(nodes.length / 2);
  return [nodes.slice(0, k), nodes.slice(k)];
}

/** Each node sees itself and its nearest neighbours on a shuffled ring: a majority, but no two
 *  nodes see the same majority (Jepsen's majorities-ring). */
export function majoritiesRing(nodes: readonly string[], rng: Rng): Grudge {
  const ring = rng.shuffle(nodes);
  const n = ring.length;
  const majority = Math.floor(n / 2) + 1;
  const d = Math.ceil((majority - 1) / 2);
  const g: Grudge = {};
  if (2 * d + 1 >= n) {
    // Too few nodes for symmetric windows (3 nodes): a directed ring, each hears the next one.
    ring.forEach((node, i) => {
      const visible = new Set(Array.from({ length: majority }, (_, k) => ring[(i + k) % n]));
      g[node] = ring.filter((m) => !visible.has(m));
    });
    return g;
  }
  ring.forEach((node, i) => {
    const visible = new Set<string>();
    for (let k = -d; k <= d; k++) visible.add(ring[(i + k + n) % n]);
    g[node] = ring.filter((m) => !visible.has(m));
  });
  return g;
}

/** Two halves that cannot talk, and one node in the middle that talks to both. */
export function bridge(nodes: readonly string[], rng: Rng): Grudge {
  const s = rng.shuffle(nodes);
  const mid = Math.floor(s.length / 2);
  const left = s.slice(0, mid);
  const right = s.slice(mid + 1);
  const g: Grudge = { [s[mid]]: [] };
  for (const n of left) g[n] = right.slice();
  for (const n of right) g[n] = left.slice();
  return g;
}

export function partitionGrudge(shape: PartitionShape, nodes: readonly string[], rng: Rng): Grudge {
  switch (shape) {
    case 'halves': return grudgeFromComponents(halves(nodes));
    case 'random-halves': return grudgeFromComponents(halves(rng.shuffle(nodes)));
    case 'one': {
      const lone = rng.pick(nodes);
      return grudgeFromComponents([[lone], nodes.filter((n) => n !== lone)]);
    }
    case 'majorities-ring': return majoritiesRing(nodes, rng);
    case 'bridge': return bridge(nodes, rng);
  }
}

export function partitionNemesis(): Nemesis {
  const self: Nemesis = {
    fs: new Set(['start-partition', 'stop-partition']),
    async setup() {
      return self;
    },
    async invoke(test: TestInfo, op: Op): Promise<Completion> {
      const net = test.cluster!.net;
      if (op.f === 'start-partition') {
        const { grudge } = op.value as { grudge: Grudge };
        await net.partition(grudge);
        return { ...op, type: 'info' };
      }
      await net.heal();
      return { ...op, type: 'info', value: 'network healed' };
    },
    async teardown(test) {
      await test.cluster?.net.heal();
    },
  };
  return self;
}

export interface PartitionOptions {
  /** The shape of each partition (default random-halves). */
  shape?: PartitionShape;
}

/** Network partitions of the given shape, healed after each interval. */
export function partition(o: PartitionOptions = {}, nodes: readonly string[] = []): FaultFamily {
  const shape = o.shape ?? 'random-halves';
  return {
    name: 'partition',
    options: [{ name: 'partitionShape', type: 'string', default: shape, choices: PARTITION_SHAPES, description: `Shape of each partition: ${PARTITION_SHAPES.join(', ')}` }],
    configure: (opts) => partition({ shape: opts.partitionShape as PartitionShape }, opts.nodes),
    refuse: ({ opts }) => {
      const min = shape === 'bridge' ? 3 : 2;
      return opts.nodes.length < min ? `--nemesis partition needs at least ${min} nodes${shape === 'bridge' ? ' for the bridge shape' : ''}: with ${opts.nodes.length} there is nothing to cut apart.` : undefined;
    },
    nemesis: partitionNemesis(),
    start: (ctx: GenContext) => ({ f: 'start-partition', value: { shape, grudge: partitionGrudge(shape, nodes, ctx.rng) } }),
    stop: () => ({ f: 'stop-partition', value: null }),
    final: [{ f: 'stop-partition', value: null }],
    band: { name: 'partition', start: ['start-partition'], stop: ['stop-partition'], color: '#f4a6a6' },
  };
}
