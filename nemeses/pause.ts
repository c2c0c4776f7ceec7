// Process pauses: SIGSTOP of the DB's processes on some nodes (a long GC, a stalled VM), then
// SIGCONT. A paused node keeps its connections: messages to it wait, and arrive all at once.
import type { GenContext } from '../src/generator/index.ts';
import type { Completion, Nemesis, Op, RunOptions, TestInfo } from '../src/types.ts';
import type { FaultFamily } from './family.ts';
import { parseTargets, pickTargets } from './kill.ts';

export function pauseNemesis(): Nemesis {
  const paused = new Set<string>();
  const self: Nemesis = {
    fs: new Set(['pause', 'resume']),
    async setup() {
      return self;
    },
    async invoke(test: TestInfo, op: Op): Promise<Completion> {
      const db = test.db!;
      if (!db.pause || !db.resume) return { ...op, type: 'info', error: `${db.name} cannot be paused` };
      const handles = test.cluster!.nodes;
      if (op.f === 'pause') {
        const targets = op.value as string[];
        await Promise.all(handles.filter((h) => targets.includes(h.name)).map((h) => db.pause!(test, h)));
        for (const t of targets) paused.add(t);
        return { ...op, type: 'info' };
      }
      const targets = handles.filter((h) => paused.has(h.name));
      await Promise.all(targets.map((h) => db.resume!(test, h)));
      paused.clear();
      return { ...op, type: 'info', value: targets.map((h) => h.name) };
    },
    async teardown(test) {
      // Never leave a node stopped: a stopped process cannot even be killed cleanly by its group.
      const db = test.db;
      if (!db?.resume || !test.cluster) return;
      await Promise.all(test.cluster.nodes.filter((h) => paused.has(h.name)).map((h) => db.resume!(test, h)));
      paused.clear();
    },
  };
  return self;
}

export function pauseFamily(test: { nodes: string[]; opts: RunOptions }): FaultFamily {
  const spec = parseTargets(String(test.opts.pauseTargets ?? 'one'), '--pause-targets');
  return {
    name: 'pause',
    nemesis: pauseNemesis(),
    start: (ctx: GenContext) => ({ f: 'pause', value: pickTargets(spec, test.nodes, ctx.rng) }),
    stop: () => ({ f: 'resume', value: 'all' }),
    final: [{ f: 'resume', value: 'all' }],
    band: { name: 'pause', start: ['pause'], stop: ['resume'], color: '#f4d6a6' },
  };
}
