// Searches several parts in one thread, round robin in slices of time: every undecided part gets
// its share of the budget, and the first invalid part can end the whole check at once (an
// undecidable part cannot starve the others). Between slices the event loop runs, so a worker can
// be told to stop and the main thread stays responsive.
import { performance } from 'node:perf_hooks';
import { partReport, type PartReport } from './check.ts';
import { makeKernel, type Kernel } from './kernel.ts';
import { MemoryBudget } from './memo.ts';
import type { Model } from './models.ts';
import type { Part } from './prepare.ts';
import { KeySearch } from './search.ts';
import { refuteAt } from './refute.ts';

/** Milliseconds since the epoch, comparable across threads (each has its own performance clock). */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export interface RunnerOptions {
  /** Wall-clock deadline (wallNow() ms); past it, undecided parts are unknown. */
  deadline?: number;
  memoBytes: number;
  sliceMs?: number;
  /** At most this many search steps per slice (tests interleave parts at every step). */
  stepsPerSlice?: number;
  /** Told each part's report as it is decided; answers true to stop everything (an invalid part). */
  onReport(index: number, report: PartReport): boolean;
  /** Polled between slices: true stops (another thread found an invalid part). */
  stopped?: () => boolean;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Job {
  index: number;
  part: Part;
  kernel: Kernel | null;
  search: KeySearch | null;
  ms: number;
  /** Configurations spent stuck at one return after which to try refuting the part locally
   *  (register parts); four times more after each try. */
  refuteAfter: number;
}

const FIRST_REFUTE = 20_000;

export async function runParts(parts: readonly Part[], model: Model<any>, o: RunnerOptions): Promise<'done' | 'stopped'> {
  const budget = new MemoryBudget(o.memoBytes);
  const slice = o.sliceMs ?? 10;
  const offset = performance.timeOrigin;
  let live: Job[] = parts.map((part, index) => ({ index, part, kernel: null, search: null, ms: 0, refuteAfter: FIRST_REFUTE }));
  let lastYield = performance.now();
  const report = (j: Job, r: PartReport) => o.onReport(j.index, r);
  const stopAll = (reason: string) => {
    for (const j of live) {
      const outcome = j.search ? j.search.stop(reason) : { valid: 'unknown' as const, reason, configurations: 0 };
      o.onReport(j.index, partReport(j.part, j.kernel, outcome, j.ms));
    }
    live = [];
  };
  try {
    while (live.length) {
      const next: Job[] = [];
      for (let k = 0; k < live.length; k++) {
        const j = live[k];
        const t0 = performance.now();
        if (o.deadline !== undefined && t0 + offset > o.deadline) {
          live = [...next, ...live.slice(k)];
          stopAll('check timeout');
          return 'done';
        }
        if (!j.search) {
          j.kernel = makeKernel(j.part, model);
          j.search = new KeySearch(j.part, j.kernel, budget);
        }
        const until = Math.min(t0 + slice, o.deadline === undefined ? Infinity : o.deadline - offset);
        let outcome = j.search.run(until, o.stepsPerSlice);
        if (!outcome && j.part.reg && j.search.stuckFor() >= j.refuteAfter) {
          // Stuck at one return for a while: try to prove it cannot be passed, in a window.
          j.refuteAfter *= 4;
          if (refuteAt(j.part, j.search.stuckAt(), slice)) outcome = j.search.refuted();
        }
        const t1 = performance.now();
        j.ms += t1 - t0;
        if (outcome) {
          if (report(j, partReport(j.part, j.kernel, outcome, j.ms))) {
            live = [...next, ...live.slice(k + 1)];
            stopAll('stopped: another key is not linearizable');
            return 'stopped';
          }
        } else next.push(j);
        if (t1 - lastYield >= slice) {
          await yieldToEventLoop();
          lastYield = performance.now();
          if (o.stopped?.()) {
            live = [...next, ...live.slice(k + 1)];
            stopAll('stopped: another key is not linearizable');
            return 'stopped';
          }
        }
      }
      live = next;
    }
    return 'done';
  } catch (e) {
    for (const j of live) j.search?.stop('failed');
    throw e;
  }
}
