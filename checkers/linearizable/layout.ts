// How the search lays out one part, once: slots for open determinate ops, and twin classes for
// indeterminate ones.
// - Slots: at any moment only a few determinate ops are open (invoked, not returned), so each
//   gets one of a small set of slots (interval colouring) and a configuration's "which open ops
//   are linearized" fits in a few 32-bit words.
// - Indeterminate ops are numbered in call order, and grouped in twin classes (identical ops are
//   interchangeable: a class's members are only ever linearized in order), classes in order of
//   their first member's call.
import type { Kernel } from './kernel.ts';
import type { Part } from './prepare.ts';

export interface Layout {
  /** The slot of each determinate op, -1 for an indeterminate one. */
  slotOf: Int32Array;
  slots: number;
  /** Words of a slot bitset. */
  W: number;
  /** Indeterminate ops by ordinal. */
  infoOp: Int32Array;
  classOf: Int32Array;
  /** Each class's members, by ordinal in call order: classList[classStart[c] ... + classSize[c]]. */
  classStart: Int32Array;
  classSize: Int32Array;
  classList: Int32Array;
  /** The ordinal of each class's first member. */
  classFirst: Int32Array;
}

export function layout(part: Part, kernel: Kernel): Layout {
  const { events, completeIndex, n } = part;
  const E = events.length;
  const slotOf = new Int32Array(n).fill(-1);
  const free: number[] = [];
  let slots = 0;
  let nInfo = 0;
  for (let k = 0; k < E; k++) {
    const ev = events[k];
    const i = ev >> 1;
    if (ev & 1) free.push(slotOf[i]);
    else if (completeIndex[i] >= 0) slotOf[i] = free.length ? free.pop()! : slots++;
    else nInfo++;
  }
  const infoOp = new Int32Array(nInfo);
  const classOf = new Int32Array(nInfo);
  const classes = new Map<string, number>();
  const sizes: number[] = [];
  let ord = 0;
  for (let k = 0; k < E; k++) {
    const ev = events[k];
    if (ev & 1 || completeIndex[ev >> 1] >= 0) continue;
    const i = ev >> 1;
    infoOp[ord] = i;
    const key = kernel.twinKey(i);
    let c = classes.get(key);
    if (c === undefined) {
      c = sizes.length;
      classes.set(key, c);
      sizes.push(0);
    }
    classOf[ord++] = c;
    sizes[c]++;
  }
  const nClasses = sizes.length;
  const classStart = new Int32Array(nClasses);
  const classSize = Int32Array.from(sizes);
  const classFirst = new Int32Array(nClasses);
  const classList = new Int32Array(nInfo);
  for (let c = 1; c < nClasses; c++) classStart[c] = classStart[c - 1] + sizes[c - 1];
  const fill = new Int32Array(nClasses);
  for (let o = 0; o < nInfo; o++) {
    const c = classOf[o];
    if (fill[c] === 0) classFirst[c] = o;
    classList[classStart[c] + fill[c]++] = o;
  }
  return { slotOf, slots, W: Math.max(1, (slots + 31) >>> 5), infoOp, classOf, classStart, classSize, classList, classFirst };
}
