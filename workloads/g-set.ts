// Maelstrom's g-set workload: a grow-only set. Clients `add {element}` unique integers and `read`
// the set (`read_ok {value: [...]}`); after recovery every worker reads once more. Checked with
// Jepsen's set-full, as Maelstrom does: an acknowledged element that reads stop showing is lost.
import { eachThread } from '../src/generator/index.ts';
import { ProtocolClient } from '../src/protocol-client.ts';
import type { Op, Workload } from '../src/types.ts';
import { withAvailability } from '../checkers/maelstrom/availability.ts';
import { checkSetFull } from '../checkers/maelstrom/set-full.ts';
import { AddsAndReads, finalReads } from './broadcast.ts';
import { availabilityOf, availabilityOption, maelstromDefaults, needs, type MaelstromWorkloadOptions } from './maelstrom-common.ts';

export type GSetOp = Op<'add' | 'read', unknown>;

export const gSetProtocolClient = () =>
  new ProtocolClient<GSetOp>({
    request: (op) => (op.f === 'add' ? { type: 'add', element: op.value } : { type: 'read' }),
    value: (op, reply) => (op.f === 'read' ? reply.value : op.value),
    readOnly: (op) => op.f === 'read',
    malformed: (op, reply) => (op.f === 'read' ? needs(reply, 'value', 'array') : undefined),
  });

export function gSet(o: MaelstromWorkloadOptions = {}): Workload {
  return {
    name: 'g-set',
    options: [availabilityOption(o.availability)],
    configure: (opts) => gSet({ availability: availabilityOf(opts) }),
    suggest: maelstromDefaults,
    generator: eachThread(new AddsAndReads('add')),
    finalGenerator: finalReads(),
    checker: withAvailability({ check: (_t, h) => checkSetFull(h, { addF: 'add' }) }, o.availability),
    protocolClient: gSetProtocolClient,
  };
}
