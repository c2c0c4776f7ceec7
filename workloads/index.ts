// The workload registry: name -> constructor. One file per workload.
import type { RunOptions, Workload } from '../src/types.ts';
import { counterWorkload } from './counter.ts';
import { registerWorkload } from './register.ts';
import { queueWorkload } from './queue.ts';
import { cacheWorkload } from './cache.ts';
import { lockWorkload } from './lock.ts';

export const workloads: Record<string, (opts: RunOptions) => Workload> = {
  counter: counterWorkload,
  register: registerWorkload,
  queue: queueWorkload,
  cache: cacheWorkload,
  lock: lockWorkload,
};
