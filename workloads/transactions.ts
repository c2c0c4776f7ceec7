// Elle's transactional workloads: list-append (micro-ops ['r', k, null] / ['append', k, v]) and
// rw-register (['r', k, null] / ['w', k, v]), transactions of minTxnLength..maxTxnLength micro-ops
// over a rotating pool of keys with unique values per key, checked by the Elle-class checker
// (checkers/elle) against --consistency-models. Under Maelstrom's names (txn-list-append,
// txn-rw-register) they take Maelstrom's defaults, and nodes get Maelstrom's `txn` bodies.
import { knownModels, elleChecker, txnGenerator, type WorkloadKind } from '../checkers/elle/index.ts';
import { ProtocolClient } from '../src/protocol-client.ts';
import type { Op, Workload } from '../src/types.ts';

export type MicroOp = [string, unknown, unknown];
export type TxnOp = Op<'txn', MicroOp[]>;

export interface TransactionsOptions {
  /** Active keys at any time (the pool rotates as keys reach maxWritesPerKey). */
  keyCount?: number;
  minTxnLength?: number;
  maxTxnLength?: number;
  maxWritesPerKey?: number;
  /** Models the history must satisfy (Elle's names). Default strict-serializable. */
  consistencyModels?: readonly string[];
}

/** Maelstrom's txn bodies: {type: txn, txn: [[f, k, v], ...]} -> {type: txn_ok, txn: [...]}. */
export const txnProtocolClient = () =>
  new ProtocolClient<TxnOp>({
    request: (op) => ({ type: 'txn', txn: op.value }),
    value: (op, reply) => (Array.isArray(reply.txn) ? (reply.txn as MicroOp[]) : op.value),
    // A transaction that only reads changes nothing: a timeout is a failure, not indeterminate.
    readOnly: (op) => op.value.every(([f]) => f === 'r'),
  });

const DEFAULTS: Record<string, Required<Omit<TransactionsOptions, 'consistencyModels'>>> = {
  elle: { keyCount: 10, minTxnLength: 1, maxTxnLength: 4, maxWritesPerKey: 32 },
  maelstrom: { keyCount: 3, minTxnLength: 1, maxTxnLength: 4, maxWritesPerKey: 16 },
};

function transactions(name: string, kind: WorkloadKind, flavor: 'elle' | 'maelstrom', o: TransactionsOptions): Workload {
  const d = DEFAULTS[flavor];
  const keyCount = o.keyCount ?? d.keyCount;
  const minTxnLength = o.minTxnLength ?? d.minTxnLength;
  const maxTxnLength = o.maxTxnLength ?? d.maxTxnLength;
  const maxWritesPerKey = o.maxWritesPerKey ?? d.maxWritesPerKey;
  const consistencyModels = o.consistencyModels ?? ['strict-serializable'];
  const models = knownModels();
  return {
    name,
    options: [
      { name: 'keyCount', type: 'integer', default: keyCount, min: 1, max: 10_000, description: 'Keys in use at any time (a key retires after --max-writes-per-key writes)' },
      { name: 'minTxnLength', type: 'integer', default: minTxnLength, min: 1, max: 1000, description: 'Fewest micro-ops in a transaction' },
      {
        name: 'maxTxnLength', type: 'integer', default: maxTxnLength, min: 1, max: 1000, description: 'Most micro-ops in a transaction',
        validate: (v, all) => (Number(v) < Number(all.minTxnLength) ? `fewer than --min-txn-length ${String(all.minTxnLength)}` : undefined),
      },
      { name: 'maxWritesPerKey', type: 'integer', default: maxWritesPerKey, min: 1, max: 1_000_000, description: 'Writes to a key before it retires' },
      {
        name: 'consistencyModels', type: 'list', default: consistencyModels, choices: models, unique: true,
        description: 'Models the history must satisfy, e.g. serializable, snapshot-isolation, read-committed, strict-serializable',
      },
    ],
    configure: (opts) => transactions(name, kind, flavor, {
      keyCount: opts.keyCount as number, minTxnLength: opts.minTxnLength as number, maxTxnLength: opts.maxTxnLength as number,
      maxWritesPerKey: opts.maxWritesPerKey as number, consistencyModels: opts.consistencyModels as string[],
    }),
    // Values are unique per key only if one generator hands out every transaction (Elle's way).
    sharedGenerator: true,
    generator: txnGenerator({ kind, keyCount, minTxnLength, maxTxnLength, maxWritesPerKey, keyDist: flavor === 'maelstrom' ? 'uniform' : 'exponential' }),
    checker: elleChecker({ kind, consistencyModels }),
    protocolClient: txnProtocolClient,
  };
}

/** Elle's list-append: appends of unique values to lists, and reads of whole lists. */
export const listAppend = (o: TransactionsOptions = {}): Workload => transactions('list-append', 'list-append', 'elle', o);
/** Elle's rw-register: writes of unique values to registers, and reads. */
export const rwRegister = (o: TransactionsOptions = {}): Workload => transactions('rw-register', 'rw-register', 'elle', o);
/** Maelstrom's txn-list-append (Gossip Glomers' last challenges), with Maelstrom's defaults. */
export const txnListAppend = (o: TransactionsOptions = {}): Workload => transactions('txn-list-append', 'list-append', 'maelstrom', o);
/** Maelstrom's txn-rw-register, with Maelstrom's defaults. */
export const txnRwRegister = (o: TransactionsOptions = {}): Workload => transactions('txn-rw-register', 'rw-register', 'maelstrom', o);
