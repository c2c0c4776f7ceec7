// What every run is checked with: the workload's checker plus stats, perf and exceptions.
import type { Checker, PerfBand, Workload } from '../src/types.ts';
import { compose } from './compose.ts';
import { exceptionsChecker } from './exceptions.ts';
import { perfChecker } from './perf.ts';
import { statsChecker } from './stats.ts';
import { counterChecker, type CounterConsistency } from './counter.ts';
import { linearizableChecker } from './linearizable/index.ts';
import type { Model, RegisterOptions } from './linearizable/models.ts';
import { checkLocks } from './lock.ts';
import { checkQueue, type Delivery } from './queue.ts';
import { checkSession } from './session.ts';
import { elleChecker, type ElleOptions } from './elle/index.ts';
import { netChecker } from './maelstrom/net.ts';

export function fullChecker(workload: Workload, perf: readonly PerfBand[]): Checker {
  return compose({
    workload: workload.checker,
    stats: statsChecker,
    perf: perfChecker(perf),
    exceptions: exceptionsChecker,
    // Maelstrom's net stats: messages per operation, when the provider is the network.
    net: netChecker(),
  });
}

export { compose, mergeValid } from './compose.ts';

/** The built-in checkers, as the public API offers them (each a Checker value). */
export const checkers = {
  /** Jepsen's counter semantics; eventual: only final reads after recovery. */
  counter: (o: { consistency?: CounterConsistency } = {}) => counterChecker(o.consistency ?? 'linearizable'),
  /** Linearizability against a model: a built-in name (models), a module path (its steps run in
   *  a worker thread the deadline can stop), or a model object. */
  linearizable: (o: { model: string | Model<any>; init?: unknown; options?: RegisterOptions; timeout?: number }) =>
    linearizableChecker(typeof o.model === 'string' ? { name: o.model, init: o.init, options: o.options } : { name: o.model.name, model: o.model }, { timeout: o.timeout }),
  /** Overlapping holds of a lock and fencing-token order. */
  lock: (): Checker => ({ check: (_t, h) => checkLocks(h) }),
  /** Lost, unexpected, duplicated and recovered messages of a queue. */
  queue: (o: { delivery?: Delivery; fifo?: boolean } = {}): Checker => ({ check: (_t, h) => checkQueue(h, o) }),
  /** Transactional isolation (Elle): list-append or rw-register histories against consistency models. */
  elle: (o: ElleOptions & { kind: 'list-append' | 'rw-register' }) => elleChecker(o),
  /** Read-your-writes, monotonic reads, and stale reads of a keyed register with unique writes. */
  session: (): Checker => ({ check: (_t, h) => checkSession(h) }),
  stats: () => statsChecker,
  perf: (bands: readonly PerfBand[] = []) => perfChecker(bands),
  exceptions: () => exceptionsChecker,
  compose,
};
