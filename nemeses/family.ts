// What the fault families share: choosing target nodes by size class.
import type { OptionSpec } from '../src/options.ts';
import type { Rng } from '../src/rng.ts';

export const TARGET_SPECS = ['one', 'minority', 'majority', 'all'] as const;
export type TargetSpec = (typeof TARGET_SPECS)[number];

/** The option choosing which nodes a fault hits. */
export function targetsOption(name: string, dflt: TargetSpec, what: string): OptionSpec<string> {
  return { name, type: 'string', default: dflt, choices: TARGET_SPECS, description: `Which nodes ${what}: ${TARGET_SPECS.join(', ')}` };
}

/** A random subset of nodes of the given size class. */
export function pickTargets(spec: TargetSpec, nodes: readonly string[], rng: Rng): string[] {
  const n = nodes.length;
  const size = spec === 'one' ? 1 : spec === 'minority' ? Math.max(1, Math.floor((n - 1) / 2)) : spec === 'majority' ? Math.floor(n / 2) + 1 : n;
  return rng.shuffle(nodes).slice(0, size).sort();
}
