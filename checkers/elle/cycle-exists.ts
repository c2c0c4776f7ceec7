// Elle's cycle-exists pass (elle.txn/cycle-exists-specs): a model holds only if a certain
// subgraph of the dependencies is acyclic, and that is decided exactly, in linear time, by
// strongly connected components -- whether or not a cycle of a named type is then found.
// Snapshot isolation's subgraph is the "sequential extension" (ww ∪ wr edges, each optionally
// followed by one rw): we search a two-layer product graph instead of materializing it, where
// layer 1 means "just took an anti-dependency" and may not take another.
import { EdgeList, type Graph, packGraph, tarjan } from './graph.ts';
import type { Component } from './cycle-search.ts';
import * as R from './rels.ts';
import { type Step, collapseVirtual } from './walks.ts';

// Imported bindings cost a getter call per use when run through tsx; hot loops use these copies.
const { PROCESS, REALTIME, RW, WR, WW } = R;

export interface CycleExistsSpec {
  /** Canonical model name; the anomaly is `${model}-cycle-exists`. */
  model: string;
  mask: number;
  /** Sequential extension of `mask` by one rw edge. */
  extension?: boolean;
  subgraph: string;
}

const RT = REALTIME;
export const CYCLE_EXISTS_SPECS: readonly CycleExistsSpec[] = [
  { model: 'PL-1', mask: WW, subgraph: 'ww' },
  { model: 'PL-2', mask: WW | WR, subgraph: 'ww ∪ wr' },
  { model: 'PL-SI', mask: WW | WR, extension: true, subgraph: '(ww ∪ wr) extended by single rw edges' },
  { model: 'PL-2.99', mask: WW | WR | RW, subgraph: 'ww ∪ wr ∪ rw' },
  { model: 'PL-3', mask: WW | WR | RW, subgraph: 'ww ∪ wr ∪ rw' },
  { model: 'strong-session-PL-1', mask: WW | PROCESS, subgraph: 'ww ∪ process' },
  { model: 'strong-session-PL-2', mask: WW | WR | PROCESS, subgraph: 'ww ∪ wr ∪ process' },
  { model: 'strong-session-snapshot-isolation', mask: WW | WR | PROCESS, extension: true, subgraph: '(ww ∪ wr ∪ process) extended by single rw edges' },
  { model: 'strong-session-serializable', mask: WW | WR | RW | PROCESS, subgraph: 'ww ∪ wr ∪ rw ∪ process' },
  { model: 'strong-PL-1', mask: WW | RT, subgraph: 'ww ∪ realtime' },
  { model: 'strong-PL-2', mask: WW | WR | RT, subgraph: 'ww ∪ wr ∪ realtime' },
  { model: 'strong-snapshot-isolation', mask: WW | WR | RT, extension: true, subgraph: '(ww ∪ wr ∪ realtime) extended by single rw edges' },
  { model: 'PL-SS', mask: WW | WR | RW | RT, subgraph: 'ww ∪ wr ∪ rw ∪ realtime' },
];

export interface CycleExists {
  /** Transactions (global ids) of the smallest cyclic component of the subgraph. */
  txns: number[];
  /** One closed walk through that component (it may revisit a transaction). */
  walk: Step[];
}

/** Whether the component's `spec` subgraph has a cycle; if so its smallest cyclic part. */
export function cycleExists(c: Component, spec: CycleExistsSpec): CycleExists | null {
  const g = spec.extension ? extensionGraph(c.g, spec.mask) : maskGraph(c.g, spec.mask);
  const { comp, count, size } = tarjan(g);
  const k = c.g.n;
  const txnSize = new Int32Array(count);
  for (let p = 0; p < g.n; p++) if (c.nodes[p % k] < c.txnCount) txnSize[comp[p]]++;
  let best = -1;
  for (let i = 0; i < count; i++) if (size[i] > 1 && (best < 0 || txnSize[i] < txnSize[best])) best = i;
  if (best < 0) return null;
  const members = new Set<number>();
  let start = -1;
  for (let p = 0; p < g.n; p++) {
    if (comp[p] !== best) continue;
    const x = c.nodes[p % k];
    if (x < c.txnCount) {
      members.add(x);
      if (start < 0) start = p;
    }
  }
  const walk = closedWalk(g, comp, best, start).map((s) => ({ from: c.nodes[s.from % k], rel: s.rel }));
  return { txns: [...members].sort((a, b) => a - b), walk: collapseVirtual(walk, c.txnCount) ?? walk };
}

function maskGraph(g: Graph, mask: number): Graph {
  const rel = new Uint8Array(g.rel.length);
  for (let e = 0; e < rel.length; e++) rel[e] = g.rel[e] & mask;
  return { n: g.n, off: g.off, dst: g.dst, rel };
}

/** Node x on layer 0 is x, on layer 1 is x + n. */
function extensionGraph(g: Graph, mask: number): Graph {
  const n = g.n;
  const edges = new EdgeList();
  for (let x = 0; x < n; x++) {
    for (let e = g.off[x]; e < g.off[x + 1]; e++) {
      const y = g.dst[e];
      const r = g.rel[e];
      if (r & mask) {
        edges.add(x, y, r & mask);
        edges.add(x + n, y, r & mask);
      }
      if (r & RW) edges.add(x, y + n, RW);
    }
  }
  return packGraph(2 * n, edges);
}

/** A shortest closed walk from `start` back to itself inside component `which`. */
function closedWalk(g: Graph, comp: Int32Array, which: number, start: number): Step[] {
  const parent = new Int32Array(g.n).fill(-2);
  const via = new Uint8Array(g.n);
  const queue = new Int32Array(g.n);
  let qh = 0;
  let qt = 0;
  queue[qt++] = start;
  parent[start] = -1;
  while (qh < qt) {
    const x = queue[qh++];
    for (let e = g.off[x]; e < g.off[x + 1]; e++) {
      const r = g.rel[e];
      const y = g.dst[e];
      if (!r || comp[y] !== which) continue;
      const bit = r & -r; // the lowest relationship: data before process before real time
      if (y === start) {
        const steps: Step[] = [{ from: x, rel: bit }];
        for (let s = x; parent[s] >= 0; s = parent[s]) steps.push({ from: parent[s], rel: via[s] });
        return steps.reverse();
      }
      if (parent[y] !== -2) continue;
      parent[y] = x;
      via[y] = bit;
      queue[qt++] = y;
    }
  }
  throw new Error('no cycle in a strongly connected component');
}
