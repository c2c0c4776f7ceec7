// The lock workload: every worker, as its own owner, acquires one of a few named locks, holds it
// for a random while, and releases it. Checked for linearizability against the owner-aware mutex
// model, with an overlap report (who held the lock together, where and when) and a fencing check.
//
// The owner is the worker, not the process: a worker whose acquire ended indeterminate continues
// as a new process but keeps its owner id, and releases the lock it may have got — so a lock
// taken by a timed-out acquire is not abandoned for the rest of the run.
import { eachThread, type Gen, type GenContext, type GenResult, fill } from '../src/generator/index.ts';
import { ProtocolClient } from '../src/protocol-client.ts';
import { ErrorCode, hasCode } from '../src/op-errors.ts';
import type { Op, Workload } from '../src/types.ts';
import { compose } from '../checkers/compose.ts';
import { checkLocks, type LockValue } from '../checkers/lock.ts';
import { linearizableChecker } from '../checkers/linearizable/index.ts';
import { checkTimeoutOption } from './register.ts';

export type LockOp = Op<'acquire' | 'release', LockValue>;

const MS = 1e6;

interface CycleOptions {
  locks: number;
  holdMs: number;
}

/** One worker's cycle: acquire → hold → release → acquire ... A failed acquire is retried after a
 *  short back-off (on a lock picked afresh); an indeterminate one is followed by a release; a
 *  failed release is retried until it happens or the service says the lock is not ours. */
class LockCycle implements Gen {
  constructor(
    private readonly o: CycleOptions,
    private readonly next: { f: 'acquire' | 'release'; lock: number | null; notBefore: number } = { f: 'acquire', lock: null, notBefore: 0 },
  ) {}

  op(ctx: GenContext): GenResult {
    const owner = `w${ctx.thread}`;
    const lock = this.next.lock ?? ctx.rng.int(0, this.o.locks - 1);
    const op = fill({ f: this.next.f, value: { lock, owner }, time: Math.max(ctx.time, this.next.notBefore) }, ctx);
    return [op, new LockCycle(this.o, { ...this.next, lock })];
  }

  update(ctx: GenContext, e: Op): Gen {
    if (e.type === 'invoke' || e.process === 'nemesis') return this;
    const lock = (e.value as LockValue | null)?.lock as number;
    if (e.f === 'acquire') {
      // Holds of a quarter to all of --hold-ms: long enough that a holder is usually mid-hold when a
      // fault strikes, as the real users of a lock are (a lease shorter than the work it protects).
      if (e.type === 'ok') return new LockCycle(this.o, { f: 'release', lock, notBefore: ctx.time + (0.25 + 0.75 * ctx.rng.next()) * this.o.holdMs * MS });
      if (e.type === 'info') return new LockCycle(this.o, { f: 'release', lock, notBefore: ctx.time });
      return new LockCycle(this.o, { f: 'acquire', lock: null, notBefore: ctx.time + ctx.rng.next() * 50 * MS });
    }
    // A release that certainly did not happen (node down, say) leaves the lock ours: try again.
    // Unless the service says we no longer hold it (precondition failed: a lease ran out).
    if (e.type === 'fail' && !hasCode(e, ErrorCode.preconditionFailed)) {
      return new LockCycle(this.o, { f: 'release', lock, notBefore: ctx.time + ctx.rng.next() * 50 * MS });
    }
    return new LockCycle(this.o, { f: 'acquire', lock: null, notBefore: ctx.time + ctx.rng.next() * 20 * MS });
  }
}

export const lockProtocolClient = () =>
  new ProtocolClient<LockOp>({
    request: (op) => ({ type: op.f, lock: op.value.lock, owner: op.value.owner }),
    value: (op, reply) => (op.f === 'acquire' && typeof reply.fence === 'number' ? { ...op.value, fence: reply.fence } : op.value),
    readOnly: () => false,
  });

export interface LockOptions {
  /** Named locks (default 10). */
  keyCount?: number;
  /** The longest a worker holds a lock, in ms (default 3000). */
  holdMs?: number;
  /** Seconds the linearizability checker may take (default 60). */
  checkTimeout?: number;
}

/** Every worker, as its own owner, acquires one of a few locks, holds it a while, releases it. */
export function lock(o: LockOptions = {}): Workload {
  const locks = o.keyCount ?? 10;
  const holdMs = o.holdMs ?? 3000;
  const checkTimeout = o.checkTimeout ?? 60;
  return {
    name: 'lock',
    options: [
      { name: 'keyCount', type: 'integer', default: locks, min: 1, max: 1000, description: 'Named locks' },
      { name: 'holdMs', type: 'number', default: holdMs, min: 0, unit: 'ms', description: 'Hold each lock for a quarter to all of this many ms' },
      checkTimeoutOption(checkTimeout),
    ],
    configure: (opts) => lock({ keyCount: opts.keyCount as number, holdMs: opts.holdMs as number, checkTimeout: opts.checkTimeout as number }),
    // Many owners per node: a fault must find holders on a node, and waiters to take over.
    suggest: () => ({ concurrency: '4n' }),
    generator: eachThread(new LockCycle({ locks, holdMs })),
    checker: compose({
      linearizable: linearizableChecker({ name: 'mutex', init: null }, { timeout: checkTimeout }),
      overlaps: { check: (_t, h) => checkLocks(h) },
    }),
    protocolClient: lockProtocolClient,
  };
}
