// kill -9: SIGKILL of the DB's process on some nodes, then a restart (same data directory).
import type { GenContext } from '../src/generator/index.ts';
import { UsageError } from '../src/errors.ts';
import type { Completion, Nemesis, Op, TestInfo } from '../src/types.ts';
import type { Rng } from '../src/rng.ts';
import type { FaultFamily } from './family.ts';

export const TARGET_SPECS = ['one', 'minority', 'majority', 'all'] as const;
export type TargetSpec = (typeof TARGET_SPECS)[number];

export function parseTargets(s: string, option: string): TargetSpec {
  if (!(TARGET_SPECS as readonly string[]).includes(s)) {
    throw new UsageError(`Unknown ${option} "${s}"; valid values are: ${TARGET_SPECS.join(', ')}.`);
  }
  return s as TargetSpec;
}

/** A random subset of nodes of the given size class. */
export function pickTargets(spec: TargetSpec, nodes: readonly string[], rng: Rng): string[] {
  const n = nodes.length;
  const size = spec === 'one' ? 1 : spec === 'minority' ? Math.max(1, Math.floor((n - 1) / 2)) : spec === 'majority' ? Math.floor(n / 2) + 1 : n;
  return rng.shuffle(nodes).slice(0, size).sort();
}

export function killNemesis(): Nemesis {
  const killed = new Set<string>();
  const self: Nemesis = {
    fs: new Set(['kill', 'start']),
    async setup() {
      return self;
    },
    async invoke(test: TestInfo, op: Op): Promise<Completion> {
      const db = test.db!;
      const handles = test.cluster!.nodes;
      if (!db.kill || !db.start) return { ...op, type: 'info', error: `${db.name} cannot be killed and restarted` };
      if (op.f === 'kill') {
        const targets = op.value as string[];
        await Promise.all(handles.filter((h) => targets.includes(h.name)).map((h) => db.kill!(test, h)));
        for (const t of targets) killed.add(t);
        return { ...op, type: 'info' };
      }
      const targets = handles.filter((h) => killed.has(h.name));
      const results = await Promise.allSettled(targets.map((h) => db.start!(test, h)));
      const failed: string[] = [];
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') killed.delete(targets[i].name);
        else failed.push(`${targets[i].name}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
      });
      return { ...op, type: 'info', value: targets.map((h) => h.name), ...(failed.length ? { error: `restart failed: ${failed.join('; ')}` } : {}) };
    },
    async teardown() {},
  };
  return self;
}

export function killFamily(test: { nodes: string[]; opts: { killTargets: string } }): FaultFamily {
  const spec = parseTargets(test.opts.killTargets, '--kill-targets');
  return {
    name: 'kill',
    nemesis: killNemesis(),
    start: (ctx: GenContext) => ({ f: 'kill', value: pickTargets(spec, test.nodes, ctx.rng) }),
    stop: () => ({ f: 'start', value: 'all' }),
    final: [{ f: 'start', value: 'all' }],
    band: { name: 'kill', start: ['kill'], stop: ['start'], color: '#a6c8f4' },
  };
}
