// The systems the built-in tests can run against, chosen on the command line: --db demo (the
// built-in nodes, default), etcd, redis, or --bin PATH (your own node speaking the node protocol).
// Maelstrom's workloads (echo, broadcast, kafka, ...) have no built-in system: they run --bin only.
// The choice is itself a Db part: it declares --db and --bin, plus the chosen system's options,
// and configures into the chosen system.
import { UsageError } from '../src/errors.ts';
import type { Db, OptionSpec, OptionValues } from '../src/types.ts';
import { demo, demoSystems } from './demo/index.ts';
import { etcd } from './etcd.ts';
import { maelstrom, binOptions } from './maelstrom.ts';
import { redis } from './redis.ts';

/** The real systems and the workloads each has clients for. */
const REAL: Record<string, { make: () => Db; workloads: readonly string[] }> = {
  etcd: { make: () => etcd(), workloads: ['register', 'counter', 'lock', 'queue'] },
  redis: { make: () => redis(), workloads: ['counter', 'register', 'cache', 'lock', 'queue'] },
};

/** The systems that have a client for a workload. */
export function systemsFor(workload: string): string[] {
  return [...(demoSystems[workload] ? ['demo'] : []), ...Object.keys(REAL).filter((n) => REAL[n].workloads.includes(workload))];
}

function system(name: string, workload: string): Db {
  if (name === 'demo') return demo(workload);
  return REAL[name].make();
}

/** For a workload no built-in system runs (Maelstrom's): your own node, and nothing else. */
function binOnly(workload: string): Db {
  const unconfigured = (): never => {
    throw new Error('the system choice must be configured before use');
  };
  return {
    name: 'bin',
    setup: unconfigured,
    teardown: unconfigured,
    options: () => binOptions(undefined),
    configure(opts) {
      if (opts.bin === undefined) throw new UsageError(`The ${workload} workload runs your own node, as Maelstrom does: give --bin PATH (and --bin-arg ARG for each of its arguments).`);
      return maelstrom({ bin: String(opts.bin), args: (opts.binArg as string[] | undefined) ?? [] });
    },
  };
}

/** The system a built-in test of this workload runs against, as chosen by --db / --bin. */
export function chosenSystem(workload: string): Db {
  const names = systemsFor(workload);
  if (names.length === 0) return binOnly(workload);
  const pick = (given: OptionValues): Db | null => {
    if (given.bin !== undefined) return null;
    const name = typeof given.db === 'string' && names.includes(given.db) ? given.db : names[0];
    return system(name, workload);
  };
  const choice: OptionSpec[] = [
    { name: 'db', type: 'string', default: names[0], choices: names, description: `System under test: ${names.join(', ')} (or --bin for your own node)` },
  ];
  const unconfigured = (): never => {
    throw new Error('the system choice must be configured before use');
  };
  return {
    name: 'system',
    setup: unconfigured,
    teardown: unconfigured,
    options(given) {
      const chosen = pick(given);
      if (chosen === null) {
        return [...choice, ...binOptions(undefined).map((s) => (s.name === 'bin' ? { ...s, validate: (v: unknown, all: OptionValues) => (all.db !== names[0] ? `your own node is the system; it cannot be combined with --db ${String(all.db)}` : s.validate?.(v, all)) } : s))];
      }
      const own = chosen.options;
      return [...choice, binOptions(undefined)[0], ...(typeof own === 'function' ? own(given) : (own ?? []))];
    },
    configure(opts) {
      if (opts.bin !== undefined) return maelstrom({ bin: String(opts.bin), args: (opts.binArg as string[] | undefined) ?? [] });
      const chosen = system(String(opts.db), workload);
      return chosen.configure ? chosen.configure(opts) : chosen;
    },
    suggest(given) {
      return pick(given)?.suggest?.(given) ?? {};
    },
  };
}

/** Checks that the built-in systems know this workload at all. */
export function requireSystems(workload: string): void {
  if (systemsFor(workload).length === 0) throw new UsageError(`No built-in system runs the ${workload} workload; give --bin or write a test with your own client.`);
}
