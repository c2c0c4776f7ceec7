// Closed walks in the dependency graph: collapsing runs of virtual time nodes into single
// real-time steps, splitting a walk into simple cycles, and naming a cycle the way Elle does
// (elle.txn/cycle-explainer): by its number of anti-dependencies, whether two are adjacent,
// whether it has a write-read edge, and whether it needs process or real-time order.
import { PROCESS, REALTIME, RW, WR, WW } from './rels.ts';

/** One step of a cycle: from node `from` to the next step's node, by relationship `rel`. */
export interface Step {
  from: number;
  rel: number;
}

/** Replaces every run txn -rt-> time ... time -> txn by one real-time step between the txns.
 *  Nodes >= txnCount are virtual time nodes. Returns null if no transaction is on the walk. */
export function collapseVirtual(walk: readonly Step[], txnCount: number): Step[] | null {
  const first = walk.findIndex((s) => s.from < txnCount);
  if (first < 0) return null;
  const out: Step[] = [];
  for (let j = 0; j < walk.length; j++) {
    const s = walk[(first + j) % walk.length];
    if (s.from < txnCount) out.push(s);
  }
  return out;
}

/** Splits a closed walk into simple cycles (each node at most once); the cycles' steps partition
 *  the walk's steps. */
export function simpleCycles(walk: readonly Step[]): Step[][] {
  const out: Step[][] = [];
  const stack: Step[] = [];
  const at = new Map<number, number>(); // node -> position on the stack
  for (let j = 0; j <= walk.length; j++) {
    const node = walk[j % walk.length].from;
    const p = at.get(node);
    if (p !== undefined) {
      const piece = stack.splice(p);
      for (const s of piece) at.delete(s.from);
      out.push(piece);
    }
    if (j === walk.length) break;
    at.set(node, stack.length);
    stack.push(walk[j]);
  }
  return out;
}

/** Elle's name for a simple cycle, or null if it has no data dependency at all. */
export function classify(steps: readonly Step[]): string | null {
  let ww = 0;
  let wr = 0;
  let rw = 0;
  let process = 0;
  let realtime = 0;
  let adjacent = false;
  for (let j = 0; j < steps.length; j++) {
    const r = steps[j].rel;
    if (r === WW) ww++;
    else if (r === WR) wr++;
    else if (r === RW) {
      rw++;
      if (steps[(j + 1) % steps.length].rel === RW) adjacent = true;
    } else if (r === PROCESS) process++;
    else if (r === REALTIME) realtime++;
  }
  let base: string;
  if (rw === 1) base = 'G-single-item';
  else if (rw > 1) base = adjacent ? 'G2-item' : 'G-nonadjacent-item';
  else if (wr > 0) base = 'G1c';
  else if (ww > 0) base = 'G0';
  else return null;
  return base + (realtime > 0 ? '-realtime' : process > 0 ? '-process' : '');
}
