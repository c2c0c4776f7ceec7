// Maelstrom's broadcast topologies (--topology): for each node, the neighbours the `topology`
// message suggests it talk to. The shapes and neighbour orders are Maelstrom's:
//
//   grid          a roughly square grid, row-major, ceil(sqrt(n)) wide: below, above, right, left
//   line          a chain: the first and last have one neighbour, the others [left, right]
//   tree, tree2   a tree of branching 2 filled tier by tier (1, 2, 4, ...): [parent, children...]
//   tree3, tree4  branching 3 and 4
//   total         everyone else
export const TOPOLOGIES = ['grid', 'line', 'tree', 'tree2', 'tree3', 'tree4', 'total'] as const;
export type TopologyName = (typeof TOPOLOGIES)[number];

/** node → neighbours, as a null-prototype record (node names are data). */
export type Topology = Record<string, string[]>;

const record = (entries: Array<[string, string[]]>): Topology => {
  const t = Object.create(null) as Topology;
  for (const [k, v] of entries) t[k] = v;
  return t;
};

export function gridTopology(nodes: readonly string[]): Topology {
  const n = nodes.length;
  const side = Math.ceil(Math.sqrt(n));
  const at = (i: number, j: number): string | null => {
    if (i < 0 || j < 0 || j >= side) return null;
    const idx = i * side + j;
    return idx < n ? nodes[idx] : null;
  };
  const out: Array<[string, string[]]> = [];
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const me = at(i, j);
      if (me === null) continue;
      out.push([me, [at(i + 1, j), at(i - 1, j), at(i, j + 1), at(i, j - 1)].filter((x): x is string => x !== null)]);
    }
  }
  return record(out);
}

export function lineTopology(nodes: readonly string[]): Topology {
  const n = nodes.length;
  if (n < 2) return record([]);
  return record(nodes.map((me, i) => [me, i === 0 ? [nodes[1]] : i === n - 1 ? [nodes[n - 2]] : [nodes[i - 1], nodes[i + 1]]]));
}

export function totalTopology(nodes: readonly string[]): Topology {
  return record(nodes.map((me) => [me, nodes.filter((x) => x !== me)]));
}

/** Tiers of sizes 1, b, b², ...; the p-th node of a tier has the p-th run of b nodes of the next
 *  tier as its children. */
export function treeTopology(b: number, nodes: readonly string[]): Topology {
  const tiers: string[][] = [];
  for (let i = 0, size = 1; i < nodes.length; i += size, size *= b) tiers.push(nodes.slice(i, i + size));
  const out: Array<[string, string[]]> = [];
  tiers.forEach((tier, t) => {
    tier.forEach((me, p) => {
      const parent = t > 0 ? [tiers[t - 1][Math.floor(p / b)]] : [];
      const children = t + 1 < tiers.length ? tiers[t + 1].slice(p * b, p * b + b) : [];
      out.push([me, [...parent, ...children]]);
    });
  });
  return record(out);
}

export function topology(name: TopologyName, nodes: readonly string[]): Topology {
  switch (name) {
    case 'grid':
      return gridTopology(nodes);
    case 'line':
      return lineTopology(nodes);
    case 'total':
      return totalTopology(nodes);
    case 'tree':
    case 'tree2':
      return treeTopology(2, nodes);
    case 'tree3':
      return treeTopology(3, nodes);
    case 'tree4':
      return treeTopology(4, nodes);
  }
}
