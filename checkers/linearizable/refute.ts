// Refuting a register part locally. When the search keeps failing at the same return (the op x
// that no branch gets past) but cannot yet prove it, look only at a window of the history before
// x's return, from some event a on, starting from ANY register value: if that window cannot be
// linearized from any value, neither can the history, and x is the culprit.
//
// Why it is exact: if the history is linearizable, so is its prefix up to x's return (ops still
// open there may or may not have taken effect). Cut a linearization of that prefix after the last
// op that returned before a: what follows linearizes the window from the register's value at the
// cut, with every op invoked before a and not returned by then free to appear or not (that is,
// indeterminate). So "no value makes the window linearizable" refutes the history. The unknown
// value is one more state, TOP: the first op that observes it (a read, a cas) binds it.
//
// First, the simplest window of all: x observes a value nothing could have written.
// Windows grow (a moves back, 4x each time) while they are cheap to search; a window that runs
// past its small budget says nothing, and the full search goes on.
import { shortText } from '../../src/util/safe-text.ts';
import type { Kernel } from './kernel.ts';
import { MemoryBudget } from './memo.ts';
import { CAS, READ, READ_ANY, WRITE, type Part, type RegisterOps } from './part-builders.ts';
import { KeySearch } from './search.ts';
import { performance } from 'node:perf_hooks';

const TOP = -2;

/** Whether the prefix of `part` up to event `e` (a return) is refuted by some window, trying
 *  windows of growing size for at most `ms` milliseconds in all. */
export function refuteAt(part: Part, e: number, ms: number): boolean {
  const reg = part.reg;
  if (!reg) return false;
  const until = performance.now() + ms;
  const x = part.events[e] >> 1;
  if (unproduced(part, reg, x)) return true;
  let call = e;
  while (call > 0 && part.events[call] !== x << 1) call--;
  for (let size = 8; ; size *= 4) {
    const a = Math.max(0, call - size);
    const w = windowPart(part, reg, a, e);
    const s = new KeySearch(w, topKernel(w.reg!), new MemoryBudget(64 * 2 ** 20));
    const o = s.run(Math.min(until, performance.now() + ms / 4)) ?? s.stop('budget');
    if (o.valid === false) return true;
    if (o.valid === 'unknown' || a === 0 || performance.now() > until) return false;
  }
}

/** Whether x observes a value (a read of it, a cas from it) that is not the initial value and
 *  that no op invoked before x returned could have written: then x can never be linearized. */
function unproduced(part: Part, reg: RegisterOps, x: number): boolean {
  const c = reg.code[x];
  if (c !== READ && c !== CAS) return false;
  const v = reg.a[x];
  if (v === 0) return false;
  const by = part.completeIndex[x];
  for (let i = 0; i < part.n; i++) {
    if (part.invokeIndex[i] > by) continue;
    if ((reg.code[i] === WRITE && reg.a[i] === v) || (reg.code[i] === CAS && reg.b[i] === v)) return false;
  }
  return true;
}

/** The ops of events a..e as a part of their own: ops open at a become indeterminate and called
 *  first, ops still open at e indeterminate, ops returned before a gone. */
function windowPart(part: Part, reg: RegisterOps, a: number, e: number): Part {
  const ev = part.events;
  const state = new Int8Array(part.n); // 1: called before a, 2: returned before a
  for (let k = 0; k < a; k++) state[ev[k] >> 1] = ev[k] & 1 ? 2 : 1;
  const returnsBy = new Uint8Array(part.n);
  for (let k = a; k <= e; k++) if (ev[k] & 1) returnsBy[ev[k] >> 1] = 1;
  const ids: number[] = [];
  const newId = new Int32Array(part.n).fill(-1);
  const events: number[] = [];
  const take = (i: number) => {
    newId[i] = ids.length;
    ids.push(i);
    events.push(newId[i] << 1);
  };
  for (let i = 0; i < part.n; i++) if (state[i] === 1) take(i);
  for (let k = a; k <= e; k++) {
    const i = ev[k] >> 1;
    if ((ev[k] & 1) === 0) take(i);
    else if (state[i] === 0) events.push((newId[i] << 1) | 1);
  }
  const n = ids.length;
  const completeIndex = new Int32Array(n);
  const invokeIndex = new Int32Array(n);
  const code = new Uint8Array(n);
  const A = new Int32Array(n);
  const B = new Int32Array(n);
  ids.forEach((i, k) => {
    invokeIndex[k] = part.invokeIndex[i];
    completeIndex[k] = state[i] === 0 && returnsBy[i] ? part.completeIndex[i] : -1;
    code[k] = reg.code[i];
    A[k] = reg.a[i];
    B[k] = reg.b[i];
  });
  return { key: part.key, n, events: Int32Array.from(events), invokeIndex, completeIndex, reg: { code, a: A, b: B, values: reg.values } };
}

/** The register kernel with one more state, TOP (any value): the first observation binds it.
 *  No op is pure here: a read binds TOP, so it is a real choice, not one to make greedily. */
function topKernel(r: RegisterOps): Kernel {
  const { code, a, b, values } = r;
  const pure = new Uint8Array(code.length);
  return {
    illegal: -1,
    init: TOP,
    step(s: unknown, i: number): unknown {
      switch (code[i]) {
        case READ_ANY:
          return s;
        case READ:
          return s === a[i] || s === TOP ? a[i] : -1;
        case WRITE:
          return a[i];
        case CAS:
          return s === a[i] || s === TOP ? b[i] : -1;
        default:
          return -1;
      }
    },
    pure,
    same: (x, y) => x === y,
    stateId: (s) => s as number,
    stateBytes: () => 0,
    describe: (s) => (s === TOP ? 'any value' : shortText(values[s as number], 200)),
    twinKey: (i) => `${code[i]},${a[i]},${b[i]}`,
  };
}
