// Searching one strongly connected component for a cycle of a given Elle type (G0, G1c,
// G-single-item, G-nonadjacent-item, G2-item, and their -process / -realtime variants).
//
// A cycle of each type is rotated to start with a distinguished edge (the anti-dependency for the
// rw types, the write-read edge for G1c, the process/real-time edge for G0 variants), so a search
// takes that edge u -> v and looks for a way back from v to u: a breadth-first search over
// (node, small state) pairs, where the state tracks what the type needs (a process/real-time edge
// seen; the last edge an anti-dependency; a second anti-dependency seen). BFS from each head v
// serves every candidate edge into v at once. The shortest closed walk found may revisit a node;
// it is split into simple cycles, and one whose classification is exactly the type is kept.
// Work is bounded (edge visits, cycle length); running out is reported, never silent.
import { type Graph, tarjan } from './graph.ts';
import * as R from './rels.ts';
import { type Step, classify, collapseVirtual, simpleCycles } from './walks.ts';

// Imported bindings cost a getter call per use when run through tsx; hot loops use these copies.
const { PROCESS, REALTIME, RW, WR, WW } = R;

export interface SearchLimits {
  /** Edge visits left for this search; decremented as it runs. */
  budget: number;
  maxLength: number;
  /** Set when the length limit kept the search from some longer cycle. */
  cut?: boolean;
}

export interface Component {
  /** The component's own graph, local node ids. */
  g: Graph;
  /** Local id -> global node id (ids >= txnCount are virtual time nodes). */
  nodes: Int32Array;
  txnCount: number;
  /** Search arrays, made on the first search and shared by the rest. */
  scratch?: SearchScratch;
}

/** BFS arrays for every search in one component: sized for the largest state space once, and
 *  stamped with a generation per BFS so they never need clearing. */
class SearchScratch {
  gen = 0;
  readonly stamp: Int32Array;
  readonly parent: Int32Array;
  readonly via: Uint8Array;
  readonly depth: Int32Array;
  readonly queue: Int32Array;
  readonly tailMark: Int32Array;
  readonly headFirst: Int32Array;
  /** Length is counted in transactions: hops through virtual time nodes are free. */
  readonly isTxn: Uint8Array;

  constructor(c: Component) {
    const k = c.g.n;
    const size = k * MAX_STATES;
    this.stamp = new Int32Array(size);
    this.parent = new Int32Array(size);
    this.via = new Uint8Array(size);
    this.depth = new Int32Array(size);
    this.queue = new Int32Array(size);
    this.tailMark = new Int32Array(k);
    this.headFirst = new Int32Array(k);
    this.isTxn = new Uint8Array(k);
    for (let x = 0; x < k; x++) this.isTxn[x] = c.nodes[x] < c.txnCount ? 1 : 0;
  }
}

type Mode = 'none' | 'single' | 'nonadjacent' | 'g2';

interface Spec {
  type: string;
  mode: Mode;
  /** Non-rw relationships usable anywhere. */
  data: number;
  /** The process/real-time relationship the type needs, or 0. */
  variant: number;
  /** The class of the distinguished first edge. */
  start: number;
  /** Whether the walk back must still take a variant edge. */
  needVariant: boolean;
}

function specFor(type: string): Spec {
  const variant = type.endsWith('-realtime') ? REALTIME : type.endsWith('-process') ? PROCESS : 0;
  const base = type.replace(/-(realtime|process)$/, '');
  const mode: Mode = base === 'G-single-item' ? 'single' : base === 'G-nonadjacent-item' ? 'nonadjacent' : base === 'G2-item' ? 'g2' : 'none';
  const data = base === 'G0' ? WW : WW | WR;
  const start = mode !== 'none' ? RW : base === 'G1c' ? WR : variant || WW;
  return { type, mode, data, variant, start, needVariant: variant !== 0 && start !== variant };
}

const SAW_V = 1;
const LAST_RW = 2;
const TWO_RW = 4;
const MAX_STATES = 8;

export type SearchResult = { found: Step[] } | { timeout: true } | null;

/** Looks for a cycle of exactly `type` in the component. */
export function searchCycle(c: Component, type: string, limits: SearchLimits): SearchResult {
  const spec = specFor(type);
  const { g } = c;
  const k = g.n;
  const allowed = spec.data | spec.variant | (spec.mode === 'nonadjacent' || spec.mode === 'g2' ? RW : 0);
  // Edges that can close a cycle lie inside one component of the graph the walk back may use
  // (for G-single the anti-dependency itself is not on that graph, so this only orders them).
  const pathMask = spec.mode === 'single' ? spec.data | spec.variant : allowed;
  limits.budget -= g.dst.length;
  const comp = tarjan(g, pathMask).comp;

  const sc = (c.scratch ??= new SearchScratch(c));
  const heads: number[] = [];
  const headFirst = sc.headFirst.fill(-1); // head -> first candidate in `cand`
  const candNext: number[] = [];
  const candTail: number[] = [];
  const strong: number[] = [];
  for (let u = 0; u < k; u++) {
    for (let e = g.off[u]; e < g.off[u + 1]; e++) {
      if (!(g.rel[e] & spec.start)) continue;
      const v = g.dst[e];
      const same = comp[u] === comp[v];
      if (!same && spec.mode !== 'single') continue;
      if (headFirst[v] < 0) {
        heads.push(v);
        strong.push(0);
      }
      candNext.push(headFirst[v]);
      candTail.push(u);
      headFirst[v] = candTail.length - 1;
      if (same) strong[heads.length - 1] = 1;
    }
  }
  if (heads.length === 0) return null;
  // Heads with a candidate certainly closable first.
  const order = heads.map((_, i) => i).sort((a, b) => strong[b] - strong[a]);

  const ns = spec.mode === 'nonadjacent' ? MAX_STATES : spec.needVariant ? 2 : 1;
  const { stamp, parent, via, depth, queue, tailMark, isTxn } = sc;
  const init = spec.start === RW ? LAST_RW : 0;

  for (const hi of order) {
    const v = heads[hi];
    const gen = ++sc.gen;
    for (let ci = headFirst[v]; ci >= 0; ci = candNext[ci]) tailMark[candTail[ci]] = gen;
    let qh = 0;
    let qt = 0;
    const root = v * ns + (init & (ns - 1));
    stamp[root] = gen;
    parent[root] = -1;
    depth[root] = 0;
    queue[qt++] = root;
    while (qh < qt) {
      const ps = queue[qh++];
      const x = (ps / ns) | 0;
      const st = ps % ns;
      if (depth[ps] + 2 > limits.maxLength) {
        limits.cut = true;
        continue;
      }
      for (let e = g.off[x]; e < g.off[x + 1]; e++) {
        if (--limits.budget < 0) return { timeout: true };
        const r = g.rel[e] & allowed;
        if (!r) continue;
        const y = g.dst[e];
        // Each class of relationship the edge offers is a separate transition.
        for (let cls = 0; cls < 3; cls++) {
          let bit: number;
          let ns2: number;
          if (cls === 0) {
            if (!(r & spec.data)) continue;
            bit = r & WW ? WW : WR;
            ns2 = st & ~LAST_RW;
          } else if (cls === 1) {
            if (!(r & spec.variant)) continue;
            bit = spec.variant;
            ns2 = (st & ~LAST_RW) | (spec.needVariant ? SAW_V : 0);
          } else {
            if (!(r & RW)) continue;
            if (spec.mode === 'nonadjacent' && st & LAST_RW) continue;
            bit = RW;
            ns2 = spec.mode === 'nonadjacent' ? st | LAST_RW | TWO_RW : st;
          }
          ns2 &= ns - 1;
          const qs = y * ns + ns2;
          if (tailMark[y] === gen && accepts(spec, ns2, bit)) {
            const walk = reconstruct(c, ps, ns, parent, via, y, bit, spec.start);
            const cycle = pick(walk, c.txnCount, spec.type, limits);
            if (cycle) return { found: cycle };
          }
          if (stamp[qs] === gen) continue;
          stamp[qs] = gen;
          parent[qs] = ps;
          via[qs] = bit;
          depth[qs] = depth[ps] + isTxn[x];
          queue[qt++] = qs;
        }
      }
    }
  }
  return null;
}

function accepts(spec: Spec, st: number, bit: number): boolean {
  if (spec.needVariant && !(st & SAW_V)) return false;
  if (spec.mode === 'nonadjacent') return bit !== RW && (st & TWO_RW) !== 0;
  if (spec.mode === 'g2') return bit === RW;
  return true;
}

/** The closed walk: the distinguished edge tail -> head, then the BFS path back to the tail. */
function reconstruct(c: Component, last: number, ns: number, parent: Int32Array, via: Uint8Array, tail: number, lastBit: number, startBit: number): Step[] {
  const back: Step[] = [];
  // The step into the tail leaves the node of `last`.
  back.push({ from: c.nodes[(last / ns) | 0], rel: lastBit });
  for (let s = last; parent[s] >= 0; s = parent[s]) back.push({ from: c.nodes[(parent[s] / ns) | 0], rel: via[s] });
  back.push({ from: c.nodes[tail], rel: startBit });
  return back.reverse();
}

function pick(walk: Step[], txnCount: number, type: string, limits: SearchLimits): Step[] | null {
  const collapsed = collapseVirtual(walk, txnCount);
  if (!collapsed) return null;
  for (const piece of simpleCycles(collapsed)) {
    if (classify(piece) !== type) continue;
    if (piece.length <= limits.maxLength) return piece;
    limits.cut = true;
  }
  return null;
}
