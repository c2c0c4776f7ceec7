// The counter's evidence chart: the acknowledged sum over time (what a read should at least
// return) against the values reads returned, by node. Where the points fall below the line the
// counter fell short. Bounded: both series are thinned to a few thousand points.
import type { History } from '../src/types.ts';
import { pairIndex } from '../src/history.ts';
import { clip } from './bounded.ts';

const MAX_READS = 1500;
const MAX_SUM = 800;

function thin<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  const step = xs.length / n;
  return Array.from({ length: n }, (_, i) => xs[Math.floor(i * step)]);
}

export function counterChartSpec(history: History): Record<string, unknown> | null {
  const pairs = pairIndex(history);
  const sums: Array<{ time: number; sum: number }> = [];
  const reads: Array<{ time: number; value: number; node: string }> = [];
  let sum = 0;
  for (let i = 0; i < history.length; i++) {
    const op = history[i];
    if (op.process === 'nemesis' || op.type !== 'ok' || !Number.isFinite(op.time)) continue;
    if (op.f === 'add') {
      const inv = pairs[i] >= 0 ? history[pairs[i]] : op;
      const d = Number(inv.value);
      if (Number.isFinite(d)) sums.push({ time: op.time / 1e9, sum: (sum += d) });
    } else if (op.f === 'read' && typeof op.value === 'number' && Number.isFinite(op.value)) {
      reads.push({ time: op.time / 1e9, value: op.value, node: clip(String(op.node ?? '?'), 24) });
    }
  }
  if (!reads.length || !sums.length) return null;
  const s = thin(sums, MAX_SUM);
  if (s[s.length - 1] !== sums[sums.length - 1]) s.push(sums[sums.length - 1]);
  const r = thin(reads, MAX_READS);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 240,
    layer: [
      {
        data: { values: s },
        mark: { type: 'line', interpolate: 'step-after', color: '#333' },
        encoding: {
          x: { field: 'time', type: 'quantitative', title: 'time (s)' },
          y: { field: 'sum', type: 'quantitative', title: 'counter' },
          tooltip: [{ field: 'time', format: '.3f' }, { field: 'sum', title: 'acknowledged sum' }],
        },
      },
      {
        data: { values: r },
        mark: { type: 'point', filled: true, size: 16, opacity: 0.7 },
        encoding: {
          x: { field: 'time', type: 'quantitative' },
          y: { field: 'value', type: 'quantitative' },
          color: { field: 'node', type: 'nominal', title: 'read from' },
          tooltip: [{ field: 'time', format: '.3f' }, { field: 'value', title: 'read' }, { field: 'node' }],
        },
      },
    ],
  };
}
