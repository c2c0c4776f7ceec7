// The furthest the search has got: the latest return that no branch got past (the culprit if the
// search fails), the model states it was stuck in there, how many ops were linearized on the way,
// and the last steps of that path (for the states around the ops of the counterexample). Noted
// each time a branch point is exhausted, so it keeps what it copies small and allocates nothing.
import type { Kernel } from './kernel.ts';
import type { PathStep } from './search.ts';

const PATH_KEEP = 64;
const MAX_STATES = 16;

export class Furthest {
  /** Event position of the return (-1: none yet). */
  e = -1;
  /** Configurations explored when it last moved. */
  since = 0;
  readonly states: unknown[] = [];
  linearized = 0;
  private readonly pathOp = new Int32Array(PATH_KEEP);
  private readonly pathState: unknown[] = new Array(PATH_KEEP + 1);
  private pathLen = 0;

  constructor(private readonly kernel: Kernel) {}

  /** A branch point at event e, in state s, is exhausted; the path to it is trail[0 .. len). */
  note(e: number, s: unknown, trailOp: Int32Array, trailState: unknown[], len: number, explored: number): void {
    if (e > this.e) {
      this.e = e;
      this.since = explored;
      this.states.length = 0;
      this.states.push(s);
      this.linearized = len;
      const from = Math.max(0, len - PATH_KEEP);
      this.pathLen = len - from;
      for (let k = 0; k < this.pathLen; k++) {
        this.pathOp[k] = trailOp[from + k];
        this.pathState[k] = trailState[from + k];
      }
      this.pathState[this.pathLen] = s;
    } else if (e === this.e && this.states.length < MAX_STATES && !this.states.some((x) => this.kernel.same(x, s))) {
      this.states.push(s);
    }
  }

  path(): PathStep[] {
    return Array.from({ length: this.pathLen }, (_, k) => ({ op: this.pathOp[k], before: this.pathState[k], after: this.pathState[k + 1] }));
  }
}
