// Process pauses: SIGSTOP of the DB's processes on some nodes (a long GC, a stalled VM), then
// SIGCONT. A paused node keeps its connections: messages to it wait, and arrive all at once.
import type { GenContext } from '../src/generator/index.ts';
import type { Completion, FaultFamily, Nemesis, Op, TestInfo } from '../src/types.ts';
import { pickTargets, targetsOption, type TargetSpec } from './family.ts';

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

export interface PauseOptions {
  /** Which nodes each pause hits (default one). */
  targets?: TargetSpec;
}

/** SIGSTOP of the system's process on some nodes, then SIGCONT. */
export function pause(o: PauseOptions = {}, nodes: readonly string[] = []): FaultFamily {
  const targets = o.targets ?? 'one';
  return {
    name: 'pause',
    options: [targetsOption('pauseTargets', targets, 'each pause hits')],
    configure: (opts) => pause({ targets: opts.pauseTargets as TargetSpec }, opts.nodes),
    refuse: ({ db }) => (db.pause && db.resume ? undefined : `--nemesis pause needs a system whose processes can be paused and resumed; the ${db.name} system cannot (it has no pause and resume).`),
    nemesis: pauseNemesis(),
    start: (ctx: GenContext) => ({ f: 'pause', value: pickTargets(targets, nodes, ctx.rng) }),
    stop: () => ({ f: 'resume', value: 'all' }),
    final: [{ f: 'resume', value: 'all' }],
    band: { name: 'pause', start: ['pause'], stop: ['resume'], color: '#f4d6a6' },
  };
}
