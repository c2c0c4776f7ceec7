// A fault family: its nemesis, how to start and stop the fault, what undoes it in the final
// phase, and the band it draws on the report's charts.
import type { GenContext, OpSpec } from '../src/generator/index.ts';
import type { Nemesis, PerfBand } from '../src/types.ts';

export interface FaultFamily {
  name: string;
  nemesis: Nemesis;
  start(ctx: GenContext): OpSpec;
  stop(ctx: GenContext): OpSpec;
  /** Ops that undo the fault for good, run in the final phase. */
  final: OpSpec[];
  band: PerfBand;
}
