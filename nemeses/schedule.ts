// The combined fault schedule: every interval, start a fault from a family picked at random
// (seeded), hold it for an interval, undo it, and leave the system healthy for an interval.
import { type FilledOp, type Gen, type GenContext, type GenResult, PENDING, fill } from '../src/generator/index.ts';
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
    // Fix the first due time through a pending answer (which the scheduler adopts); an op for
    // later would not be adopted, and the schedule would keep sliding away.
    if (this.due === null) return [PENDING, new AlternatingFaults(this.families, this.interval, ctx.time + this.interval, null)];
    const due = this.due;
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
