// run(test, options): runs a test in this process — provision, faults, history, checks, report —
// and resolves to its verdict. The CLI's `run` is a thin layer over this.
import { UsageError } from '../errors.ts';
import { freshSeed } from '../rng.ts';
import { runTest, type RunOutcome, type RunUi } from '../run.ts';
import { catalogue } from '../catalogue.ts';
import { isTestDefinition, type TestDefinition } from './define.ts';
import { resolveTest } from './resolve.ts';

export interface RunHooks extends RunUi {
  /** Aborting it stops the run: faults are undone, the system torn down, the history checked
   *  (the verdict is at best unknown). */
  signal?: AbortSignal;
}

export type RunResult = RunOutcome;

/**
 * Runs a test. `options` are option values by camelCase name ({ timeLimit: 10, nemesis: 'kill' }),
 * the same the command line takes as flags; unknown or unfit options are refused with a UsageError
 * before anything starts.
 */
export async function run(test: TestDefinition, options: Readonly<Record<string, unknown>> = {}, hooks: RunHooks = {}): Promise<RunResult> {
  if (!isTestDefinition(test)) throw new UsageError('run() takes a test made by defineTest({ name, workload, client, ... }).');
  const given = { ...options, seed: options.seed ?? freshSeed() };
  return runTest(resolveTest(test, given, catalogue), hooks, hooks.signal);
}
