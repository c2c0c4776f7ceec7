// The cache workload: reads and writes of a handful of keys through a cache tier. Writes carry
// unique values, so every read names the write it saw. Checked for linearizability per key,
// session guarantees per client, and stale reads (how many versions, how many ms behind).
import { type Gen, type GenContext, type GenResult, fill } from '../src/generator/index.ts';
import type { Workload } from '../src/types.ts';
import { compose } from '../checkers/compose.ts';
import { linearizableChecker } from '../checkers/linearizable/index.ts';
import { checkSession } from '../checkers/session.ts';
import { checkTimeoutOption, registerProtocolClient } from './register.ts';

/** Half reads, half writes of unique values (thread in the millions, a counter below). */
class CacheOps implements Gen {
  constructor(private readonly keys: number, private readonly n = 0) {}
  op(ctx: GenContext): GenResult {
    const key = ctx.rng.int(0, this.keys - 1);
    if (ctx.rng.bool()) return [fill({ f: 'read', value: { key, value: null } }, ctx), this];
    const t = typeof ctx.thread === 'number' ? ctx.thread : 999;
    return [fill({ f: 'write', value: { key, value: t * 1_000_000 + this.n } }, ctx), new CacheOps(this.keys, this.n + 1)];
  }
  update(): Gen {
    return this;
  }
}

export interface CacheOptions {
  /** Independent keys (default 5). */
  keyCount?: number;
  /** Seconds the linearizability checker may take (default 60). */
  checkTimeout?: number;
}

/** Reads and writes of unique values through a cache tier: linearizability, sessions, staleness. */
export function cache(o: CacheOptions = {}): Workload {
  const keys = o.keyCount ?? 5;
  const checkTimeout = o.checkTimeout ?? 60;
  return {
    name: 'cache',
    options: [
      { name: 'keyCount', type: 'integer', default: keys, min: 1, max: 1000, description: 'Independent keys' },
      checkTimeoutOption(checkTimeout),
    ],
    configure: (opts) => cache({ keyCount: opts.keyCount as number, checkTimeout: opts.checkTimeout as number }),
    generator: new CacheOps(keys),
    checker: compose({
      linearizable: linearizableChecker({ name: 'register', init: null, options: { nilReadIsUnknown: false } }, { timeout: checkTimeout }),
      session: { check: (_t, h) => checkSession(h) },
    }),
    protocolClient: registerProtocolClient,
  };
}
