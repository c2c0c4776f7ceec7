// What Maelstrom's workloads share here: the --availability goal, Maelstrom's network defaults,
// and the checks that make a reply of the wrong shape a "Malformed RPC response".
import type { MessageBody } from '../src/providers/local/router.ts';
import type { OptionSpec, OptionValues } from '../src/types.ts';
import { parseAvailability, type Availability } from '../checkers/maelstrom/availability.ts';

export interface MaelstromWorkloadOptions {
  /** Maelstrom's availability goal: "total", or the fraction of operations that must succeed. */
  availability?: Availability;
}

export const availabilityOption = (dflt?: Availability): OptionSpec => ({
  name: 'availability', type: 'string', ...(dflt !== undefined ? { default: String(dflt) } : {}),
  description: 'Availability goal, as Maelstrom\'s: total (every operation must succeed) or a fraction from 0 to 1 that must (default: none)',
  validate: (v) => (parseAvailability(v) === undefined ? 'expected total, or a fraction from 0 to 1' : undefined),
});

export const availabilityOf = (opts: OptionValues): Availability | undefined => parseAvailability(opts.availability);

/** Maelstrom's network by default: no latency unless asked (--latency), and constant when asked. */
export const maelstromDefaults = (): OptionValues => ({ latency: 0, latencyDist: 'constant' });

/** Why a reply lacks a field of the right kind, or undefined. */
export function needs(reply: MessageBody, field: string, kind: 'any' | 'integer' | 'array' | 'object'): string | undefined {
  if (!Object.hasOwn(reply, field)) return `has no "${field}"`;
  const v = reply[field];
  const ok = kind === 'any' ? true
    : kind === 'integer' ? (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint'
      : kind === 'array' ? Array.isArray(v)
        : typeof v === 'object' && v !== null && !Array.isArray(v);
  return ok ? undefined : `"${field}" must be ${kind === 'integer' ? 'an integer' : kind === 'array' ? 'an array' : 'an object'}`;
}

/** Unique values for adds and broadcasts, without coordination: the n-th value of thread t among
 *  c threads is n·c + t (Maelstrom counts 0, 1, 2, ... from one shared generator). */
export const uniqueValue = (n: number, thread: number, concurrency: number): number => n * concurrency + thread;
