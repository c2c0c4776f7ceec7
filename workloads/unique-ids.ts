// Maelstrom's unique-ids workload: clients ask any node to `generate` an id; every id returned
// must be globally unique (ids may be any JSON value). Gossip Glomers runs it with
// --availability total --nemesis partition: every request must succeed, partitions or not.
import { ProtocolClient } from '../src/protocol-client.ts';
import type { Op, Workload } from '../src/types.ts';
import { withAvailability } from '../checkers/maelstrom/availability.ts';
import { checkUniqueIds } from '../checkers/maelstrom/unique-ids.ts';
import { availabilityOf, availabilityOption, maelstromDefaults, needs, type MaelstromWorkloadOptions } from './maelstrom-common.ts';

export type GenerateOp = Op<'generate', unknown>;

export const uniqueIdsProtocolClient = () =>
  new ProtocolClient<GenerateOp>({
    request: () => ({ type: 'generate' }),
    value: (_op, reply) => reply.id,
    readOnly: () => false,
    malformed: (_op, reply) => needs(reply, 'id', 'any'),
  });

export function uniqueIds(o: MaelstromWorkloadOptions = {}): Workload {
  return {
    name: 'unique-ids',
    options: [availabilityOption(o.availability)],
    configure: (opts) => uniqueIds({ availability: availabilityOf(opts) }),
    suggest: maelstromDefaults,
    generator: { f: 'generate', value: null },
    checker: withAvailability({ check: (_t, h) => checkUniqueIds(h) }, o.availability),
    protocolClient: uniqueIdsProtocolClient,
  };
}
