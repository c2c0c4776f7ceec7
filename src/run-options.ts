// The engine's own options: how long, how many clients, how fast, which faults, where results go.
// Options of providers, nemeses, workloads and systems are declared by those parts themselves.
import type { OptionSpec } from './options.ts';
import { outputFileProblem, storeProblem } from './store.ts';

/** Client workers: a number, or `Nn` for N per node. Resolved against the node count. */
export function parseConcurrency(value: string, nodeCount: number): number | null {
  const m = /^(\d{1,6})(n?)$/.exec(value.trim());
  if (!m) return null;
  const n = m[2] ? Number(m[1]) * nodeCount : Number(m[1]);
  return n >= 1 && n <= 10_000 ? n : null;
}

export const ENGINE = 'run';

export function engineOptions(nemesisNames: readonly string[], providerNames: readonly string[]): OptionSpec[] {
  return [
    { name: 'provider', type: 'string', default: 'local', choices: providerNames, description: 'Where nodes run' },
    { name: 'nodeCount', type: 'integer', default: 5, min: 1, max: 64, description: 'Nodes n1..nN' },
    {
      name: 'concurrency', type: 'string', default: '2n', description: 'Client workers: a number, or Nn for N per node',
      validate: (v, all) => (parseConcurrency(String(v), Number(all.nodeCount ?? 1)) === null ? 'expected a number of workers (1 to 10000), or a multiple of the node count such as 2n' : undefined),
    },
    { name: 'rate', type: 'number', default: 100, min: 0, max: 1_000_000, description: 'Target ops/s over all clients (0 = as fast as possible)' },
    { name: 'timeLimit', type: 'number', default: 30, above: 0, unit: 's', description: 'Seconds of workload before the final phase' },
    { name: 'opTimeout', type: 'number', default: 5, above: 0, unit: 's', description: 'Seconds before a client op is recorded as indeterminate (info)' },
    {
      name: 'nemesis', type: 'list', default: [], choices: ['none', ...nemesisNames], unique: true,
      description: `Faults, comma-separated: ${nemesisNames.join(', ')} (or none)`,
      validate: (v) => ((v as string[]).includes('none') && (v as string[]).length > 1 ? '"none" cannot be combined with faults' : undefined),
    },
    { name: 'nemesisInterval', type: 'number', default: 5, above: 0, unit: 's', description: 'Seconds between starting a fault and undoing it (and between faults)' },
    { name: 'recoveryTime', type: 'number', default: 3, min: 0, unit: 's', description: 'Seconds to wait after the faults are undone before final operations' },
    { name: 'seed', type: 'integer', min: 0, max: 4294967295, defaultText: 'random', description: 'Replay the operation stream and fault schedule of an earlier run' },
    { name: 'store', type: 'string', default: 'store', description: 'Directory for run results', validate: (v) => storeProblem(String(v)) },
    { name: 'junit', type: 'string', description: 'Also write the verdicts as JUnit XML to this file (a testsuite per run, a testcase per checker)', validate: (v) => outputFileProblem(String(v)) },
    { name: 'testCount', type: 'integer', default: 1, min: 1, max: 100_000, description: 'Run the test this many times (seeds seed, seed+1, ...); the exit code is the worst' },
    { name: 'leaveDbRunning', type: 'boolean', default: false, description: 'Leave the system running on its nodes after the run, to inspect it (docker and ssh nodes)' },
  ];
}
