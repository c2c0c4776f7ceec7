// The linearizability search: Wing & Gong's algorithm with Lowe's memoisation, as in Porcupine.
// The history becomes a doubly linked list of call and return entries in real-time order. The
// search walks it: at a call, try to linearize the op (model step); if that leads to a new
// (linearized set, state) configuration, lift the op out of the list and start again from the
// head; at a return, the op had to be linearized by now, so backtrack.
//
// Accelerations (each keeps the search exact):
// - ops with unknown outcome (info, or never completed) return at +infinity, and the search
//   succeeds as soon as only such ops remain: they may never have taken effect;
// - identical indeterminate ops are interchangeable: a later twin is tried only once the earlier
//   one is linearized;
// - a pure op (a read) that is legal is linearized at once and never un-tried: linearizing it
//   earlier changes no state and breaks no real-time order, so skipping it cannot help;
// - the linearized set is a bitset whose hash is updated incrementally (XOR of per-op keys);
// - the list, the stack and the memo's bitsets live in typed arrays.
import type { History } from '../../src/types.ts';
import { pairIndex } from '../../src/history.ts';
import type { LinOp, Model } from './models.ts';

export interface SearchBudget {
  /** Wall-clock deadline (performance.now() ms); past it the answer is unknown. */
  deadline?: number;
  /** Ceiling on memo memory, in bytes. */
  maxMemoBytes?: number;
  /** Polled now and then: true stops the search (another part already failed). */
  cancelled?: () => boolean;
}

export interface SearchOp extends LinOp {
  /** Index in the original history of the invocation and of the completion (-1: none). */
  invokeIndex: number;
  completeIndex: number;
  /** Outcome unknown: may be linearized anywhere after its call, or never. */
  indeterminate: boolean;
}

export type SearchResult<S> =
  | { valid: true; ops: number; configurations: number }
  | { valid: 'unknown'; reason: string; ops: number; configurations: number }
  | {
      valid: false;
      ops: number;
      configurations: number;
      /** The op the search could never get past. */
      culprit: SearchOp;
      /** Model states in which the culprit had to be linearized, and was not possible. */
      states: S[];
      /** How many ops were linearized at that point (the longest linearizable prefix). */
      linearized: number;
      searchOps: SearchOp[];
    };

/** Ops for the search: fail ops dropped, indeterminate reads dropped (they constrain nothing). */
export function searchOps(history: History, model: Model<any>): SearchOp[] {
  const pair = pairIndex(history);
  const out: SearchOp[] = [];
  for (let i = 0; i < history.length; i++) {
    const op = history[i];
    if (op.type !== 'invoke' || op.process === 'nemesis') continue;
    const c = pair[i];
    const done = c >= 0 ? history[c] : null;
    if (done?.type === 'fail') continue;
    const indeterminate = !done || done.type === 'info';
    const lop: SearchOp = {
      f: op.f, input: op.value, output: indeterminate ? undefined : done!.value, process: op.process as number,
      invokeIndex: i, completeIndex: done && !indeterminate ? c : -1, indeterminate,
    };
    if (indeterminate && model.pure?.(lop)) continue;
    out.push(lop);
  }
  return out;
}

export function search<S>(ops: SearchOp[], model: Model<S>, budget: SearchBudget = {}): SearchResult<S> {
  const n = ops.length;
  // Entries: 2i is op i's call, 2i+1 its return. HEAD and TAIL sentinels.
  const HEAD = 2 * n;
  const TAIL = 2 * n + 1;
  const next = new Int32Array(2 * n + 2);
  const prev = new Int32Array(2 * n + 2);
  // Real-time order: calls at their invocation, returns at their completion, unknown returns last.
  const order: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    order.push([ops[i].invokeIndex, 2 * i]);
    order.push([ops[i].indeterminate ? Number.MAX_SAFE_INTEGER - n + i : ops[i].completeIndex, 2 * i + 1]);
  }
  order.sort((a, b) => a[0] - b[0] || (a[1] & 1) - (b[1] & 1));
  let last = HEAD;
  for (const [, e] of order) {
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  next[last] = TAIL;
  prev[TAIL] = last;

  const lift = (call: number) => {
    const ret = call + 1;
    next[prev[call]] = next[call];
    prev[next[call]] = prev[call];
    next[prev[ret]] = next[ret];
    prev[next[ret]] = prev[ret];
  };
  const unlift = (call: number) => {
    const ret = call + 1;
    next[prev[ret]] = ret;
    prev[next[ret]] = ret;
    next[prev[call]] = call;
    prev[next[call]] = call;
  };

  // Per-op random keys for the incremental hash of the linearized set.
  const keys = new Int32Array(n);
  let seed = 0x2545f491;
  for (let i = 0; i < n; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    keys[i] = seed;
  }
  // Identical indeterminate ops (same f and input; and process, for models that read it) are interchangeable: both may take effect at
  // any time after their calls, or never. Only try one once its earlier twin has been taken, so
  // the search does not explore every subset of twins.
  const twinBefore = new Int32Array(n).fill(-1);
  const lastTwin = new Map<string, number>();
  for (const [, e] of order) {
    if (e & 1) continue;
    const i = e >>> 1;
    if (!ops[i].indeterminate) continue;
    const k = `${ops[i].f}\u0000${JSON.stringify(ops[i].input)}${model.usesProcess ? `\u0000${String(ops[i].process)}` : ''}`;
    const prevTwin = lastTwin.get(k);
    if (prevTwin !== undefined) twinBefore[i] = prevTwin;
    lastTwin.set(k, i);
  }
  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  const hashState = model.hash ?? ((s: S) => (typeof s === 'number' ? s | 0 : 0));
  const equal = model.equal ?? ((a: S, b: S) => a === b);

  // The memo: hash -> chain of (bitset, state). Bitsets are copied into one growing pool.
  const memo = new Map<number, number[]>();
  let pool = new Uint32Array(Math.max(1024, words * 64));
  let poolUsed = 0;
  const memoStates: S[] = [];
  const maxMemo = budget.maxMemoBytes ?? 1024 * 1024 * 1024;
  let configurations = 0;

  const remember = (h: number, s: S): boolean => {
    const chain = memo.get(h);
    if (chain) {
      for (const slot of chain) {
        if (!equal(memoStates[slot], s)) continue;
        const base = slot * words;
        let same = true;
        for (let w = 0; w < words; w++) if (pool[base + w] !== bits[w]) { same = false; break; }
        if (same) return false;
      }
    }
    const slot = memoStates.length;
    if ((slot + 1) * words > pool.length) {
      const grown = new Uint32Array(Math.max(pool.length * 2, (slot + 1) * words));
      grown.set(pool);
      pool = grown;
    }
    pool.set(bits, slot * words);
    poolUsed = (slot + 1) * words;
    memoStates.push(s);
    if (chain) chain.push(slot);
    else memo.set(h, [slot]);
    configurations++;
    return true;
  };

  // The stack of linearized calls, with the state before each and whether it was pure.
  const stackCall = new Int32Array(n);
  const stackPure = new Uint8Array(n);
  const stackState: S[] = new Array(n);
  let depth = 0;
  let remaining = 0; // determinate ops not yet linearized
  for (const op of ops) if (!op.indeterminate) remaining++;

  let state = model.init();
  let hash = 0;
  remember(hashState(state), state);

  // The deepest blocking return seen: the culprit, and the states it was blocked in.
  let worstReturn = -1;
  let worstDepth = 0;
  const worstStates: S[] = [];
  const noteBlock = (ret: number) => {
    const at = ops[ret >>> 1].completeIndex;
    if (at > worstReturn) {
      worstReturn = at;
      worstDepth = depth;
      worstStates.length = 0;
    }
    if (at === worstReturn && worstStates.length < 16 && !worstStates.some((x) => equal(x, state))) worstStates.push(state);
  };

  let entry = next[HEAD];
  let steps = 0;
  for (;;) {
    if (remaining === 0) return { valid: true, ops: n, configurations };
    if ((++steps & 0xfff) === 0) {
      if (budget.deadline !== undefined && performance.now() > budget.deadline) {
        return { valid: 'unknown', reason: 'check timeout', ops: n, configurations };
      }
      if (poolUsed * 4 > maxMemo) return { valid: 'unknown', reason: `memory ceiling (${Math.round(maxMemo / 2 ** 20)} MiB) reached`, ops: n, configurations };
      if (budget.cancelled?.()) return { valid: 'unknown', reason: 'cancelled', ops: n, configurations };
    }
    if (entry !== TAIL && (entry & 1) === 0) {
      const i = entry >>> 1;
      const op = ops[i];
      const twin = twinBefore[i];
      if (twin >= 0 && (bits[twin >>> 5] & (1 << (twin & 31))) === 0) {
        entry = next[entry];
        continue;
      }
      const [ok, s2] = model.step(state, op);
      if (ok) {
        bits[i >>> 5] |= 1 << (i & 31);
        const h2 = hash ^ keys[i];
        if (remember(h2 ^ Math.imul(hashState(s2), 0x85ebca6b), s2)) {
          stackCall[depth] = entry;
          stackState[depth] = state;
          stackPure[depth] = model.pure?.(op) && equal(s2, state) ? 1 : 0;
          depth++;
          if (!op.indeterminate) remaining--;
          state = s2;
          hash = h2;
          lift(entry);
          entry = next[HEAD];
          continue;
        }
        bits[i >>> 5] &= ~(1 << (i & 31));
      }
      entry = next[entry];
      continue;
    }
    // A return entry (or the end): backtrack.
    if (entry !== TAIL) noteBlock(entry);
    let pure: number;
    do {
      if (depth === 0) {
        const culprit = ops[worstReturn >= 0 ? ops.findIndex((o) => o.completeIndex === worstReturn) : 0];
        return { valid: false, ops: n, configurations, culprit, states: worstStates.slice(), linearized: worstDepth, searchOps: ops };
      }
      depth--;
      const call = stackCall[depth];
      const i = call >>> 1;
      pure = stackPure[depth];
      state = stackState[depth];
      stackState[depth] = undefined as S;
      hash ^= keys[i];
      bits[i >>> 5] &= ~(1 << (i & 31));
      if (!ops[i].indeterminate) remaining++;
      unlift(call);
      entry = next[call];
    } while (pure);
  }
}
