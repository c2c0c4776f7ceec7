// The faults of a run as intervals with words: from the nemesis ops in the history and the run's
// fault bands (which ops start and stop which fault). A fault is active from its start op's
// completion to its stop op's completion (to the end of the history when never stopped), as the
// charts' shaded bands are.
import type { History, Op, PerfBand } from '../../src/types.ts';
import { clip, short } from '../bounded.ts';

export interface FaultInterval {
  name: string;
  color: string;
  start: number; // ns
  end: number; // ns
  startIndex: number;
  endIndex: number | null;
  /** Nodes it touched (killed, paused, cut off...), when the op says. */
  nodes: string[];
  /** "a partition n1,n2 | n3,n4,n5", "a pause of n3". */
  text: string;
}

const MAX_INTERVALS = 2000;
const MAX_NODES = 12;
const FALLBACK_COLORS = ['#f4a6a6', '#a6c8f4', '#f4d6a6', '#c9b3e6', '#b8e0b0'];

/** Without bands (an imported history), nemesis ops pair by name: start-x/stop-x, start/stop, pause/resume. */
function fallbackBands(history: History): PerfBand[] {
  const fs = new Set<string>();
  for (const op of history) if (op.process === 'nemesis' && typeof op.f === 'string') fs.add(op.f);
  const bands: PerfBand[] = [];
  for (const f of fs) {
    const m = /^start[-_](.+)$/.exec(f);
    if (m && fs.has(`stop-${m[1]}`)) bands.push({ name: m[1], start: [f], stop: [`stop-${m[1]}`], color: '' });
    else if (m && fs.has(`stop_${m[1]}`)) bands.push({ name: m[1], start: [f], stop: [`stop_${m[1]}`], color: '' });
  }
  if (fs.has('start') && fs.has('stop')) bands.push({ name: 'fault', start: ['start'], stop: ['stop'], color: '' });
  if (fs.has('pause') && fs.has('resume')) bands.push({ name: 'pause', start: ['pause'], stop: ['resume'], color: '' });
  return bands.map((b, i) => ({ ...b, color: FALLBACK_COLORS[i % FALLBACK_COLORS.length] }));
}

const nodeList = (xs: unknown): string[] =>
  Array.isArray(xs) ? xs.filter((x): x is string => typeof x === 'string').slice(0, MAX_NODES).map((n) => clip(n, 24)) : [];

const joinNodes = (ns: string[]) => ns.join(', ');

/** Words for a fault from its start op's value. */
export function describeFault(name: string, value: unknown): { text: string; nodes: string[] } {
  const v = value as Record<string, unknown> | null;
  if (v && typeof v === 'object' && !Array.isArray(v) && v.grudge && typeof v.grudge === 'object') {
    const grudge = v.grudge as Record<string, unknown>;
    const nodes = Object.keys(grudge).sort().slice(0, MAX_NODES);
    const shape = typeof v.shape === 'string' ? v.shape : '';
    if (shape === 'bridge' || shape === 'majorities-ring') {
      return { text: `a ${clip(shape, 20)} partition of ${joinNodes(nodes.map((n) => clip(n, 24)))}`, nodes };
    }
    // Components: nodes that cannot hear the same set of nodes are on the same side.
    const sides = new Map<string, string[]>();
    for (const n of nodes) {
      const cut = nodeList(grudge[n]).sort().join(',');
      sides.set(cut, [...(sides.get(cut) ?? []), clip(n, 24)]);
    }
    return { text: `a partition ${[...sides.values()].map((s) => s.join(',')).join(' | ')}`, nodes };
  }
  if (Array.isArray(value)) {
    const nodes = nodeList(value);
    if (nodes.length) return { text: `a ${clip(name, 30)} of ${joinNodes(nodes)}`, nodes };
  }
  if (v && typeof v === 'object' && Array.isArray(v.targets)) {
    const nodes = nodeList(v.targets);
    const kind = typeof v.kind === 'string' ? `${clip(v.kind, 20)} ` : '';
    return { text: `packet ${kind}faults on the links of ${joinNodes(nodes)}`, nodes };
  }
  if (name === 'clock' && v && typeof v === 'object') {
    const spec = (v.nodes && typeof v.nodes === 'object' ? v.nodes : v) as Record<string, unknown>;
    const nodes = Object.keys(spec).slice(0, MAX_NODES);
    const bits = nodes.map((n) => (typeof spec[n] === 'number' ? `${clip(n, 24)} ${Number(spec[n]) >= 0 ? '+' : ''}${spec[n]} ms` : clip(n, 24)));
    return { text: `a clock ${v.nodes ? 'strobe' : 'bump'} (${bits.join(', ')})`, nodes };
  }
  const what = name === 'fault' ? 'a fault' : `a ${clip(name, 30)} fault`;
  return { text: `${what}${value === null || value === undefined ? '' : ` (${short(value, 40)})`}`, nodes: [] };
}

/** The fault intervals of a history, in order of start. */
export function faultIntervals(history: History, perf: readonly PerfBand[]): FaultInterval[] {
  const bands = perf.length ? perf : fallbackBands(history);
  if (!bands.length) return [];
  const open = new Map<string, { op: Op; inv: Op | undefined }>();
  const lastInvoke = new Map<string, Op>();
  const out: FaultInterval[] = [];
  let end = 0;
  const close = (name: string, stopAt: number, stopIndex: number | null) => {
    const o = open.get(name)!;
    const b = bands.find((x) => x.name === name)!;
    const d = describeFault(name, o.inv?.value ?? o.op.value);
    // A kill's completion often names the nodes actually killed: prefer it when the invocation did not.
    const nodes = d.nodes.length ? d.nodes : describeFault(name, o.op.value).nodes;
    if (out.length < MAX_INTERVALS) out.push({ name, color: b.color, start: o.op.time, end: stopAt, startIndex: o.op.index, endIndex: stopIndex, nodes, text: d.text });
    open.delete(name);
  };
  for (const op of history) {
    if (Number.isFinite(op.time)) end = Math.max(end, op.time);
    if (op.process !== 'nemesis') continue;
    if (op.type === 'invoke') {
      lastInvoke.set(op.f, op);
      continue;
    }
    for (const b of bands) {
      if (b.start.includes(op.f) && !open.has(b.name)) open.set(b.name, { op, inv: lastInvoke.get(op.f) });
      else if (b.stop.includes(op.f) && open.has(b.name)) close(b.name, op.time, op.index);
    }
  }
  for (const name of [...open.keys()]) close(name, end, null);
  return out.sort((a, b) => a.start - b.start);
}

export function activeDuring(faults: readonly FaultInterval[], from: number, to: number): FaultInterval[] {
  return faults.filter((f) => f.start <= to && f.end >= from);
}
