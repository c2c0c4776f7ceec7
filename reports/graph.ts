// A checker's dependency graph (e.g. a transactional cycle) drawn as inline SVG: nodes on a
// circle, labelled directed edges. No Graphviz, no network; every label escaped and clipped.
import { clip } from './bounded.ts';
import { escapeHtml as h } from './escape.ts';
import type { GraphView } from './explain/types.ts';

const EDGE_COLORS: Record<string, string> = { ww: '#1f77b4', wr: '#2ca02c', rw: '#d62728', realtime: '#7f7f7f', process: '#9467bd' };

export function graphSvg(g: GraphView): string {
  const n = g.nodes.length;
  const r = Math.max(90, Math.min(260, 40 * n));
  const size = 2 * r + 200;
  const c = size / 2;
  const pos = new Map(g.nodes.map((node, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, n) - Math.PI / 2;
    return [node.id, { x: c + r * Math.cos(a), y: c + r * Math.sin(a) }] as const;
  }));
  const f = (x: number) => x.toFixed(1);
  const edges = g.edges.map((e, i) => {
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    const color = EDGE_COLORS[e.type] ?? '#444';
    if (e.from === e.to) {
      return `<path d="M${f(a.x)},${f(a.y - 14)} c-30,-40 30,-40 0,0" fill="none" stroke="${color}" marker-end="url(#arrow)"/><text x="${f(a.x)}" y="${f(a.y - 48)}" class="g-edge">${h(clip(e.label, 40))}</text>`;
    }
    // Stop short of the node's circle, and bend a little so opposite edges do not overlap.
    const dx = b.x - a.x, dy = b.y - a.y, len = Math.hypot(dx, dy) || 1;
    const ux = dx / len, uy = dy / len;
    const sx = a.x + ux * 16, sy = a.y + uy * 16, tx = b.x - ux * 18, ty = b.y - uy * 18;
    const mx = (sx + tx) / 2 - uy * 18, my = (sy + ty) / 2 + ux * 18;
    return `<path d="M${f(sx)},${f(sy)} Q${f(mx)},${f(my)} ${f(tx)},${f(ty)}" fill="none" stroke="${color}" stroke-width="1.6" marker-end="url(#arrow)"><title>${h(e.type)} ${i}</title></path><text x="${f(mx)}" y="${f(my)}" class="g-edge">${h(clip(e.label, 40))}</text>`;
  });
  const nodes = g.nodes.map((node) => {
    const p = pos.get(node.id)!;
    const ops = node.ops.length ? ` (ops ${node.ops.slice(0, 5).join(', ')}${node.ops.length > 5 ? ', …' : ''})` : '';
    return `<g class="g-node"><circle cx="${f(p.x)}" cy="${f(p.y)}" r="14"/><text x="${f(p.x)}" y="${f(p.y + 30)}">${h(clip(node.label, 40))}</text><title>${h(clip(node.label, 200) + ops)}</title></g>`;
  });
  return `<svg class="graph" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" role="img"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>${edges.join('')}${nodes.join('')}</svg>`;
}
