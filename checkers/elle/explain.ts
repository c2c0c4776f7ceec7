// Explanations in words and as small graphs, for the report: each cycle as Elle explains it
// ("T1 < T2 because T2 observed T1's append of 3 to key 7; ... : G-single-item (read skew)"),
// with a drawing of the transactions and their labelled edges; and one sentence for each
// non-cycle anomaly.
import { shortText } from '../../src/util/values.ts';
import type { DataExplainer, StepExplanation } from './explainer.ts';
import { type Txns, eventIndex, mopText, txnIndex } from './history.ts';
import { PROCESS, REALTIME, RW, relName } from './rels.ts';
import type { Step } from './walks.ts';

export interface ExplanationGraph {
  nodes: Array<{ id: string; label: string; ops: number[] }>;
  edges: Array<{ from: string; to: string; type: string; label: string }>;
}

export interface Explanation {
  type: string;
  sentence: string;
  /** History indices of the transactions involved (their completions, or invocations). */
  ops: number[];
  graph?: ExplanationGraph;
}

/** Elle-style data for one cycle, plus its explanation. */
export interface CycleCase {
  type: string;
  /** History indices of T1 .. Tn, T1 repeated at the end (as Elle lists cycles). */
  cycle: number[];
  steps: Array<Record<string, unknown>>;
  sentence: string;
  /** Set when the cycle was longer than the explanation shows. */
  'cycle-length'?: number;
}

const NICKNAMES: Record<string, string> = {
  G0: 'write cycle',
  G1c: 'circular information flow',
  'G-single-item': 'read skew',
  'G2-item': 'anti-dependency cycle',
};

function countRel(steps: readonly Step[], rel: number): number {
  return steps.filter((s) => s.rel === rel).length;
}

/** "a cycle with one read-write anti-dependency: G-single-item (read skew)" */
export function describeCycle(type: string, steps: readonly Step[]): string {
  const base = type.replace(/-(realtime|process)$/, '');
  const rw = countRel(steps, RW);
  let what: string;
  if (base === 'G0') what = 'a cycle of write-write dependencies';
  else if (base === 'G1c') what = 'a cycle of write-write and write-read dependencies';
  else if (base === 'G-single-item') what = 'a cycle with one read-write anti-dependency';
  else if (base === 'G-nonadjacent-item') what = `a cycle with ${rw} read-write anti-dependencies, no two adjacent`;
  else what = `a cycle with ${rw} read-write anti-dependencies, two of them adjacent`;
  if (type.endsWith('-realtime')) what += ', which needs real-time order';
  else if (type.endsWith('-process')) what += ', which needs process order';
  const nick = NICKNAMES[base];
  return `${what}: ${type}${nick ? ` (${nick})` : ''}`;
}

function orderStep(t: Txns, a: number, b: number, rel: number): StepExplanation {
  if (rel === PROCESS) {
    const p = t.process[a];
    return { data: { type: 'process', process: p }, render: (an, bn) => `process ${p} executed ${an} before ${bn}`, label: `process ${p}` };
  }
  const done = eventIndex(t, t.complete[a]);
  const invoked = eventIndex(t, t.invoke[b]);
  const dt = t.history[t.invoke[b]].time - t.history[t.complete[a]].time;
  const gap = dt > 0 ? ` ${(dt / 1e9).toFixed(3)} seconds` : ' just';
  return {
    data: { type: 'realtime', 'a-completed': done, 'b-invoked': invoked },
    render: (an, bn) => `${an} completed at index ${done},${gap} before the invocation of ${bn}, at index ${invoked}`,
    label: 'realtime',
  };
}

function stepExplanation(t: Txns, ex: DataExplainer, a: number, b: number, rel: number): StepExplanation {
  if (rel === PROCESS || rel === REALTIME) return orderStep(t, a, b, rel);
  const e = ex.explain(a, b, rel);
  if (e) return e;
  // Every edge is derived by a rule its explainer knows; this is only a safety net.
  const name = relName(rel);
  return { data: { type: name }, render: (an, bn) => `${an} precedes ${bn} (${name})`, label: name };
}

/** A transaction's micro-ops, briefly: "r 7 [1 2] · append 7 3". */
export function txnLabel(t: Txns, i: number): string {
  const parts: string[] = [];
  for (let m = t.mopStart[i]; m < t.mopStart[i + 1]; m++) {
    const [f, k, v] = mopText(t, m);
    parts.push(`${f} ${shortText(k, 20)} ${shortText(v, 40)}`);
  }
  const text = parts.join(' · ');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function txnOps(t: Txns, i: number): number[] {
  return [t.invoke[i], t.complete[i]].filter((x) => x >= 0).map((x) => eventIndex(t, x));
}

/** Explains a cycle (or a closed walk, for cycle-exists): names T1..Tn, one clause per step.
 *  Past `maxSteps` steps, the middle of the walk is elided (in words, data and drawing). */
export function explainCycle(t: Txns, ex: DataExplainer, type: string, steps: readonly Step[], summary: string, maxSteps = 64): { data: CycleCase; explanation: Explanation } {
  const n = steps.length;
  const shown = n <= maxSteps ? steps.map((_, j) => j) : [...Array.from({ length: maxSteps - 1 }, (_, j) => j), n - 1];
  const names = new Map<number, string>();
  for (const j of shown) if (!names.has(steps[j].from)) names.set(steps[j].from, `T${names.size + 1}`);
  const name = (x: number) => names.get(x) ?? (names.set(x, `T${names.size + 1}`), names.get(x)!);
  const clauses: string[] = [];
  const stepData: Array<Record<string, unknown>> = [];
  const edges: ExplanationGraph['edges'] = [];
  for (let s = 0; s < shown.length; s++) {
    const j = shown[s];
    if (s > 0 && j !== shown[s - 1] + 1) {
      const omitted = j - shown[s - 1] - 1;
      clauses.push(`… ${omitted} more steps …`);
      stepData.push({ type: 'elided', steps: omitted });
      edges.push({ from: name(steps[shown[s - 1] + 1].from), to: name(steps[j].from), type: 'elided', label: `${omitted} more steps` });
    }
    const a = steps[j].from;
    const b = steps[(j + 1) % n].from;
    const an = name(a);
    const bn = name(b);
    const e = stepExplanation(t, ex, a, b, steps[j].rel);
    clauses.push(`${an} < ${bn} because ${e.render(an, bn)}`);
    stepData.push(e.data);
    edges.push({ from: an, to: bn, type: relName(steps[j].rel), label: e.label });
  }
  const nodes = [...names].map(([i, id]) => ({ id, label: `${id}: ${txnLabel(t, i)}`, ops: txnOps(t, i) }));
  const sentence = `${clauses.join('; ')}; ${summary}`;
  const cycle = shown.map((j) => txnIndex(t, steps[j].from));
  cycle.push(txnIndex(t, steps[0].from));
  const data: CycleCase = { type, cycle, steps: stepData, sentence };
  if (n > maxSteps) data['cycle-length'] = n;
  return { data, explanation: { type, sentence, ops: [...names.keys()].map((i) => txnIndex(t, i)), graph: { nodes, edges } } };
}
