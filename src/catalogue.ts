// The composition root: the built-in providers, nemeses, checks and report that every run draws
// on, and the built-in tests `jepsen-ts run <name>` knows — each written through the public API,
// exactly as a user's test is. (The engine under src/ never imports the catalogue; this file,
// src/index.ts and src/cli/ are where the two meet.)
import { fullChecker } from '../checkers/index.ts';
import { chosenSystem, systemsFor } from '../dbs/index.ts';
import { builtinFamilies, nemesisPackage } from '../nemeses/index.ts';
import { renderReport } from '../reports/render.ts';
import { explainResults } from '../reports/explain/index.ts';
import { workloads } from '../workloads/index.ts';
import { defineTest, type TestDefinition } from './api/define.ts';
import type { Catalogue } from './api/resolve.ts';
import type { OptionSpec, OptionValues } from './options.ts';
import { providers as builtinProviders } from './providers/index.ts';
import type { Configurable, Provider } from './types.ts';

export const providers: ReadonlyMap<string, Provider> = new Map(Object.values(builtinProviders).map((p) => [p.name, p]));

/** The built-in tests: each workload against the system chosen with --db (or --bin). */
export const builtinTests: ReadonlyMap<string, TestDefinition> = new Map(
  Object.entries(workloads).map(([name, make]) => [name, defineTest({ name, workload: make(), db: chosenSystem(name) })]),
);

function specsOf(part: Configurable<unknown>, given: OptionValues): readonly OptionSpec[] {
  return typeof part.options === 'function' ? part.options(given) : (part.options ?? []);
}

let owners: Map<string, string[]> | null = null;
const booleans = new Set<string>(['leaveDbRunning']);

/** Every option a built-in part declares, and the parts that declare it (for refusals). */
function optionOwners(): ReadonlyMap<string, readonly string[]> {
  if (owners) return owners;
  const m = new Map<string, string[]>();
  const add = (owner: string, specs: readonly OptionSpec[]) => {
    for (const s of specs) {
      if (s.type === 'boolean') booleans.add(s.name);
      const list = m.get(s.name) ?? [];
      if (!list.includes(owner)) list.push(owner);
      m.set(s.name, list);
    }
  };
  for (const p of providers.values()) add(`the ${p.name} provider`, specsOf(p, {}));
  for (const f of builtinFamilies.values()) add(`the ${f.name} nemesis`, specsOf(f, {}));
  for (const [name, make] of Object.entries(workloads)) add(`the ${name} workload`, specsOf(make(), {}));
  for (const w of Object.keys(workloads)) {
    const sys = chosenSystem(w);
    for (const db of systemsFor(w)) add(`the ${db} system`, specsOf(sys, { workload: w, db }).filter((s) => s.name !== 'db' && s.name !== 'bin'));
    add('the --bin system (your own node)', specsOf(sys, { workload: w, bin: 'x' }).filter((s) => s.name === 'binArg'));
    add('the built-in tests', specsOf(sys, { workload: w }).filter((s) => s.name === 'db' || s.name === 'bin'));
  }
  owners = m;
  return m;
}

export const catalogue: Catalogue = {
  providers,
  nemeses: builtinFamilies,
  nemesisPackage,
  fullChecker,
  renderReport,
  explain: explainResults,
  optionOwners,
  booleanOptions: () => {
    optionOwners();
    return [...booleans];
  },
};
