// The nemesis registry: `--nemesis a,b,c` becomes one package with a combined nemesis, a fault
// schedule, a final generator that undoes every fault, and the bands for the report.
import { nemesis as onNemesis } from '../src/generator/index.ts';
import { UsageError } from '../src/errors.ts';
import type { Completion, Nemesis, NemesisPackage, Op, TestInfo } from '../src/types.ts';
import type { FaultFamily } from './family.ts';
import { clockFamily } from './clock.ts';
import { killFamily } from './kill.ts';
import { partitionFamily } from './partition.ts';
import { pauseFamily } from './pause.ts';
import { packetFamily } from './packet.ts';
import { alternatingFaults } from './schedule.ts';

type FamilyCtor = (test: TestInfo) => FaultFamily;

export const faultFamilies: Record<string, FamilyCtor> = {
  partition: partitionFamily,
  kill: killFamily,
  pause: pauseFamily,
  packet: packetFamily,
  clock: clockFamily,
};

/** Checks the names before anything starts (exit 254 with the valid names). */
export function validateNemeses(names: readonly string[]): void {
  for (const n of names) {
    if (!faultFamilies[n]) {
      throw new UsageError(`Unknown nemesis "${n}"; valid nemeses are: ${Object.keys(faultFamilies).join(', ')} (or none).`);
    }
  }
}

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

export function nemesisPackage(test: TestInfo): NemesisPackage {
  const names = test.opts.nemesis;
  validateNemeses(names);
  const families = names.map((n) => faultFamilies[n](test));
  return {
    nemesis: combined(families),
    generator: families.length ? onNemesis(alternatingFaults(families, test.opts.nemesisInterval)) : null,
    finalGenerator: families.length ? onNemesis(families.flatMap((f) => f.final)) : null,
    perf: families.map((f) => f.band),
  };
}
