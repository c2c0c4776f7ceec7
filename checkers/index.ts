// What every run is checked with: the workload's checker plus stats, perf and exceptions.
import type { Checker, PerfBand, Workload } from '../src/types.ts';
import { compose } from './compose.ts';
import { exceptionsChecker } from './exceptions.ts';
import { perfChecker } from './perf.ts';
import { statsChecker } from './stats.ts';

export function fullChecker(workload: Workload, perf: readonly PerfBand[]): Checker {
  return compose({
    workload: workload.checker,
    stats: statsChecker,
    perf: perfChecker(perf),
    exceptions: exceptionsChecker,
  });
}

export { compose, mergeValid } from './compose.ts';
