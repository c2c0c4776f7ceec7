// Clock faults (Jepsen's bump, strobe and reset): nodes' wall clocks jump or flip between two
// offsets, while real time and the monotonic clock go on. On the local provider each node runs
// under libfaketime with an offset file of its own (src/providers/local/faketime.ts); the host's
// clock is never touched. Every completion records all nodes' offsets, so the report can plot them.
import type { GenContext } from '../src/generator/index.ts';
import type { ClockControl, Completion, FaultFamily, Nemesis, Op, TestInfo } from '../src/types.ts';

export interface StrobeSpec {
  /** Per node: the offset it flips to (ms, relative to where it was) and the flip period (ms). */
  nodes: Record<string, { delta: number; period: number }>;
  /** How long to keep flipping, in ms; the nemesis worker is busy for that long, as in Jepsen. */
  duration: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function clockOf(test: TestInfo): ClockControl | null {
  return test.cluster?.clock ?? null;
}

async function strobe(clock: ClockControl, spec: StrobeSpec): Promise<void> {
  const base = clock.offsets();
  const end = Date.now() + spec.duration;
  const flips = Object.entries(spec.nodes).map(([node, { delta, period }]) => (async () => {
    let up = false;
    while (Date.now() < end) {
      up = !up;
      await clock.set({ [node]: base[node] + (up ? delta : 0) });
      await sleep(Math.max(1, Math.min(period, end - Date.now())));
    }
    await clock.set({ [node]: base[node] });
  })());
  await Promise.all(flips);
}

export function clockNemesis(): Nemesis {
  const self: Nemesis = {
    fs: new Set(['bump', 'strobe', 'reset']),
    async setup() {
      return self;
    },
    async invoke(test: TestInfo, op: Op): Promise<Completion> {
      const clock = clockOf(test);
      if (!clock) return { ...op, type: 'info', error: `the ${test.cluster?.provider ?? 'current'} provider cannot change node clocks` };
      if (op.f === 'bump') {
        const deltas = op.value as Record<string, number>;
        const now = clock.offsets();
        await clock.set(Object.fromEntries(Object.entries(deltas).map(([n, d]) => [n, now[n] + d])));
        return { ...op, type: 'info', value: { bump: deltas, offsets: clock.offsets() } };
      }
      if (op.f === 'strobe') {
        const spec = op.value as StrobeSpec;
        await strobe(clock, spec);
        return { ...op, type: 'info', value: { strobe: spec, offsets: clock.offsets() } };
      }
      await clock.set(Object.fromEntries(test.nodes.map((n) => [n, 0])));
      return { ...op, type: 'info', value: { offsets: clock.offsets() } };
    },
    async teardown(test) {
      const clock = clockOf(test);
      if (clock) await clock.set(Object.fromEntries(test.nodes.map((n) => [n, 0])));
    },
  };
  return self;
}

/** A random non-empty subset of the nodes, as Jepsen's clock nemesis picks them. */
function someNodes(nodes: readonly string[], ctx: GenContext): string[] {
  return ctx.rng.shuffle(nodes).slice(0, ctx.rng.int(1, nodes.length)).sort();
}

/** 2^k ms for k uniform in [lo, hi]: small and large jumps equally often, on a log scale. */
const magnitude = (ctx: GenContext, lo: number, hi: number) => 2 ** ctx.rng.int(lo, hi);

/** Jepsen's clock faults: bumps and strobes of some nodes' wall clocks, then a reset. */
export function clock(nodes: readonly string[] = [], intervalMs = 5000): FaultFamily {
  return {
    name: 'clock',
    configure: (opts) => clock(opts.nodes, opts.nemesisInterval * 1000),
    nemesis: clockNemesis(),
    start(ctx) {
      const targets = someNodes(nodes, ctx);
      if (ctx.rng.bool(0.6)) {
        // Bumps of 128 ms to 65 s, either way.
        return { f: 'bump', value: Object.fromEntries(targets.map((n) => [n, (ctx.rng.bool() ? 1 : -1) * magnitude(ctx, 7, 16)])) };
      }
      const strobing = Object.fromEntries(targets.map((n) => [n, { delta: (ctx.rng.bool() ? 1 : -1) * magnitude(ctx, 7, 14), period: magnitude(ctx, 4, 9) }]));
      return { f: 'strobe', value: { nodes: strobing, duration: Math.round(intervalMs * (0.3 + 0.7 * ctx.rng.next())) } satisfies StrobeSpec };
    },
    stop: () => ({ f: 'reset', value: null }),
    final: [{ f: 'reset', value: null }],
    band: { name: 'clock', start: ['bump', 'strobe'], stop: ['reset'], color: '#d8c8f0' },
  };
}
