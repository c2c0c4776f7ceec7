// The counter workload: clients add small deltas and read the total; after recovery every node
// is read once more. Checked with the counter checker (Jepsen semantics), in linearizable or
// eventual mode.
import { clients, delay, eachThread, limit, mix, untilOk, type GenContext } from '../src/generator/index.ts';
import { ProtocolClient } from '../src/protocol-client.ts';
import type { Op, Workload } from '../src/types.ts';
import { counterChecker, type CounterConsistency } from '../checkers/counter.ts';

export type CounterOp = Op<'add' | 'read', number | null>;

export const counterProtocolClient = () =>
  new ProtocolClient<CounterOp>({
    request: (op) => (op.f === 'add' ? { type: 'add', delta: op.value } : { type: 'read' }),
    value: (op, reply) => (op.f === 'read' ? Number(reply.value) : op.value),
    readOnly: (op) => op.f === 'read',
  });

export interface CounterOptions {
  /** Adds may be negative (a PN-counter). Default false. */
  decrements?: boolean;
  /** linearizable: every read checked against the adds around it; eventual: final reads only. */
  consistency?: CounterConsistency;
}

/** Clients add small deltas and read the total; after recovery every worker reads once more. */
export function counter(o: CounterOptions = {}): Workload {
  const decrements = o.decrements ?? false;
  const consistency = o.consistency ?? 'linearizable';
  const add = (ctx: GenContext) => {
    if (!decrements) return { f: 'add', value: ctx.rng.int(1, 5) };
    const d = ctx.rng.int(-5, 4);
    return { f: 'add', value: d >= 0 ? d + 1 : d }; // never 0
  };
  const read = () => ({ f: 'read', value: null });
  // Final reads: each worker reads its node until one succeeds (a few tries, half a second apart).
  const finalRead = clients(eachThread(untilOk(limit(5, delay(0.5, read)))));
  return {
    name: 'counter',
    options: [
      { name: 'decrements', type: 'boolean', default: decrements, description: 'Adds may be negative' },
      { name: 'consistency', type: 'string', default: consistency, choices: ['linearizable', 'eventual'], description: 'linearizable: every read checked against the adds around it; eventual: only final reads after recovery' },
    ],
    configure: (opts) => counter({ decrements: opts.decrements as boolean, consistency: opts.consistency as CounterConsistency }),
    generator: mix([add, read]),
    finalGenerator: finalRead,
    checker: counterChecker(consistency),
    protocolClient: counterProtocolClient,
  };
}
