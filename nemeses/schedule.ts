// The combined fault schedule: every interval, start a fault, hold it for an interval, undo it,
// and leave the system healthy for an interval. Families are dealt from a shuffled deck (seeded),
// so every requested fault happens once per round, in a random order.
import { type FilledOp, type Gen, type GenContext, type GenResult, PENDING, fill } from '../src/generator/index.ts';
import type { FaultFamily, Op } from '../src/types.ts';

class AlternatingFaults implements Gen {
  constructor(
    private readonly families: readonly FaultFamily[],
    private readonly interval: number,
    /** When the next op is due; null until first asked. */
    private readonly due: number | null = null,
    /** The family whose fault is active, if any. */
    private readonly active: FaultFamily | null = null,
    /** Families still to be dealt this round. */
    private readonly deck: readonly FaultFamily[] = [],
  ) {}

  op(ctx: GenContext): GenResult {
    // Fix the first due time through a pending answer (which the scheduler adopts); an op for
    // later would not be adopted, and the schedule would keep sliding away.
    if (this.due === null) return [PENDING, new AlternatingFaults(this.families, this.interval, ctx.time + this.interval, null, this.deck)];
    const due = this.due;
    const next = due + this.interval;
    if (this.active) {
      const op: FilledOp = fill({ ...this.active.stop(ctx), time: due }, ctx);
      return [op, new AlternatingFaults(this.families, this.interval, next, null, this.deck)];
    }
    const deck = this.deck.length ? this.deck : ctx.rng.shuffle(this.families);
    const [family, ...rest] = deck;
    const op: FilledOp = fill({ ...family.start(ctx), time: due }, ctx);
    return [op, new AlternatingFaults(this.families, this.interval, next, family, rest)];
  }

  update(_ctx: GenContext, _event: Op): Gen {
    return this;
  }
}

/** Start, hold, heal, rest; round and round. interval in seconds. */
export function alternatingFaults(families: readonly FaultFamily[], interval: number): Gen {
  return new AlternatingFaults(families, interval * 1e9);
}
