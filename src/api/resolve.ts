// From a test definition and the options given for a run (command line or code) to a test the
// engine can run: every part's options gathered, checked and defaulted, every part configured,
// and every part asked whether it can take part — all before anything starts. Each refusal is one
// sentence naming the option or the part, and the way out.
import { UsageError } from '../errors.ts';
import { flagOf, mergeSpecs, resolveOptions, type OptionSpec, type OptionValues } from '../options.ts';
import { engineOptions, ENGINE, parseConcurrency } from '../run-options.ts';
import type { ResolvedTest } from '../run.ts';
import type { ReportInput } from '../run.ts';
import type { RunExplanation } from '../summary.ts';
import type {
  CheckResult, History, Checker, ClientFactory, Configurable, Db, FaultFamily, NemesisPackage, PerfBand, Provider, RefusalContext, RunOptions, Workload,
} from '../types.ts';
import type { TestDefinition } from './define.ts';

/** The built-in parts the resolution may draw on (provided by the composition root). */
export interface Catalogue {
  providers: ReadonlyMap<string, Provider>;
  nemeses: ReadonlyMap<string, FaultFamily>;
  nemesisPackage(families: readonly FaultFamily[], opts: RunOptions): NemesisPackage;
  fullChecker(workload: Workload, perf: readonly PerfBand[]): Checker;
  renderReport(input: ReportInput): string;
  explain(results: CheckResult, history: History, perf: readonly PerfBand[]): RunExplanation;
  /** For refusals: every option some built-in part declares, and which parts declare it. */
  optionOwners(): ReadonlyMap<string, readonly string[]>;
  /** Every boolean option a built-in part declares (the command-line tokenizer must know them). */
  booleanOptions(): readonly string[];
}

/** Jepsen's noop db: nodes are only names; the client decides what it talks to. */
export const noopDb: Db = {
  name: 'none',
  async setup() {},
  async teardown() {},
};

function specsOf<T>(part: Configurable<T>, given: OptionValues): readonly OptionSpec[] {
  const o = part.options;
  return typeof o === 'function' ? o(given) : (o ?? []);
}

function configured<T>(part: Configurable<T> & T, opts: RunOptions): T {
  return part.configure ? part.configure(opts) : part;
}

const words = (xs: readonly string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

export interface ResolveOptions {
  /** Values came from the command line: strings to coerce, repeated flags as arrays. */
  fromCli?: boolean;
  /** Where the test came from (see ResolvedTest.source). */
  source?: string | null;
}

/** The option specs a run of this test accepts, given the values known so far, by part. */
export function applicableOptions(def: TestDefinition, given: OptionValues, cat: Catalogue, o: ResolveOptions = {}): Array<{ group: string; specs: readonly OptionSpec[] }> {
  const { provider, families } = choose(def, given, cat, o);
  const db = def.db ?? noopDb;
  given = { ...given, workload: def.workload.name };
  return [
    { group: ENGINE, specs: engineSpecs(def, cat) },
    { group: `${provider.name} provider`, specs: specsOf(provider, given) },
    ...families.map((f) => ({ group: `${f.name} nemesis`, specs: specsOf(f, given) })),
    { group: `${def.workload.name} workload`, specs: specsOf(def.workload, given) },
    { group: db === noopDb ? 'system' : `${db.name} system`, specs: specsOf(db, given) },
    { group: `test ${def.name}`, specs: def.options ?? [] },
  ];
}

function engineSpecs(def: TestDefinition, cat: Catalogue): OptionSpec[] {
  const custom = typeof def.nemesis === 'object' ? def.nemesis.filter((n): n is FaultFamily => typeof n !== 'string').map((f) => f.name) : [];
  const providers = [...cat.providers.keys(), ...(typeof def.provider === 'object' && !cat.providers.has(def.provider.name) ? [def.provider.name] : [])];
  return engineOptions([...new Set([...cat.nemeses.keys(), ...custom])], providers);
}

/** Defaults that beat the specs' own: the test definition's, then its parts' suggestions. */
export function suggestedDefaults(def: TestDefinition, given: OptionValues): Record<string, unknown> {
  const withWorkload = { ...given, workload: def.workload.name };
  return { ...def.workload.suggest?.(withWorkload), ...(def.db ?? noopDb).suggest?.(withWorkload), ...definitionDefaults(def) };
}

/** The test's own defaults for engine options, from its definition. */
function definitionDefaults(def: TestDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (def.nodes !== undefined) out.nodeCount = def.nodes;
  if (def.provider !== undefined) out.provider = typeof def.provider === 'string' ? def.provider : def.provider.name;
  if (def.nemesis !== undefined) {
    out.nemesis = typeof def.nemesis === 'string' ? def.nemesis : def.nemesis.map((n) => (typeof n === 'string' ? n : n.name));
  }
  return { ...out, ...def.defaults };
}

/** Which provider and which fault families the given values (or the definition) choose. */
function choose(def: TestDefinition, given: OptionValues, cat: Catalogue, o: ResolveOptions): { provider: Provider; families: FaultFamily[]; engine: Record<string, unknown> } {
  const specs = engineSpecs(def, cat);
  const engine = resolveOptions({ specs, given: pick(given, specs), suggested: definitionDefaults(def), fromCli: o.fromCli });
  const providerName = String(engine.provider);
  const provider = typeof def.provider === 'object' && def.provider.name === providerName ? def.provider : cat.providers.get(providerName)!;
  const custom = new Map<string, FaultFamily>(
    (typeof def.nemesis === 'object' ? def.nemesis : []).filter((n): n is FaultFamily => typeof n !== 'string').map((f) => [f.name, f]),
  );
  const families = (engine.nemesis as string[]).filter((n) => n !== 'none').map((n) => custom.get(n) ?? cat.nemeses.get(n)!);
  return { provider, families, engine };
}

function pick(given: OptionValues, specs: readonly OptionSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of specs) if (Object.hasOwn(given, s.name)) out[s.name] = given[s.name];
  return out;
}

function refuseUnknown(def: TestDefinition, name: string, provider: Provider, cat: Catalogue): never {
  const owners = cat.optionOwners().get(name);
  if (owners?.length) throw new UsageError(`${flagOf(name)} does not apply to the ${def.name} test on the ${provider.name} provider: it is an option of ${words([...owners])}.`);
  throw new UsageError(`Unknown option ${flagOf(name)}; \`jepsen-ts run ${def.name} --help\` lists the options of this test.`);
}

/** Resolves a test and the given option values into what the engine runs. Throws UsageError. */
export function resolveTest(def: TestDefinition, given: OptionValues, cat: Catalogue, o: ResolveOptions = {}): ResolvedTest {
  const { provider, families } = choose(def, given, cat, o);
  const db0 = def.db ?? noopDb;
  const groups = applicableOptions(def, given, cat, o);
  const specs = mergeSpecs(groups);
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(given)) if (!known.has(name)) refuseUnknown(def, name, provider, cat);

  const suggested = suggestedDefaults(def, given);
  const values = resolveOptions({ specs, given, suggested, fromCli: o.fromCli });
  const nodeCount = Number(values.nodeCount);
  let opts = {
    ...values, workload: def.workload.name, nodes: (Array.isArray(values.nodes) ? values.nodes : []) as string[],
    concurrency: parseConcurrency(String(values.concurrency), nodeCount)!, seed: Number(values.seed ?? 0),
  } as unknown as RunOptions;
  const prov = configured(provider, opts);
  const nodes = prov.nodeNames?.(opts) ?? Array.from({ length: nodeCount }, (_, i) => `n${i + 1}`);
  // The provider may name the nodes (ssh hosts, compose services): "2n" counts those.
  opts = { ...opts, nodes, nodeCount: nodes.length, concurrency: parseConcurrency(String(values.concurrency), nodes.length)! };

  const workload = configured(def.workload, opts);
  const db = configured(db0, opts);
  const fams = families.map((f) => configured(f, opts));
  const ctx: RefusalContext = { opts, provider: prov.name, nemeses: fams.map((f) => f.name), db, workload };
  if (db.providers && !db.providers.includes(prov.name)) {
    throw new UsageError(`The ${db.name} system runs on the ${words([...db.providers])} provider${db.providers.length > 1 ? 's' : ''}, not ${prov.name}: add --provider ${db.providers[0]}.`);
  }
  for (const part of [prov, db, ...fams]) {
    const why = part.refuse?.(ctx);
    if (why) throw new UsageError(why);
  }
  const client: ClientFactory | undefined = def.client ?? db.clients?.[workload.name] ?? (db.speaksNodeProtocol ? workload.protocolClient : undefined);
  if (!client) {
    const has = Object.keys(db.clients ?? {});
    throw new UsageError(db === noopDb
      ? `Test ${def.name} has no client: give defineTest a client, or a db with a client for the ${workload.name} workload.`
      : `The ${db.name} system has no client for the ${workload.name} workload${has.length ? `; it has clients for: ${has.join(', ')}` : ''}.`);
  }
  const nemesis = cat.nemesisPackage(fams, opts);
  return {
    name: def.name,
    opts,
    nodes,
    workload,
    client,
    db,
    nemesis,
    provider: prov,
    checker: cat.fullChecker(workload, nemesis.perf),
    renderReport: cat.renderReport,
    explain: cat.explain,
    source: o.source ?? null,
  };
}
