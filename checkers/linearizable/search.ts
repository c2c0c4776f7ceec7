// The linearizability search of one independent part: Lowe's just-in-time linearization, depth
// first, with a memo (Wing & Gong's search as refined by Lowe; Porcupine walks Wing & Gong's list).
//
// The search walks the history's events in real-time order. A call opens its op; a return needs
// its op linearized: if it is not yet, the search branches on which open op to linearize next
// (the returning op itself first, then any other open op, then indeterminate ones) until it is.
// A configuration is (event position, model state, which open ops are linearized), so memo
// entries are small whatever the history's length, and the first return that no branch gets past
// names the culprit. It is resumable: run() works for a slice of time and returns, so several
// parts can share a thread fairly.
//
// Accelerations (each keeps the search exact; see DESIGN notes in memo.ts):
// - a pure op (a read) that is legal is linearized at once: that can only help;
// - indeterminate ops are tried only when the determinate ones fail; linearizing one that leaves
//   the state as it was is pointless, and so is one whose effect an earlier-linearized
//   indeterminate op would give just as well from the state before it (a later write of a run
//   of indeterminate writes overwrites them all);
// - identical indeterminate ops are interchangeable: a later twin is tried only once the earlier
//   one is linearized (candidates are taken by twin class);
// - the memo treats a configuration with more indeterminate ops linearized than one already seen
//   (same position, state and open ops) as seen.
import { performance } from 'node:perf_hooks';
import type { Kernel } from './kernel.ts';
import { InfoSets, SETS_FULL } from './info-sets.ts';
import { layout } from './layout.ts';
import { Furthest } from './furthest.ts';
import { MEMO_FULL, Memo, type MemoryBudget } from './memo.ts';
import type { Part } from './prepare.ts';

export type Verdict = true | false | 'unknown';

/** A linearization step on the path that got furthest: the op and the states around it. */
export interface PathStep {
  op: number;
  before: unknown;
  after: unknown;
}

export interface Outcome {
  valid: Verdict;
  reason?: string;
  configurations: number;
  /** When invalid: the op whose return no branch got past, the states it was stuck in, how many
   *  ops were linearized there, and the last linearization steps leading there. */
  culprit?: number;
  states?: unknown[];
  linearized?: number;
  path?: PathStep[];
}

const NONE = Symbol('none');
const ADVANCE = 0;
const TRY = 1;

export class KeySearch {
  readonly n: number;
  private readonly E: number;
  private readonly events: Int32Array;
  private readonly slotOf: Int32Array;
  private readonly nSlots: number;
  private readonly W: number;
  private readonly infoOp: Int32Array;
  /** Twin classes of indeterminate ops (see layout.ts), and how many of each class's members
   *  are linearized. */
  private readonly classOf: Int32Array;
  private readonly classStart: Int32Array;
  private readonly classSize: Int32Array;
  private readonly classFirst: Int32Array;
  private readonly classList: Int32Array;
  private readonly classCount: Int32Array;
  private readonly sets: InfoSets;
  private readonly pure: Uint8Array;
  private readonly ILL: unknown;
  private readonly memo: Memo;

  // The current configuration.
  private e = 0;
  private s: unknown;
  private readonly P: Uint32Array;
  private readonly occ: Int32Array;
  /** Slots whose open op is pure (a bit each). */
  private readonly pureOcc: Uint32Array;
  private readonly infos: Int32Array;
  private infosLen = 0;
  private readonly inSet: Uint8Array;
  private set = 0;
  private infoCalled = 0;
  private readonly trailOp: Int32Array;
  private readonly trailState: unknown[];
  private trailLen = 0;

  // The stack of branch points.
  private depth = 0;
  private cap = 0;
  private fE = new Int32Array(0);
  private fCursor = new Int32Array(0);
  private fSid = new Int32Array(0);
  private fInfos = new Int32Array(0);
  private fInfoCalled = new Int32Array(0);
  private fTrail = new Int32Array(0);
  private fSet = new Int32Array(0);
  private fP = new Uint32Array(0);
  private fState: unknown[] = [];
  private fRun: unknown[] = [];
  private mode = ADVANCE;
  private pendingRun: unknown = NONE;
  private held = 0;
  private stateBytes = 0;

  /** Branch points entered (configurations explored). */
  private explored = 0;
  private readonly furthest: Furthest;
  private done: Outcome | null = null;
  private steps = 0;

  constructor(part: Part, private readonly kernel: Kernel, private readonly budget: MemoryBudget) {
    const n = (this.n = part.n);
    this.events = part.events;
    this.E = part.events.length;
    this.pure = kernel.pure;
    this.ILL = kernel.illegal;
    const l = layout(part, kernel);
    this.slotOf = l.slotOf;
    this.nSlots = l.slots;
    this.W = l.W;
    this.infoOp = l.infoOp;
    this.classOf = l.classOf;
    this.classStart = l.classStart;
    this.classSize = l.classSize;
    this.classFirst = l.classFirst;
    this.classList = l.classList;
    this.classCount = new Int32Array(l.classSize.length);
    const nInfo = l.infoOp.length;
    const slots = l.slots;
    this.P = new Uint32Array(this.W);
    this.pureOcc = new Uint32Array(this.W);
    this.occ = new Int32Array(slots).fill(-1);
    this.infos = new Int32Array(nInfo);
    this.inSet = new Uint8Array(nInfo);
    this.trailOp = new Int32Array(n);
    this.trailState = new Array(n);
    this.s = kernel.init;
    this.furthest = new Furthest(kernel);
    budget.live++;
    let writes = 0;
    for (let i = 0; i < n; i++) if (kernel.pure[i] === 0) writes++;
    this.memo = new Memo(this.W, budget);
    this.sets = new InfoSets(nInfo, budget);
    this.held = n * 4 * 4 + this.E * 4;
    budget.used += this.held;
    this.growFrames(Math.min(writes + 16, 1 << 16));
  }

  /** Searches until decided, until performance.now() passes `until`, or for at most `maxSteps`
   *  steps (tests pause it anywhere); null while undecided. */
  run(until: number, maxSteps = Infinity): Outcome | null {
    if (this.done) return this.done;
    try {
      return this.loop(until, this.steps + maxSteps);
    } catch (e) {
      this.finish();
      throw e;
    }
  }

  /** Gives up (deadline or cancellation): the search's memory goes back to the budget. */
  stop(reason: string): Outcome {
    return this.done ?? this.end({ valid: 'unknown', reason, configurations: this.explored });
  }

  configurations(): number {
    return this.explored;
  }

  /** The event position of the furthest return no branch has got past yet (-1: none). */
  stuckAt(): number {
    return this.furthest.e;
  }

  /** Configurations recorded since the furthest blocked return last moved. */
  stuckFor(): number {
    return this.furthest.e < 0 ? 0 : this.explored - this.furthest.since;
  }

  /** Ends the search as invalid at the furthest return (proved elsewhere: see refute.ts). */
  refuted(): Outcome {
    return this.done ?? this.end(this.invalid());
  }

  private end(o: Outcome): Outcome {
    this.done = o;
    this.finish();
    return o;
  }

  private finish(): void {
    this.memo.free();
    this.sets.free();
    this.budget.live--;
    this.budget.release(this.held);
    this.held = 0;
  }

  private growFrames(min: number): boolean {
    const cap = Math.max(min, this.cap * 2);
    const more = (cap - this.cap) * (7 * 4 + this.W * 4 + 16);
    if (this.cap > 0 && !this.budget.grant(this.held + this.memo.held, more)) return false;
    if (this.cap === 0) this.budget.used += more;
    this.held += more;
    const g = <T extends Int32Array | Uint32Array>(a: T, size: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.fE = g(this.fE, cap);
    this.fCursor = g(this.fCursor, cap);
    this.fSid = g(this.fSid, cap);
    this.fInfos = g(this.fInfos, cap);
    this.fInfoCalled = g(this.fInfoCalled, cap);
    this.fTrail = g(this.fTrail, cap);
    this.fSet = g(this.fSet, cap);
    this.fP = g(this.fP, cap * this.W);
    this.cap = cap;
    return true;
  }

  /** Back to branch point F: its state and open ops; the events advanced over since are undone
   *  (walking back over them: a call empties its op's slot, a return fills it again). */
  private restore(F: number): void {
    const to = this.fE[F];
    const { events, slotOf, occ, pure, pureOcc } = this;
    for (let k = this.e - 1; k >= to; k--) {
      const ev = events[k];
      const i = ev >> 1;
      const sl = slotOf[i];
      if (sl < 0) continue;
      const bit = 1 << (sl & 31);
      if (ev & 1) {
        occ[sl] = i;
        if (pure[i] !== 0) pureOcc[sl >>> 5] |= bit;
      } else {
        occ[sl] = -1;
        pureOcc[sl >>> 5] &= ~bit;
      }
    }
    this.e = to;
    this.s = this.fState[F];
    const W = this.W;
    for (let w = 0; w < W; w++) this.P[w] = this.fP[F * W + w];
    const keep = this.fInfos[F];
    while (this.infosLen > keep) {
      const ord = this.infos[--this.infosLen];
      this.inSet[ord] = 0;
      this.classCount[this.classOf[ord]]--;
    }
    this.set = this.fSet[F];
    this.infoCalled = this.fInfoCalled[F];
    this.trailLen = this.fTrail[F];
  }

  /** Linearizes every open pure op that is legal in the current state. */
  private greedy(): void {
    const { occ, P, pureOcc, kernel, ILL, W } = this;
    const s = this.s;
    for (let w = 0; w < W; w++) {
      // Open pure ops not yet linearized, one bit each.
      let bits = pureOcc[w] & ~P[w];
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const sl = (w << 5) | (31 - Math.clz32(low));
        const o = occ[sl];
        const s2 = kernel.step(s, o);
        if (s2 === ILL || (s2 !== s && !kernel.same(s2, s))) continue;
        P[w] |= low;
        this.trailOp[this.trailLen] = o;
        this.trailState[this.trailLen++] = s;
      }
    }
  }

  /** Enters a branch point at the current configuration; false when it (or a configuration
   *  with fewer indeterminate ops linearized) failed before, null when memory is exhausted. */
  private branch(): boolean | null {
    const sid = this.kernel.stateId(this.s);
    if (this.memo.seen(this.e, sid, this.P, this.set, this.inSet, this.sets)) return false;
    if (this.depth === this.cap && !this.growFrames(this.cap * 2)) return null;
    const F = this.depth++;
    this.explored++;
    this.fE[F] = this.e;
    this.fSid[F] = sid;
    this.fCursor[F] = 0;
    this.fInfos[F] = this.infosLen;
    this.fInfoCalled[F] = this.infoCalled;
    this.fTrail[F] = this.trailLen;
    this.fSet[F] = this.set;
    const W = this.W;
    for (let w = 0; w < W; w++) this.fP[F * W + w] = this.P[w];
    this.fState[F] = this.s;
    this.fRun[F] = this.pendingRun;
    return true;
  }

  /** Counts the model states interned since last time against the budget (they live as long as
   *  the memo); false when the budget says no. */
  private chargeStates(): boolean {
    const more = this.kernel.stateBytes() - this.stateBytes;
    if (more <= 0) return true;
    if (!this.budget.grant(this.held + this.memo.held, more)) return false;
    this.stateBytes += more;
    this.held += more;
    return true;
  }

  private full(): Outcome {
    return this.end({
      valid: 'unknown',
      reason: `memory ceiling reached (${Math.round(this.budget.limit / 2 ** 20)} MiB for the memo, ${this.memo.size()} failed configurations of ${this.explored} explored)`,
      configurations: this.explored,
    });
  }

  private loop(until: number, stopAt: number): Outcome | null {
    const { events, slotOf, pure, kernel, ILL, P, occ, pureOcc, E, nSlots, inSet, infoOp, classCount, classSize, classFirst, classList, classStart } = this;
    const nClasses = classSize.length;
    let steps = this.steps;
    for (;;) {
      // (Checked before each step, so every call makes progress.)
      if (steps >= stopAt || ((steps & 0x7ff) === 0x7ff && performance.now() > until)) {
        this.steps = steps;
        return this.chargeStates() ? null : this.full();
      }
      steps++;
      if (this.mode === ADVANCE) {
        let e = this.e;
        while (e < E) {
          const ev = events[e];
          const i = ev >> 1;
          const sl = slotOf[i];
          if ((ev & 1) === 0) {
            if (sl < 0) {
              this.infoCalled++;
              e++;
              continue;
            }
            occ[sl] = i;
            if (pure[i] !== 0) {
              pureOcc[sl >>> 5] |= 1 << (sl & 31);
              const s2 = kernel.step(this.s, i);
              if (s2 !== ILL && (s2 === this.s || kernel.same(s2, this.s))) {
                P[sl >>> 5] |= 1 << (sl & 31);
                this.trailOp[this.trailLen] = i;
                this.trailState[this.trailLen++] = this.s;
              }
            }
            e++;
          } else {
            const bit = 1 << (sl & 31);
            if ((P[sl >>> 5] & bit) === 0) break;
            P[sl >>> 5] &= ~bit;
            pureOcc[sl >>> 5] &= ~bit;
            occ[sl] = -1;
            e++;
          }
        }
        this.e = e;
        steps += 1;
        if (e === E) return this.end({ valid: true, configurations: this.explored });
        this.pendingRun = NONE;
        const b = this.branch();
        if (b === null) return this.full();
        // A configuration seen before: back to the branch point that led here.
        if (b === false) this.restore(this.depth - 1);
        this.mode = TRY;
        continue;
      }
      // TRY: the next candidate of the top branch point.
      const F = this.depth - 1;
      const x = events[this.fE[F]] >> 1;
      let c = this.fCursor[F];
      let y = -1;
      for (;;) {
        if (c === 0) {
          c = 1;
          y = x;
          break;
        }
        if (c <= nSlots) {
          const sl = c - 1;
          const o = occ[sl];
          c++;
          if (o >= 0 && o !== x && pure[o] === 0 && (P[sl >>> 5] & (1 << (sl & 31))) === 0) {
            y = o;
            break;
          }
          continue;
        }
        // Indeterminate ops: the next member of each twin class, if it has been called.
        const cls = c - nSlots - 1;
        if (cls >= nClasses || classFirst[cls] >= this.fInfoCalled[F]) break;
        c++;
        const k = classCount[cls];
        if (k >= classSize[cls]) continue;
        const ord = classList[classStart[cls] + k];
        if (ord >= this.fInfoCalled[F]) continue;
        y = infoOp[ord];
        break;
      }
      this.fCursor[F] = c;
      if (y < 0) {
        this.furthest.note(this.fE[F], this.s, this.trailOp, this.trailState, this.trailLen, this.explored);
        if (this.memo.add(this.fE[F], this.fSid[F], this.fP, F * this.W, this.fSet[F]) === MEMO_FULL) return this.full();
        this.depth--;
        this.fState[F] = undefined;
        this.fRun[F] = undefined;
        if (this.depth === 0) return this.end(this.invalid());
        this.restore(this.depth - 1);
        continue;
      }
      const s = this.s;
      const s2 = kernel.step(s, y);
      if (s2 === ILL) continue;
      const sl = slotOf[y];
      if (sl < 0) {
        // An indeterminate op: only worth it if it changes the state in a way the run of
        // indeterminate ops before it could not have done alone.
        if (s2 === s || kernel.same(s2, s)) continue;
        const run = this.fRun[F];
        if (run !== NONE) {
          const r2 = kernel.step(run, y);
          if (r2 !== ILL && (r2 === s2 || kernel.same(r2, s2))) continue;
        }
        this.pendingRun = run === NONE ? s : run;
        const cls = c - nSlots - 2;
        const ord = classList[classStart[cls] + classCount[cls]];
        inSet[ord] = 1;
        const next = this.sets.with(this.set, ord, inSet);
        if (next === SETS_FULL) return this.full();
        this.set = next;
        classCount[cls]++;
        this.infos[this.infosLen++] = ord;
      } else {
        this.pendingRun = NONE;
        P[sl >>> 5] |= 1 << (sl & 31);
      }
      this.trailOp[this.trailLen] = y;
      this.trailState[this.trailLen++] = s;
      this.s = s2;
      if (s2 !== s) this.greedy();
      const xs = slotOf[x];
      if ((P[xs >>> 5] & (1 << (xs & 31))) !== 0) {
        this.mode = ADVANCE;
        continue;
      }
      const b = this.branch();
      if (b === null) return this.full();
      if (b === false) this.restore(F);
    }
  }

  private invalid(): Outcome {
    return {
      valid: false,
      configurations: this.explored,
      culprit: this.events[this.furthest.e] >> 1,
      states: this.furthest.states.slice(),
      linearized: this.furthest.linearized,
      path: this.furthest.path(),
    };
  }
}
