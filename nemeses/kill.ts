// kill -9: SIGKILL of the DB's process on some nodes, then a restart (same data directory).
import type { GenContext } from '../src/generator/index.ts';
import type { Completion, FaultFamily, Nemesis, Op, TestInfo } from '../src/types.ts';
import { pickTargets, targetsOption, type TargetSpec } from './family.ts';


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

export interface KillOptions {
  /** Which nodes each kill hits (default one). */
  targets?: TargetSpec;
}

/** kill -9 of the system's process on some nodes, then a restart with the same data. */
export function kill(o: KillOptions = {}, nodes: readonly string[] = []): FaultFamily {
  const targets = o.targets ?? 'one';
  return {
    name: 'kill',
    options: [targetsOption('killTargets', targets, 'each kill hits')],
    configure: (opts) => kill({ targets: opts.killTargets as TargetSpec }, opts.nodes),
    refuse: ({ db }) => (db.kill && db.start ? undefined : `--nemesis kill needs a system that can be killed and restarted; the ${db.name} system cannot (it has no kill and start).`),
    nemesis: killNemesis(),
    start: (ctx: GenContext) => ({ f: 'kill', value: pickTargets(targets, nodes, ctx.rng) }),
    stop: () => ({ f: 'start', value: 'all' }),
    final: [{ f: 'start', value: 'all' }],
    band: { name: 'kill', start: ['kill'], stop: ['start'], color: '#a6c8f4' },
  };
}
