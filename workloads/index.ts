// The built-in workloads, by name. One file per workload (client + generator + checker together).
import { cache } from './cache.ts';
import { counter } from './counter.ts';
import { lock } from './lock.ts';
import { queue } from './queue.ts';
import { register } from './register.ts';
import { listAppend, rwRegister, txnListAppend, txnRwRegister } from './transactions.ts';

/** By factory; each workload's own name (`list-append`...) names its built-in test. */
export const workloads = { counter, register, lock, queue, cache, listAppend, rwRegister, txnListAppend, txnRwRegister };
