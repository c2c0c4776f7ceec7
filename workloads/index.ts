// The built-in workloads, by name. One file per workload (client + generator + checker together).
import { broadcast } from './broadcast.ts';
import { cache } from './cache.ts';
import { counter } from './counter.ts';
import { echo } from './echo.ts';
import { gCounter } from './g-counter.ts';
import { gSet } from './g-set.ts';
import { kafka } from './kafka.ts';
import { linKv } from './lin-kv.ts';
import { lock } from './lock.ts';
import { pnCounter } from './pn-counter.ts';
import { queue } from './queue.ts';
import { register } from './register.ts';
import { listAppend, rwRegister, txnListAppend, txnRwRegister } from './transactions.ts';
import { uniqueIds } from './unique-ids.ts';

/** By factory; each workload's own name (`list-append`...) names its built-in test. Maelstrom's
 *  workloads (echo ... kafka) run against your own nodes (--bin). */
export const workloads = {
  counter, register, lock, queue, cache, listAppend, rwRegister, txnListAppend, txnRwRegister,
  echo, uniqueIds, broadcast, gSet, gCounter, pnCounter, linKv, kafka,
};
