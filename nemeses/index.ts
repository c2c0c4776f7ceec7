// The nemesis registry: `--nemesis a,b,c` becomes one package with a combined nemesis, a fault
// schedule, a final generator that undoes every fault, and the bands for the report.
import { nemesis as onNemesis, once } from '../src/generator/index.ts';
import type { Completion, FaultFamily, Nemesis, NemesisPackage, Op, RunOptions, TestInfo } from '../src/types.ts';
import { clock } from './clock.ts';
import { kill, type KillOptions } from './kill.ts';
import { partition, type PartitionOptions } from './partition.ts';
import { pause, type PauseOptions } from './pause.ts';
import { packet, type PacketOptions } from './packet.ts';
import { alternatingFaults } from './schedule.ts';

/** The built-in fault families by name, with their defaults; `--nemesis a,b` picks from these. */
export const nemeses = {
  partition: (o?: PartitionOptions) => partition(o),
  kill: (o?: KillOptions) => kill(o),
  pause: (o?: PauseOptions) => pause(o),
  packet: (o?: PacketOptions) => packet(o),
  clock: () => clock(),
};

export const builtinFamilies: ReadonlyMap<string, FaultFamily> = new Map(Object.entries(nemeses).map(([name, make]) => [name, make()]));

function combined(families: readonly FaultFamily[]): Nemesis {
  const byF = new Map<string, Nemesis>();
  for (const fam of families) for (const f of fam.nemesis.fs) byF.set(f, fam.nemesis);
  const self: Nemesis = {
    fs: new Set(byF.keys()),
    async setup(test) {
      for (const fam of families) await fam.nemesis.setup(test);
      return self;
    },
    async invoke(test: TestInfo, op: Op): Promise<Completion> {
      const n = byF.get(op.f);
      if (!n) return { ...op, type: 'info', error: `no nemesis handles ${op.f}` };
      return n.invoke(test, op);
    },
    async teardown(test) {
      for (const fam of families) await fam.nemesis.teardown(test);
    },
  };
  return self;
}

/** Configured families become one package: a combined nemesis, the fault schedule, the final
 *  generator that undoes every fault, and the bands for the report. */
export function nemesisPackage(families: readonly FaultFamily[], opts: RunOptions): NemesisPackage {
  return {
    nemesis: combined(families),
    generator: families.length ? onNemesis(alternatingFaults(families, opts.nemesisInterval)) : null,
    finalGenerator: families.length ? onNemesis(families.flatMap((f) => f.final.map((op) => once(op)))) : null,
    perf: families.map((f) => f.band),
  };
}
