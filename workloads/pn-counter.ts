// Maelstrom's pn-counter workload: an eventually consistent counter. Clients `add {delta}` (from
// -5 to 4) and `read` it (`read_ok {value}`); after recovery every worker reads once more, and
// each of those final reads must be the acknowledged sum plus some of the indeterminate adds.
import { mix } from '../src/generator/index.ts';
import { ProtocolClient } from '../src/protocol-client.ts';
import type { Op, Workload } from '../src/types.ts';
import { withAvailability } from '../checkers/maelstrom/availability.ts';
import { checkPnCounter } from '../checkers/maelstrom/pn-counter.ts';
import { finalReads } from './broadcast.ts';
import { availabilityOf, availabilityOption, maelstromDefaults, needs, type MaelstromWorkloadOptions } from './maelstrom-common.ts';

export type PnCounterOp = Op<'add' | 'read', unknown>;

export const counterClient = () =>
  new ProtocolClient<PnCounterOp>({
    request: (op) => (op.f === 'add' ? { type: 'add', delta: op.value } : { type: 'read' }),
    value: (op, reply) => (op.f === 'read' ? reply.value : op.value),
    readOnly: (op) => op.f === 'read',
    malformed: (op, reply) => (op.f === 'read' ? needs(reply, 'value', 'integer') : undefined),
  });

/** The counter workloads differ only in their deltas: g-counter's never go below zero. */
export function counterWorkload(name: 'pn-counter' | 'g-counter', lo: number, o: MaelstromWorkloadOptions, again: (o: MaelstromWorkloadOptions) => Workload): Workload {
  return {
    name,
    options: [availabilityOption(o.availability)],
    configure: (opts) => again({ availability: availabilityOf(opts) }),
    suggest: maelstromDefaults,
    generator: mix([(ctx) => ({ f: 'add', value: ctx.rng.int(lo, 4) }), { f: 'read', value: null }]),
    finalGenerator: finalReads(),
    checker: withAvailability({ check: (_t, h) => checkPnCounter(h) }, o.availability),
    protocolClient: counterClient,
  };
}

export function pnCounter(o: MaelstromWorkloadOptions = {}): Workload {
  return counterWorkload('pn-counter', -5, o, pnCounter);
}
