// The combined fault schedule: every interval, start a fault from a family picked at random
// (seeded), hold it for an interval, undo it, and leave the system healthy for an interval.
import { type FilledOp, type Gen, type GenContext, type GenResult, fill } from '../src/generator/index.ts';
import type { Op } from '../src/types.ts';
import type { FaultFamily } from './family.ts';

class AlternatingFaults implements Gen {
  constructor(
    private readonly families: readonly FaultFamily[],
    private readonly interval: number,
    /** When the next op is due; null until first asked. */
    private readonly due: number | null = null,
    /** The family whose fault is active, if any. */
    private readonly active: FaultFamily | null = null,
  ) {}

  op(ctx: GenContext): GenResult {
    const due = this.due ?? ctx.time + this.interval;
    let op: FilledOp;
    let active: FaultFamily | null;
    if (this.active) {
      op = fill({ ...this.active.stop(ctx), time: due }, ctx);
      active = null;
    } else {
      const family = this.families[Math.floor(ctx.rng.next() * this.families.length)];
      op = fill({ ...family.start(ctx), time: due }, ctx);
      active = family;
    }
    return [op, new AlternatingFaults(this.families, this.interval, due + this.interval, active)];
  }

  update(_ctx: GenContext, _event: Op): Gen {
    return this;
  }
}

/** Start, hold, heal, rest; round and round. interval in seconds. */
export function alternatingFaults(families: readonly FaultFamily[], interval: number): Gen {
  return new AlternatingFaults(families, interval * 1e9);
}
