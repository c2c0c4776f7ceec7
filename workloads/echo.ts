// Maelstrom's echo workload: clients send `echo {echo}` and expect `echo_ok` carrying the same
// payload back. Checked by comparing every echo_ok with its request.
import { ProtocolClient } from '../src/protocol-client.ts';
import type { Op, Workload } from '../src/types.ts';
import { withAvailability } from '../checkers/maelstrom/availability.ts';
import { checkEcho } from '../checkers/maelstrom/echo.ts';
import { availabilityOf, availabilityOption, maelstromDefaults, needs, type MaelstromWorkloadOptions } from './maelstrom-common.ts';

export type EchoOp = Op<'echo', unknown>;

export const echoProtocolClient = () =>
  new ProtocolClient<EchoOp>({
    request: (op) => ({ type: 'echo', echo: op.value }),
    value: (_op, reply) => reply.echo,
    readOnly: () => false,
    malformed: (_op, reply) => needs(reply, 'echo', 'any'),
  });

export function echo(o: MaelstromWorkloadOptions = {}): Workload {
  return {
    name: 'echo',
    options: [availabilityOption(o.availability)],
    configure: (opts) => echo({ availability: availabilityOf(opts) }),
    suggest: maelstromDefaults,
    generator: (ctx) => ({ f: 'echo', value: `Please echo ${ctx.rng.int(0, 127)}` }),
    checker: withAvailability({ check: (_t, h) => checkEcho(h) }, o.availability),
    protocolClient: echoProtocolClient,
  };
}
