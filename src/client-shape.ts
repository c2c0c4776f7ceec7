// A user's client is code we did not write: when it is not shaped like a Client, say so in one
// sentence (exit 254) instead of failing later with "cannot read properties of undefined".
import { UsageError } from './errors.ts';
import type { Client } from './types.ts';

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x !== 'object' && typeof x !== 'function') return `the ${typeof x} ${String(x).slice(0, 40)}`;
  return typeof x === 'function' ? 'a function' : 'an object without them';
}

function missing(x: unknown, methods: readonly string[]): string[] {
  if (x === null || (typeof x !== 'object' && typeof x !== 'function')) return [...methods];
  return methods.filter((m) => typeof (x as Record<string, unknown>)[m] !== 'function');
}

/** The prototype client a test's `client` factory made (checked before any node is touched by it). */
export function checkedClient(made: unknown): Client {
  const lacking = missing(made, ['open', 'invoke', 'close']);
  if (lacking.length > 0) {
    throw new UsageError(`The test's client factory returned ${describe(made)}, not a client: a client has the methods open(test, node), invoke(test, op, signal) and close(test) (missing: ${lacking.join(', ')}).`);
  }
  return made as Client;
}

/** What a client's open() resolved to: the opened client, which must itself be a client. */
export async function openedClient(opening: Promise<unknown>): Promise<Client> {
  const opened = await opening;
  const lacking = missing(opened, ['invoke', 'close']);
  if (lacking.length > 0) {
    throw new UsageError(`The client's open(test, node) resolved to ${describe(opened)}: it must resolve to the opened client (often \`this\`, or a new client bound to that node) with invoke and close (missing: ${lacking.join(', ')}).`);
  }
  return opened as Client;
}
