// defineTest: a test is a value (as Jepsen's test map) — a workload, the client that performs its
// operations, optionally the system to install on the nodes, default faults, a provider, and the
// test's own command-line options. `run(test)` runs it; `npx jepsen-ts run ./my-test.ts` too.
import { UsageError } from '../errors.ts';
import type { OptionSpec } from '../options.ts';
import type { ClientFactory, Db, FaultFamily, Provider, Workload } from '../types.ts';

export interface TestSpec {
  /** Names the run directory (store/<name>/<time>/) and the report. */
  name: string;
  workload: Workload;
  /** Makes one client per worker. Default: the system's client for this workload. */
  client?: ClientFactory;
  /** What to install and run on every node. Without one, nodes are only names (Jepsen's noop db):
   *  the client decides what it talks to. */
  db?: Db;
  /** Faults injected when the command line names none: built-in names ("partition,kill"), or families. */
  nemesis?: string | ReadonlyArray<string | FaultFamily>;
  /** Where nodes run: a built-in provider's name or a provider. Default "local". */
  provider?: string | Provider;
  /** How many nodes (default 5). */
  nodes?: number;
  /** This test's own command-line options; their values reach every part through test.opts. */
  options?: readonly OptionSpec[];
  /** Defaults for any option of the run (e.g. { timeLimit: 10, concurrency: '3n' }). */
  defaults?: Readonly<Record<string, unknown>>;
  /** One line for --help and listings. */
  description?: string;
}

/** Marks values made by defineTest, across copies of this module (a test module may import the
 *  package while the CLI runs from another path to it). */
const BRAND = Symbol.for('jepsen-ts.test');

export type TestDefinition = Readonly<TestSpec> & { readonly [BRAND]: true };

export function isTestDefinition(x: unknown): x is TestDefinition {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[BRAND] === true;
}

const fail = (what: string): never => {
  throw new UsageError(`defineTest: ${what}.`);
};

function checkShape(spec: TestSpec): void {
  if (typeof spec !== 'object' || spec === null) fail('expected an object { name, workload, client?, db?, ... }');
  if (typeof spec.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(spec.name)) {
    fail('"name" must be 1 to 100 letters, digits, dots, dashes or underscores (it names the run directory)');
  }
  const w = spec.workload as Partial<Workload> | undefined;
  if (!w || typeof w !== 'object' || typeof w.checker?.check !== 'function' || w.generator === undefined) {
    fail(`"workload" of test ${spec.name} must be a workload: { name, generator, checker } (e.g. workloads.counter())`);
  }
  if (spec.client !== undefined && typeof spec.client !== 'function') fail(`"client" of test ${spec.name} must be a function that makes a client`);
  if (spec.db !== undefined && (typeof spec.db?.setup !== 'function' || typeof spec.db?.teardown !== 'function')) {
    fail(`"db" of test ${spec.name} must have setup(test, node) and teardown(test, node)`);
  }
  if (spec.nodes !== undefined && !(Number.isInteger(spec.nodes) && spec.nodes >= 1 && spec.nodes <= 64)) fail(`"nodes" of test ${spec.name} must be a whole number from 1 to 64`);
  for (const o of spec.options ?? []) {
    if (typeof o?.name !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(o.name)) fail(`test ${spec.name} declares an option whose name is not camelCase: ${String(o?.name)}`);
  }
}

export function defineTest(spec: TestSpec): TestDefinition {
  checkShape(spec);
  return Object.freeze({ ...spec, [BRAND]: true as const });
}
