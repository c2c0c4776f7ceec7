// The register workload: reads, writes and compare-and-sets on a handful of independent keys
// (Maelstrom lin-kv bodies), checked for linearizability against a cas-register per key.
import { type GenContext } from '../src/generator/index.ts';
import { ProtocolClient } from '../src/protocol-client.ts';
import type { Op, OptionSpec, Workload } from '../src/types.ts';
import { linearizableChecker } from '../checkers/linearizable/index.ts';

export interface KeyedValue { key: number; value: unknown }
export type RegisterOp = Op<'read' | 'write' | 'cas', KeyedValue>;

const KEY_DOES_NOT_EXIST = 20;

/** The lin-kv request body of a read, write or cas (Maelstrom's; lin-kv.ts sends the same). */
export function kvRequest(op: Op<'read' | 'write' | 'cas', KeyedValue>): { type: string; [k: string]: unknown } {
  const { key, value } = op.value;
  if (op.f === 'read') return { type: 'read', key };
  if (op.f === 'write') return { type: 'write', key, value };
  const [from, to] = value as [unknown, unknown];
  return { type: 'cas', key, from, to };
}

export const registerProtocolClient = () =>
  new ProtocolClient<RegisterOp>({
    request: kvRequest,
    value: (op, reply) => (op.f === 'read' ? { key: op.value.key, value: reply.value ?? null } : op.value),
    readOnly: (op) => op.f === 'read',
    // A read of a key never written is a read of nil, not an error.
    errorAsOk: (op, code) => (op.f === 'read' && code === KEY_DOES_NOT_EXIST ? { key: op.value.key, value: null } : undefined),
  });

/** --check-timeout, shared by the workloads checked for linearizability. */
export const checkTimeoutOption = (dflt = 60): OptionSpec<number> => ({
  name: 'checkTimeout', type: 'number', default: dflt, above: 0, unit: 's', description: 'Seconds the checker may take before answering unknown',
});

export interface RegisterOptions {
  /** Independent keys (default 5). */
  keyCount?: number;
  /** Seconds the linearizability checker may take (default 60). */
  checkTimeout?: number;
}

/** Reads, writes and compare-and-sets on independent keys, checked per key against a cas-register. */
export function register(o: RegisterOptions = {}): Workload {
  const keys = o.keyCount ?? 5;
  const checkTimeout = o.checkTimeout ?? 60;
  const gen = (ctx: GenContext) => {
    const key = ctx.rng.int(0, keys - 1);
    const r = ctx.rng.next();
    if (r < 0.5) return { f: 'read', value: { key, value: null } };
    if (r < 0.75) return { f: 'write', value: { key, value: ctx.rng.int(0, 4) } };
    return { f: 'cas', value: { key, value: [ctx.rng.int(0, 4), ctx.rng.int(0, 4)] } };
  };
  return {
    name: 'register',
    options: [
      { name: 'keyCount', type: 'integer', default: keys, min: 1, max: 1000, description: 'Independent keys' },
      checkTimeoutOption(checkTimeout),
    ],
    configure: (opts) => register({ keyCount: opts.keyCount as number, checkTimeout: opts.checkTimeout as number }),
    generator: gen,
    // Keys start absent (nil), and nil is a value here: a read of nil after a write is stale.
    checker: linearizableChecker({ name: 'cas-register', init: null, options: { nilReadIsUnknown: false } }, { timeout: checkTimeout }),
    protocolClient: registerProtocolClient,
  };
}
