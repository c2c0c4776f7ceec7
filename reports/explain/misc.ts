// The checks every run gets (stats, exceptions, perf), results that carry their own explanations
// (a transactional checker's cycles), and any other result: a reason in words.
import type { CheckResult } from '../../src/types.ts';
import { clip, count, short } from '../bounded.ts';
import type { Anomaly, Evidence, GraphView } from './types.ts';
import { opAt, plural, posOf, type Ctx } from './describe.ts';

type Explained = { anomalies: Anomaly[]; evidence: Evidence[]; notes: string[]; headline: string };
const reasonOf = (r: CheckResult) => clip(String(r.reason ?? r.error ?? 'the checker gave up without a reason'), 300);
const entries = (x: unknown): Array<[string, unknown]> => (x && typeof x === 'object' ? Object.keys(x).map((k) => [k, (x as Record<string, unknown>)[k]]) : []);

export function explainStats(r: CheckResult, name: string): Explained {
  const byF = entries(r['by-f']) as Array<[string, { count?: number; ok?: number; fail?: number; info?: number }]>;
  const total = Number(r.count ?? 0);
  const anomalies: Anomaly[] = [];
  if (r.valid !== true) {
    const never = byF.filter(([, c]) => !c?.ok);
    const sentence = total === 0
      ? 'No client operation completed at all, so the history says nothing about the system.'
      : `${never.slice(0, 4).map(([f, c]) => `no ${clip(f, 30)} ever succeeded (${count(Number(c?.count ?? 0))} attempted: ${count(Number(c?.fail ?? 0))} failed, ${count(Number(c?.info ?? 0))} indeterminate)`).join('; ')}${never.length > 4 ? '; …' : ''}, so the history cannot show whether ${never.length === 1 ? 'that operation behaves' : 'those operations behave'}.`;
    anomalies.push({ type: 'nothing-succeeded', checker: name, sentence: sentence.charAt(0).toUpperCase() + sentence.slice(1), ops: [], count: Math.max(1, never.length), faults: [] });
  }
  const evidence: Evidence[] = byF.length ? [{
    title: 'Completed client ops by function',
    columns: ['f', 'completed', 'ok', 'fail', 'info'],
    rows: byF.slice(0, 30).map(([f, c]) => [clip(f, 40), count(Number(c?.count ?? 0)), count(Number(c?.ok ?? 0)), count(Number(c?.fail ?? 0)), count(Number(c?.info ?? 0))]),
    total: byF.length,
  }] : [];
  const headline = r.valid === true
    ? `${plural(total, 'op')} completed: ${count(Number(r.ok ?? 0))} ok, ${count(Number(r.fail ?? 0))} failed, ${count(Number(r.info ?? 0))} indeterminate`
    : anomalies[0].sentence;
  return { anomalies, evidence, notes: [], headline };
}

export function explainExceptions(r: CheckResult, name: string): Explained {
  const groups = (Array.isArray(r.groups) ? r.groups : []) as Array<{ error?: unknown; count?: number; fs?: unknown; example?: { index?: number; process?: unknown; node?: unknown } }>;
  const ops = groups.reduce((s, g) => s + Number(g.count ?? 0), 0);
  const evidence: Evidence[] = groups.length ? [{
    title: 'Client errors, grouped by message',
    columns: ['error', 'count', 'f', 'example'],
    rows: groups.slice(0, 30).map((g) => [
      short(g.error, 160, typeof g.error === 'string'), count(Number(g.count ?? 0)),
      Array.isArray(g.fs) ? g.fs.slice(0, 5).map((f) => clip(String(f), 30)).join(', ') : '',
      g.example ? `index ${short(g.example.index, 12)}, process ${short(g.example.process, 12)}${g.example.node !== undefined ? `, ${short(g.example.node, 24, true)}` : ''}` : '',
    ]),
    total: groups.length,
  }] : [];
  const headline = r.valid !== true
    ? `${r.valid === false ? 'invalid' : 'unknown'}: ${reasonOf(r)}`
    : groups.length
      ? `${plural(groups.length, 'kind')} of client error in ${plural(ops, 'op')}; the most common: ${short(groups[0].error, 80, typeof groups[0].error === 'string')} (${count(Number(groups[0].count ?? 0))})`
      : 'no client errors';
  return { anomalies: r.valid === true ? [] : [generic(r, name)], evidence, notes: [], headline };
}

export function explainPerf(r: CheckResult, name: string): Explained {
  const lat = entries(r['latency-ms']) as Array<[string, Record<string, number>]>;
  const ms = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(1) : '');
  const evidence: Evidence[] = lat.length ? [{
    title: 'Latency (ms) by f and outcome',
    columns: ['f, outcome', 'min', 'p50', 'p95', 'p99', 'max'],
    rows: lat.slice(0, 30).map(([k, q]) => [clip(k, 50), ms(q?.['0']), ms(q?.['0.5']), ms(q?.['0.95']), ms(q?.['0.99']), ms(q?.['1'])]),
    total: lat.length,
  }] : [];
  const rate = Number(r['ok-per-s'] ?? 0);
  const headline = r.valid === true
    ? `${plural(Number(r['ops-completed'] ?? 0), 'op')} completed, ${Number.isFinite(rate) ? rate.toFixed(1) : '?'} ok/s`
    : `${r.valid === false ? 'invalid' : 'unknown'}: ${reasonOf(r)}`;
  return { anomalies: r.valid === true ? [] : [generic(r, name)], evidence, notes: [], headline };
}

/** A result carrying `explanations: [{type, sentence, ops, graph?}]` (e.g. an Elle-style checker). */
export function explainOwn(r: CheckResult, name: string, ctx: Ctx): Explained {
  const own = (r.explanations as unknown[]).slice(0, 50);
  const anomalies: Anomaly[] = [];
  const counts = new Map<string, number>();
  for (const e of r.explanations as unknown[]) {
    const t = String((e as { type?: unknown })?.type ?? 'anomaly');
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const seen = new Set<string>();
  for (const x of own) {
    if (!x || typeof x !== 'object') continue;
    const e = x as { type?: unknown; sentence?: unknown; ops?: unknown; graph?: unknown };
    const type = clip(String(e.type ?? 'anomaly'), 60);
    const ops = positions(ctx, e.ops);
    const first = !seen.has(type);
    seen.add(type);
    anomalies.push({
      type,
      checker: name,
      sentence: clip(String(e.sentence ?? `${type} (no description given)`), 600),
      ops,
      ...(first ? { count: counts.get(String(e.type ?? 'anomaly')) } : {}),
      faults: [],
      ...(ops.length ? { focus: { ops: ops.slice(0, 40), mark: ops.slice(0, 40) } } : {}),
      ...(graphOf(e.graph, ctx) ? { graph: graphOf(e.graph, ctx)! } : {}),
    });
  }
  if (!anomalies.length && r.valid !== true) anomalies.push(generic(r, name));
  const headline = r.valid === true ? 'no anomalies' : r.valid === 'unknown' && !own.length ? `unknown: ${reasonOf(r)}` : '';
  return { anomalies, evidence: [], notes: [], headline };
}

/** History indexes to positions, dropping any that are not ops of this history. */
function positions(ctx: Ctx, xs: unknown): number[] {
  if (!Array.isArray(xs)) return [];
  const out: number[] = [];
  for (const i of xs.slice(0, 200)) {
    const op = opAt(ctx, i);
    if (op) out.push(posOf(ctx, op));
  }
  return out;
}

function graphOf(g: unknown, ctx: Ctx): GraphView | undefined {
  if (!g || typeof g !== 'object') return undefined;
  const { nodes, edges } = g as { nodes?: unknown; edges?: unknown };
  if (!Array.isArray(nodes) || !Array.isArray(edges)) return undefined;
  const ns = nodes.slice(0, 40).filter((n) => n && typeof n === 'object').map((n) => {
    const x = n as { id?: unknown; label?: unknown; ops?: unknown };
    return { id: clip(String(x.id), 100), label: clip(String(x.label ?? x.id), 60), ops: positions(ctx, x.ops).slice(0, 20) };
  });
  const ids = new Set(ns.map((n) => n.id));
  const es = edges.slice(0, 120).filter((e) => e && typeof e === 'object').map((e) => {
    const x = e as { from?: unknown; to?: unknown; type?: unknown; label?: unknown };
    return { from: clip(String(x.from), 100), to: clip(String(x.to), 100), type: clip(String(x.type ?? ''), 30), label: clip(String(x.label ?? x.type ?? ''), 60) };
  }).filter((e) => ids.has(e.from) && ids.has(e.to));
  return ns.length ? { nodes: ns, edges: es } : undefined;
}

/** Any other result: its reason, or that it was invalid. */
export function generic(r: CheckResult, name: string): Anomaly {
  const why = r.reason ?? r.error;
  const sentence = r.valid === false
    ? why !== undefined ? `The ${clip(name, 40)} check found the history invalid: ${clip(String(why), 300)}.` : `The ${clip(name, 40)} check found the history invalid (see its raw result below).`
    : `The ${clip(name, 40)} check could not decide: ${reasonOf(r)}.`;
  return { type: r.valid === false ? 'invalid' : 'unknown', checker: name, sentence, ops: [], count: 1, faults: [] };
}

export function explainGeneric(r: CheckResult, name: string): Explained {
  const anomalies = r.valid === true ? [] : [generic(r, name)];
  return { anomalies, evidence: [], notes: [], headline: r.valid === true ? 'valid' : r.valid === 'unknown' ? `unknown: ${reasonOf(r)}` : '' };
}
