// Maelstrom's g-counter workload: pn-counter without decrements (deltas 0 to 4), checked the same
// way — each final read after recovery must be the acknowledged sum plus some indeterminate adds.
import type { Workload } from '../src/types.ts';
import type { MaelstromWorkloadOptions } from './maelstrom-common.ts';
import { counterWorkload } from './pn-counter.ts';

export function gCounter(o: MaelstromWorkloadOptions = {}): Workload {
  return counterWorkload('g-counter', 0, o, gCounter);
}
