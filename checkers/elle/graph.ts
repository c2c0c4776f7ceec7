// A compact directed graph over dense integer nodes: edges collected into growable typed arrays,
// then packed (compressed sparse rows) with the relationships of parallel edges OR-ed together.
// Strongly connected components by an iterative Tarjan (no recursion, so any depth is fine).
import { i32, u8 } from './arena.ts';

/** Edges collected before packing. */
export class EdgeList {
  src: Int32Array;
  dst: Int32Array;
  rel: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.src = i32(capacity);
    this.dst = i32(capacity);
    this.rel = u8(capacity);
  }

  add(a: number, b: number, rel: number): void {
    if (this.length === this.src.length) this.grow();
    this.src[this.length] = a;
    this.dst[this.length] = b;
    this.rel[this.length] = rel;
    this.length++;
  }

  private grow(): void {
    const cap = this.src.length * 2;
    const s = i32(cap);
    s.set(this.src);
    const d = i32(cap);
    d.set(this.dst);
    const r = u8(cap);
    r.set(this.rel);
    this.src = s;
    this.dst = d;
    this.rel = r;
  }
}

export interface Graph {
  n: number;
  /** Out-edges of v are off[v] .. off[v+1]-1. */
  off: Int32Array;
  dst: Int32Array;
  rel: Uint8Array;
}

/** Packs an edge list (self-edges dropped, parallel edges merged). */
export function packGraph(n: number, edges: EdgeList): Graph {
  const m = edges.length;
  const count = i32(n + 1);
  for (let i = 0; i < m; i++) if (edges.src[i] !== edges.dst[i]) count[edges.src[i] + 1]++;
  for (let v = 0; v < n; v++) count[v + 1] += count[v];
  const fill = i32(n);
  fill.set(count.subarray(0, n));
  const dst = i32(count[n]);
  const rel = u8(count[n]);
  for (let i = 0; i < m; i++) {
    const a = edges.src[i];
    const b = edges.dst[i];
    if (a === b) continue;
    dst[fill[a]] = b;
    rel[fill[a]] = edges.rel[i];
    fill[a]++;
  }
  return dedupe(n, count, dst, rel);
}

/** Merges parallel edges in place (per node, a stamp array remembers where each target went). */
function dedupe(n: number, off: Int32Array, dst: Int32Array, rel: Uint8Array): Graph {
  const lastSrc = i32(n).fill(-1);
  const at = i32(n);
  const outOff = i32(n + 1);
  let w = 0;
  for (let v = 0; v < n; v++) {
    outOff[v] = w;
    for (let e = off[v]; e < off[v + 1]; e++) {
      const b = dst[e];
      if (lastSrc[b] === v) {
        rel[at[b]] |= rel[e];
        continue;
      }
      lastSrc[b] = v;
      at[b] = w;
      dst[w] = b;
      rel[w] = rel[e];
      w++;
    }
  }
  outOff[n] = w;
  return { n, off: outOff, dst: dst.subarray(0, w), rel: rel.subarray(0, w) };
}

export interface Components {
  /** Component of each node; components are numbered sinks first (reverse topological). */
  comp: Int32Array;
  count: number;
  size: Int32Array;
}

/** Tarjan's strongly connected components, iteratively. Only edges whose relationship intersects
 *  `mask` are followed. */
export function tarjan(g: Graph, mask = 0xff): Components {
  const { n, off, dst, rel } = g;
  const index = i32(n).fill(-1);
  const low = i32(n);
  const comp = i32(n).fill(-1);
  const stack = i32(n);
  const callNode = i32(n);
  const callEdge = i32(n);
  let sp = 0;
  let next = 0;
  let count = 0;
  const sizes = i32(n);
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue;
    let depth = 0;
    callNode[0] = root;
    callEdge[0] = off[root];
    index[root] = low[root] = next++;
    stack[sp++] = root;
    while (depth >= 0) {
      const v = callNode[depth];
      let e = callEdge[depth];
      let descended = false;
      for (; e < off[v + 1]; e++) {
        if ((rel[e] & mask) === 0) continue;
        const w = dst[e];
        if (index[w] < 0) {
          callEdge[depth] = e + 1;
          index[w] = low[w] = next++;
          stack[sp++] = w;
          depth++;
          callNode[depth] = w;
          callEdge[depth] = off[w];
          descended = true;
          break;
        } else if (comp[w] < 0 && index[w] < low[v]) {
          low[v] = index[w];
        }
      }
      if (descended) continue;
      if (low[v] === index[v]) {
        let size = 0;
        let w: number;
        do {
          w = stack[--sp];
          comp[w] = count;
          size++;
        } while (w !== v);
        sizes[count++] = size;
      }
      depth--;
      if (depth >= 0) {
        const u = callNode[depth];
        if (low[v] < low[u]) low[u] = low[v];
      }
    }
  }
  return { comp, count, size: sizes.subarray(0, count) };
}

/** The members of every component with more than one node, as lists. */
export function nontrivialComponents(c: Components): Int32Array[] {
  const slot = i32(c.count).fill(-1);
  const lists: Int32Array[] = [];
  const fill: number[] = [];
  for (let i = 0; i < c.count; i++) {
    if (c.size[i] < 2) continue;
    slot[i] = lists.length;
    lists.push(new Int32Array(c.size[i]));
    fill.push(0);
  }
  if (lists.length === 0) return lists;
  for (let v = 0; v < c.comp.length; v++) {
    const s = slot[c.comp[v]];
    if (s >= 0) lists[s][fill[s]++] = v;
  }
  return lists;
}

/** The subgraph induced by `nodes` (local ids 0..k-1 in the order given), keeping only edges whose
 *  relationship intersects `mask` (and only those bits). */
export function induced(g: Graph, nodes: Int32Array, mask = 0xff, scratch?: Int32Array): Graph {
  const local = scratch ?? new Int32Array(g.n).fill(-1);
  for (let i = 0; i < nodes.length; i++) local[nodes[i]] = i;
  const k = nodes.length;
  const off = new Int32Array(k + 1);
  let m = 0;
  for (let i = 0; i < k; i++) {
    const v = nodes[i];
    for (let e = g.off[v]; e < g.off[v + 1]; e++) if (g.rel[e] & mask && local[g.dst[e]] >= 0) m++;
  }
  const dst = new Int32Array(m);
  const rel = new Uint8Array(m);
  m = 0;
  for (let i = 0; i < k; i++) {
    off[i] = m;
    const v = nodes[i];
    for (let e = g.off[v]; e < g.off[v + 1]; e++) {
      const r = g.rel[e] & mask;
      const w = local[g.dst[e]];
      if (r && w >= 0) {
        dst[m] = w;
        rel[m] = r;
        m++;
      }
    }
  }
  off[k] = m;
  for (let i = 0; i < k; i++) local[nodes[i]] = -1;
  return { n: k, off, dst, rel };
}
