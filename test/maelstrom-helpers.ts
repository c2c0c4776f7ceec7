// Running Maelstrom workloads against the fixture nodes in-process, through run(), briefly.
import { fileURLToPath } from 'node:url';
import { run, tests, type RunResult } from '../src/index.ts';
import { tempStore } from './helpers.ts';

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/maelstrom/${name}`, import.meta.url));

const store = tempStore();

/** A short run of a Maelstrom workload with a fixture node: 3 nodes, 3 s, faults every second. */
export function runNode(workload: string, bin: string, options: Record<string, unknown> = {}): Promise<RunResult> {
  const def = tests.get(workload);
  if (!def) throw new Error(`no built-in test ${workload}`);
  return run(def, {
    bin: fixture(bin), nodeCount: 3, timeLimit: 3, rate: 60, recoveryTime: 1, nemesisInterval: 1, seed: 42, store, ...options,
  });
}

/** The workload checker's result. */
export const workloadResult = (r: RunResult): Record<string, unknown> => r.results.workload as Record<string, unknown>;
