// perf: latency quantiles per f and outcome, throughput, and the bands of time in which each
// fault was active (for the report's shaded regions).
import type { CheckResult, Checker, History, PerfBand } from '../src/types.ts';
import { pairIndex } from '../src/history.ts';

export interface Band { name: string; color: string; start: number; end: number }
export interface LatencyPoint { time: number; latency: number; f: string; type: string; process: number | string }

/** Completed client ops as (time of invocation in s, latency in ms). */
export function latencies(history: History): LatencyPoint[] {
  const pair = pairIndex(history);
  const out: LatencyPoint[] = [];
  for (let i = 0; i < history.length; i++) {
    const op = history[i];
    if (op.type !== 'invoke' || op.process === 'nemesis' || pair[i] < 0) continue;
    const done = history[pair[i]];
    out.push({ time: op.time / 1e9, latency: (done.time - op.time) / 1e6, f: op.f, type: done.type, process: op.process });
  }
  return out;
}

/** Intervals in which each fault was active: from a start op's completion to a stop op's completion. */
export function nemesisBands(history: History, perf: readonly PerfBand[]): Band[] {
  const open = new Map<string, number>();
  const out: Band[] = [];
  let end = 0;
  for (const op of history) {
    end = Math.max(end, op.time);
    if (op.process !== 'nemesis' || op.type === 'invoke') continue;
    for (const b of perf) {
      if (b.start.includes(op.f) && !open.has(b.name)) open.set(b.name, op.time);
      else if (b.stop.includes(op.f) && open.has(b.name)) {
        out.push({ name: b.name, color: b.color, start: open.get(b.name)! / 1e9, end: op.time / 1e9 });
        open.delete(b.name);
      }
    }
  }
  for (const [name, start] of open) {
    const b = perf.find((x) => x.name === name)!;
    out.push({ name, color: b.color, start: start / 1e9, end: end / 1e9 });
  }
  return out.sort((a, b) => a.start - b.start);
}

export function quantiles(xs: number[], qs = [0, 0.5, 0.95, 0.99, 1]): Record<string, number> {
  const s = Float64Array.from(xs).sort();
  const out: Record<string, number> = {};
  for (const q of qs) out[String(q)] = s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
  return out;
}

/** Latencies grouped by "f outcome" (e.g. "add ok"). */
export function latencyGroups(points: readonly LatencyPoint[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const p of points) {
    const k = `${p.f} ${p.type}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(p.latency);
  }
  return groups;
}

export function checkPerf(history: History, perf: readonly PerfBand[] = []) {
  const lat = latencies(history);
  const groups = latencyGroups(lat);
  const duration = history.length ? history[history.length - 1].time / 1e9 : 0;
  const ok = lat.filter((p) => p.type === 'ok').length;
  const result: CheckResult & Record<string, unknown> = {
    valid: true,
    'duration-s': duration,
    'ops-completed': lat.length,
    'ok-per-s': duration > 0 ? ok / duration : 0,
    'latency-ms': Object.fromEntries([...groups].map(([k, v]) => [k, quantiles(v)])),
    bands: nemesisBands(history, perf),
  };
  return result;
}

export function perfChecker(perf: readonly PerfBand[]): Checker {
  return { check: (_t, h) => checkPerf(h, perf) };
}
