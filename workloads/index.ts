// The built-in workloads, by name. One file per workload (client + generator + checker together).
import { cache } from './cache.ts';
import { counter } from './counter.ts';
import { lock } from './lock.ts';
import { queue } from './queue.ts';
import { register } from './register.ts';

export const workloads = { counter, register, lock, queue, cache };
