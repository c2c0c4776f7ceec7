// The systems the built-in tests can run against, chosen on the command line: --db demo (the
// built-in nodes, default), etcd, redis, or --bin PATH (your own node speaking the node protocol).
// The choice is itself a Db part: it declares --db and --bin, plus the chosen system's options,
// and configures into the chosen system.
import { UsageError } from '../src/errors.ts';
import type { Db, OptionSpec, OptionValues } from '../src/types.ts';
import { demo, demoSystems } from './demo/index.ts';
import { etcd } from './etcd.ts';
import { maelstrom, binOptions } from './maelstrom.ts';
import { redis } from './redis.ts';
import { postgres } from './postgres.ts';

/** The real systems and the workloads each has clients for. */
const REAL: Record<string, { make: () => Db; workloads: readonly string[] }> = {
  etcd: { make: () => etcd(), workloads: ['register', 'counter', 'lock', 'queue', 'list-append', 'rw-register'] },
  redis: { make: () => redis(), workloads: ['counter', 'register', 'cache', 'lock', 'queue'] },
  postgres: { make: () => postgres(), workloads: ['list-append', 'rw-register'] },
};

/** The systems that have a client for a workload. */
export function systemsFor(workload: string): string[] {
  return [...(demoSystems[workload] ? ['demo'] : []), ...Object.keys(REAL).filter((n) => REAL[n].workloads.includes(workload))];
}

function system(name: string, workload: string): Db {
  if (name === 'demo') return demo(workload);
  return REAL[name].make();
}

/** The system a built-in test of this workload runs against, as chosen by --db / --bin. */
export function chosenSystem(workload: string): Db {
  const names = systemsFor(workload);
  const pick = (given: OptionValues): Db | null => {
    if (given.bin !== undefined || names.length === 0) return null;
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
      // A workload no built-in system runs (Maelstrom's): only your own node.
      if (names.length === 0) return binOptions(undefined);
      const chosen = pick(given);
      if (chosen === null) {
        return [...choice, ...binOptions(undefined).map((s) => (s.name === 'bin' ? { ...s, validate: (v: unknown, all: OptionValues) => (all.db !== names[0] ? `your own node is the system; it cannot be combined with --db ${String(all.db)}` : s.validate?.(v, all)) } : s))];
      }
      const own = chosen.options;
      return [...choice, binOptions(undefined)[0], ...(typeof own === 'function' ? own(given) : (own ?? []))];
    },
    configure(opts) {
      if (opts.bin !== undefined) return maelstrom({ bin: String(opts.bin), args: (opts.binArg as string[] | undefined) ?? [] });
      if (names.length === 0) throw new UsageError(`No built-in system runs the ${workload} workload: give your own node with --bin ./my-node.`);
      const chosen = system(String(opts.db), workload);
      return chosen.configure ? chosen.configure(opts) : chosen;
    },
    suggest(given) {
      return pick(given)?.suggest?.(given) ?? {};
    },
  };
}

