// Chart data and Vega-Lite specs: latency over time, throughput over time (both with shaded
// bands where faults were active), latency quantiles, node clock offsets. Bounded whatever the
// history: the time axis spans the data's real range, throughput bins and plotted points are
// capped, series beyond the busiest few are merged, and every name is clipped. Charts are
// downsampled; checks never are. The specs are Vega-Lite; reports/vega-compile.ts turns them
// into Vega for the page.
import type { History, PerfBand } from '../src/types.ts';
import { latencies, latencyGroups, quantiles, type LatencyPoint } from '../checkers/perf.ts';
import { clip } from './bounded.ts';
import type { FaultInterval } from './explain/faults.ts';

const MAX_POINTS = 2000;
const MAX_NOT_OK = 1000;
const MAX_BINS = 100;
const MAX_SERIES = 10;
const MAX_BANDS = 200;
const MAX_CLOCK = 2000;
const NAME = 24;

export type Row = Record<string, number | string>;

export interface ChartData {
  /** Seconds: the real span of the client ops. */
  domain: [number, number];
  binSeconds: number;
  points: Row[]; // time, latency, f, type, process
  throughput: Row[]; // time, series, rate
  quantiles: Row[]; // series, q, latency
  bands: Row[]; // name, start, end, text
  clock: Row[]; // time, node, offset
}

/** 1, 2 or 5 times a power of ten, at least x. */
export function niceStep(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

/** Every k-th element so that at most n remain. */
function thin<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  const step = xs.length / n;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.floor(i * step)]);
  return out;
}

function columns<T>(rows: T[], pick: Record<string, (r: T) => number | string>): Row[] {
  const keys = Object.keys(pick);
  return rows.map((r) => Object.fromEntries(keys.map((k) => [k, pick[k](r)])));
}

/** Node clock offsets from the clock nemesis's ops (each completion carries every node's offset). */
function clockOffsets(history: History): Array<{ time: number; node: string; offset: number }> {
  const out: Array<{ time: number; node: string; offset: number }> = [];
  let first = true;
  for (const op of history) {
    if (op.process !== 'nemesis' || op.type === 'invoke' || !['bump', 'strobe', 'reset'].includes(op.f)) continue;
    const offsets = (op.value as { offsets?: unknown } | null)?.offsets;
    if (!offsets || typeof offsets !== 'object' || !Number.isFinite(op.time)) continue;
    const entries = Object.keys(offsets).slice(0, 20).map((k) => [k, (offsets as Record<string, unknown>)[k]] as const).filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
    if (first) for (const [node] of entries) out.push({ time: 0, node: clip(node, NAME), offset: 0 });
    first = false;
    for (const [node, offset] of entries) out.push({ time: op.time / 1e9, node: clip(node, NAME), offset: offset as number });
  }
  return thin(out, MAX_CLOCK);
}

export function chartData(history: History, faults: readonly FaultInterval[]): ChartData {
  const all = latencies(history).filter((p) => Number.isFinite(p.time) && Number.isFinite(p.latency));
  let t0 = Infinity, t1 = -Infinity;
  for (const p of all) {
    if (p.time < t0) t0 = p.time;
    if (p.time > t1) t1 = p.time;
  }
  if (!all.length) t0 = t1 = 0;
  // Far from zero, t0 + 1 can equal t0: widen relative to the magnitude.
  if (!(t1 - t0 > Math.abs(t0) * 1e-12)) t1 = t0 + Math.max(1, Math.abs(t0) * 1e-9);

  // The busiest series keep their names; the rest are "other".
  const seriesOf = (p: LatencyPoint) => `${clip(String(p.f), NAME)} ${p.type}`;
  const sizes = new Map<string, number>();
  for (const p of all) sizes.set(seriesOf(p), (sizes.get(seriesOf(p)) ?? 0) + 1);
  const kept = new Set([...sizes].sort((a, b) => b[1] - a[1]).slice(0, MAX_SERIES).map(([s]) => s));
  const series = (p: LatencyPoint) => (kept.has(seriesOf(p)) ? seriesOf(p) : 'other');

  // Keep the non-ok ops (the interesting ones) up to a share, and an even sample of the rest.
  const notOk = thin(all.filter((p) => p.type !== 'ok'), MAX_NOT_OK);
  const ok = thin(all.filter((p) => p.type === 'ok'), MAX_POINTS - notOk.length);
  const points = columns([...ok, ...notOk], {
    time: (p) => p.time, latency: (p) => Math.max(p.latency, 0.01), f: (p) => clip(String(p.f), NAME), type: (p) => p.type, process: (p) => clip(String(p.process), 12),
  });

  // About 60 bins over the run (a tenth of a second at least, MAX_BINS at most).
  const binSeconds = Math.max(0.1, niceStep((t1 - t0) / 60));
  const first = Math.floor(t0 / binSeconds);
  const bins = Math.min(MAX_BINS + 2, Math.floor(t1 / binSeconds) - first + 1);
  const counts = new Map<string, Float64Array>();
  for (const p of all) {
    const s = series(p);
    let c = counts.get(s);
    if (!c) counts.set(s, (c = new Float64Array(bins)));
    c[Math.min(bins - 1, Math.max(0, Math.floor(p.time / binSeconds) - first))]++;
  }
  const tp: Array<{ time: number; series: string; rate: number }> = [];
  // Every series gets every bin, zeros included: a step line must not bridge idle bins.
  for (const [s, c] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    for (let i = 0; i < bins; i++) tp.push({ time: (first + i) * binSeconds, series: s, rate: c[i] / binSeconds });
  }

  const qs: Array<{ series: string; q: string; latency: number }> = [];
  const grouped = latencyGroups(all.map((p) => ({ ...p, f: series(p), type: '' })));
  for (const [s, xs] of grouped) {
    for (const [q, v] of Object.entries(quantiles(xs, [0.5, 0.95, 0.99, 1]))) qs.push({ series: s.trimEnd(), q: q === '1' ? 'max' : `p${Number(q) * 100}`, latency: Math.max(v, 0.01) });
  }

  const bands = faults.slice(0, MAX_BANDS).map((f) => ({ name: clip(f.name, NAME), start: Math.max(t0, f.start / 1e9), end: Math.min(t1, f.end / 1e9), text: clip(f.text, 80) })).filter((b) => b.end >= b.start);
  return {
    domain: [t0, t1],
    binSeconds,
    points,
    throughput: columns(tp, { time: (r) => r.time, series: (r) => r.series, rate: (r) => r.rate }),
    quantiles: columns(qs, { series: (r) => r.series, q: (r) => r.q, latency: (r) => r.latency }),
    bands: columns(bands, { name: (b) => b.name, start: (b) => b.start, end: (b) => b.end, text: (b) => b.text }),
    clock: columns(clockOffsets(history), { time: (r) => r.time, node: (r) => r.node, offset: (r) => r.offset }),
  };
}

const rows = (c: Row[]) => c.length;

export function chartSpecs(d: ChartData, perf: readonly PerfBand[]): Record<string, unknown> {
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', height: 240 };
  const x = (title: string) => ({ field: 'time', type: 'quantitative', title, scale: { domain: d.domain, nice: false, zero: false } });
  const names = [...new Set(perf.map((p) => clip(p.name, NAME)))];
  const bandLayer = {
    data: { values: d.bands },
    mark: { type: 'rect', opacity: 0.3, clip: true },
    encoding: {
      x: { field: 'start', type: 'quantitative', scale: { domain: d.domain, nice: false, zero: false } },
      x2: { field: 'end' },
      color: {
        field: 'name', type: 'nominal', title: 'fault',
        ...(names.length ? { scale: { domain: names, range: names.map((n) => perf.find((p) => clip(p.name, NAME) === n)!.color) } } : {}),
      },
      tooltip: [{ field: 'text', title: 'fault' }, { field: 'start', format: '.2f' }, { field: 'end', format: '.2f' }],
    },
  };
  const layered = (layer: Record<string, unknown>) => ({ ...base, layer: rows(d.bands) ? [bandLayer, layer] : [layer], resolve: { scale: { color: 'independent' } } });
  return {
    latency: layered({
      data: { values: d.points },
      mark: { type: 'point', filled: true, size: 14, opacity: 0.7, clip: true },
      encoding: {
        x: x('time (s)'),
        y: { field: 'latency', type: 'quantitative', title: 'latency (ms)', scale: { type: 'log' } },
        color: { field: 'f', type: 'nominal', title: 'f' },
        shape: { field: 'type', type: 'nominal', title: 'outcome', scale: { domain: ['ok', 'fail', 'info'], range: ['circle', 'triangle-down', 'square'] } },
        tooltip: [{ field: 'f' }, { field: 'type' }, { field: 'process' }, { field: 'time', format: '.3f' }, { field: 'latency', format: '.2f' }],
      },
    }),
    throughput: layered({
      data: { values: d.throughput },
      mark: { type: 'line', interpolate: 'step-after', clip: true },
      encoding: {
        x: x(`time (s), ${d.binSeconds} s bins`),
        y: { field: 'rate', type: 'quantitative', title: 'ops/s' },
        color: { field: 'series', type: 'nominal', title: 'f, outcome' },
      },
    }),
    ...(rows(d.clock) ? {
      clock: layered({
        data: { values: d.clock },
        mark: { type: 'line', interpolate: 'step-after', point: true, clip: true },
        encoding: {
          x: x('time (s)'),
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
        x: { field: 'series', type: 'nominal', title: 'f, outcome', axis: { labelAngle: 0, labelLimit: 160 } },
        y: { field: 'latency', type: 'quantitative', title: 'latency (ms)', scale: { type: 'log' } },
        color: { field: 'q', type: 'nominal', sort: ['p50', 'p95', 'p99', 'max'], title: 'quantile' },
        tooltip: [{ field: 'series' }, { field: 'q' }, { field: 'latency', format: '.2f' }],
      },
    },
  };
}
