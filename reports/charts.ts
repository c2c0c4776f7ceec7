// Chart data and Vega-Lite specs: latency over time, throughput over time (both with shaded
// bands where faults were active), latency quantiles. Charts are downsampled; checks never are.
import type { History, PerfBand } from '../src/types.ts';
import { latencies, latencyGroups, nemesisBands, quantiles, type Band, type LatencyPoint } from '../checkers/perf.ts';

const MAX_POINTS = 20_000;

export interface ChartData {
  points: LatencyPoint[];
  throughput: Array<{ second: number; series: string; rate: number }>;
  quantiles: Array<{ series: string; q: string; latency: number }>;
  bands: Band[];
  /** Each node's clock offset over time, when the clock nemesis ran. */
  clock: Array<{ time: number; node: string; offset: number }>;
}

/** Node clock offsets from the clock nemesis's ops: each completion carries every node's offset;
 *  a strobe flips between its base and base + delta until it completes (drawn as the two ends). */
export function clockOffsets(history: History): ChartData['clock'] {
  const out: ChartData['clock'] = [];
  let last: Record<string, number> | null = null;
  for (const op of history) {
    if (op.process !== 'nemesis' || !['bump', 'strobe', 'reset'].includes(op.f)) continue;
    const t = op.time / 1e9;
    if (op.type === 'invoke') {
      if (op.f === 'strobe' && last) {
        const spec = op.value as { nodes?: Record<string, { delta: number }> } | null;
        for (const [node, { delta }] of Object.entries(spec?.nodes ?? {})) out.push({ time: t, node, offset: (last[node] ?? 0) + delta });
      }
      continue;
    }
    const offsets = (op.value as { offsets?: Record<string, number> } | null)?.offsets;
    if (!offsets) continue;
    if (!last) for (const node of Object.keys(offsets)) out.push({ time: 0, node, offset: 0 });
    for (const [node, offset] of Object.entries(offsets)) out.push({ time: t, node, offset });
    last = offsets;
  }
  return out;
}

export function chartData(history: History, perf: readonly PerfBand[]): ChartData {
  const all = latencies(history);
  // Keep every non-ok op (they are the interesting ones) and an even sample of the rest.
  const notOk = all.filter((p) => p.type !== 'ok');
  const ok = all.filter((p) => p.type === 'ok');
  const room = Math.max(1000, MAX_POINTS - notOk.length);
  const step = Math.max(1, Math.ceil(ok.length / room));
  const points = [...ok.filter((_, i) => i % step === 0), ...notOk.slice(0, MAX_POINTS)].map((p) => ({
    ...p,
    latency: Math.max(p.latency, 0.01),
  }));

  const buckets = new Map<string, number>();
  for (const p of all) {
    const k = `${Math.floor(p.time)}|${p.f} ${p.type}`;
    buckets.set(k, (buckets.get(k) ?? 0) + 1);
  }
  // Every series gets every second, zeros included: a step line must not bridge idle seconds.
  const seriesNames = [...new Set(all.map((p) => `${p.f} ${p.type}`))].sort();
  const lastSecond = all.reduce((m, p) => Math.max(m, Math.floor(p.time)), 0);
  const throughput: ChartData['throughput'] = [];
  for (const series of seriesNames) {
    for (let second = 0; second <= lastSecond; second++) throughput.push({ second, series, rate: buckets.get(`${second}|${series}`) ?? 0 });
  }

  const qs: ChartData['quantiles'] = [];
  for (const [series, xs] of latencyGroups(all)) {
    for (const [q, v] of Object.entries(quantiles(xs, [0.5, 0.95, 0.99, 1]))) qs.push({ series, q: q === '1' ? 'max' : `p${Number(q) * 100}`, latency: v });
  }
  return { points, throughput, quantiles: qs, bands: nemesisBands(history, perf), clock: clockOffsets(history) };
}

function bandLayer(bands: Band[], perf: readonly PerfBand[]) {
  return {
    data: { values: bands },
    mark: { type: 'rect', opacity: 0.3 },
    encoding: {
      x: { field: 'start', type: 'quantitative' },
      x2: { field: 'end' },
      color: {
        field: 'name', type: 'nominal', title: 'fault',
        scale: { domain: perf.map((p) => p.name), range: perf.map((p) => p.color) },
      },
      tooltip: [{ field: 'name' }, { field: 'start', format: '.2f' }, { field: 'end', format: '.2f' }],
    },
  };
}

export function chartSpecs(d: ChartData, perf: readonly PerfBand[]): Record<string, unknown> {
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', height: 260 };
  const layered = (layer: unknown) => ({ ...base, layer: perf.length ? [bandLayer(d.bands, perf), layer] : [layer], resolve: { scale: { color: 'independent' } } });
  return {
    latency: layered({
      data: { values: d.points },
      mark: { type: 'point', filled: true, size: 14, opacity: 0.7 },
      encoding: {
        x: { field: 'time', type: 'quantitative', title: 'time (s)' },
        y: { field: 'latency', type: 'quantitative', title: 'latency (ms)', scale: { type: 'log' } },
        color: { field: 'f', type: 'nominal', title: 'f' },
        shape: { field: 'type', type: 'nominal', title: 'outcome', scale: { domain: ['ok', 'fail', 'info'], range: ['circle', 'triangle-down', 'square'] } },
        tooltip: [{ field: 'f' }, { field: 'type' }, { field: 'process' }, { field: 'time', format: '.3f' }, { field: 'latency', format: '.2f' }],
      },
    }),
    throughput: layered({
      data: { values: d.throughput },
      mark: { type: 'line', point: false, interpolate: 'step-after' },
      encoding: {
        x: { field: 'second', type: 'quantitative', title: 'time (s)' },
        y: { field: 'rate', type: 'quantitative', title: 'ops/s' },
        color: { field: 'series', type: 'nominal', title: 'f, outcome' },
      },
    }),
    ...(d.clock.length ? {
      clock: layered({
        data: { values: d.clock },
        mark: { type: 'line', interpolate: 'step-after', point: true },
        encoding: {
          x: { field: 'time', type: 'quantitative', title: 'time (s)' },
          y: { field: 'offset', type: 'quantitative', title: 'clock offset (ms)' },
          color: { field: 'node', type: 'nominal', title: 'node' },
          tooltip: [{ field: 'node' }, { field: 'time', format: '.2f' }, { field: 'offset', title: 'offset (ms)' }],
        },
      }),
    } : {}),
    quantiles: {
      ...base,
      data: { values: d.quantiles },
      // Points, not bars: bars start at 0, which a log scale cannot show.
      mark: { type: 'point', filled: true, size: 90 },
      encoding: {
        x: { field: 'series', type: 'nominal', title: 'f, outcome', axis: { labelAngle: 0 } },
        y: { field: 'latency', type: 'quantitative', title: 'latency (ms)', scale: { type: 'log' } },
        color: { field: 'q', type: 'nominal', sort: ['p50', 'p95', 'p99', 'max'], title: 'quantile' },
        tooltip: [{ field: 'series' }, { field: 'q' }, { field: 'latency', format: '.2f' }],
      },
    },
  };
}
