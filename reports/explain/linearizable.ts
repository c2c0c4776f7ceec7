// Linearizability results in words: the op that could not be linearized, what it observed or did,
// the states the model could have been in, and the last write that completed before it.
import type { CheckResult, Op } from '../../src/types.ts';
import { clip, count, short } from '../bounded.ts';
import type { Anomaly, Evidence, TimelineFocus } from './types.ts';
import { at, faultContext, fromNode, opAt, opPhrase, opsAround, plural, posOf, ref, seconds, val, who, type Ctx } from './describe.ts';

interface WindowOp {
  process: unknown; f: string; value: unknown; output?: unknown; type: string;
  'invoke-index': number; 'complete-index': number | null; start: number; end: number | null; culprit?: boolean;
  'state-before'?: unknown; 'state-after'?: unknown;
}

const NOUNS: Record<string, [string, string]> = {
  register: ['the register', 'have held'],
  'cas-register': ['the register', 'have held'],
  'multi-register': ['the registers', 'have held'],
  mutex: ['the lock', 'have been'],
  counter: ['the counter', 'have been'],
};

function statesText(states: unknown[]): string {
  if (!states.length) return 'no state at all';
  const shown = states.slice(0, 3).map((s) => clip(typeof s === 'string' ? s : short(s, 40), 60));
  return `${shown.join(' or ')}${states.length > 3 ? ` (or ${count(states.length - 3)} more states)` : ''}`;
}

const stateText = (s: unknown) => (s === undefined ? undefined : clip(typeof s === 'string' ? s : short(s, 200), 200));

export function explainLinearizable(r: CheckResult, name: string, ctx: Ctx): { anomalies: Anomaly[]; evidence: Evidence[]; headline: string } {
  const model = typeof r.model === 'string' ? r.model : 'model';
  // A mutex's key is the lock, which its ops already name.
  const keyText = r.key !== undefined && model !== 'mutex' ? ` on key ${clip(String(r.key), 40)}` : '';
  if (r.valid === true) {
    return { anomalies: [], evidence: [], headline: `linearizable (${clip(model, 30)}): ${plural(Number(r['ops-checked'] ?? 0), 'op')} in ${plural(Number(r.parts ?? 1), 'part')} checked` };
  }
  if (r.valid !== false) {
    return { anomalies: [], evidence: [], headline: `unknown: the linearizability search gave up${keyText}: ${clip(String(r.reason ?? r.error ?? 'no reason given'), 200)}` };
  }
  const culpritRaw = r.culprit as Op | undefined;
  // Ops of independent keys carry {key, value}; the key is named on its own, the value is what was read.
  const culprit = culpritRaw && typeof culpritRaw === 'object' ? unkeyed(culpritRaw, r.key) : undefined;
  const inHistory = culprit ? opAt(ctx, culprit.index) : undefined;
  const invoke = (r['culprit-invoke'] as Op | undefined) ?? undefined;
  const invokeInHistory = invoke ? opAt(ctx, invoke.index) : undefined;
  const window = (Array.isArray(r.window) ? r.window : []) as WindowOp[];
  const states = Array.isArray(r['last-states']) ? (r['last-states'] as unknown[]) : [];
  const [noun, verb] = NOUNS[model] ?? ['the model', 'have been in'];

  if (!culprit) {
    return { anomalies: [{ type: 'nonlinearizable', checker: name, sentence: `The history is not linearizable${keyText} (${clip(model, 30)}), but the checker named no op.`, ops: [], count: 1, faults: [] }], evidence: [], headline: '' };
  }
  // The last write-like op to complete before the culprit began: what it should have seen.
  const invIndex = invoke?.index ?? culprit.index;
  const prior = window
    .filter((w) => !w.culprit && w['complete-index'] !== null && w['complete-index'] < invIndex && (culprit.f !== 'read' || w.f !== 'read'))
    .sort((a, b) => (b['complete-index'] ?? 0) - (a['complete-index'] ?? 0))[0];
  const priorOp = prior ? opAt(ctx, prior['complete-index']) : undefined;
  const priorText = prior && priorOp
    ? `; the last ${culprit.f === 'read' ? 'write' : 'op'} to complete before it began was ${opPhrase(priorOp, prior.value)}${fromNode(priorOp, 'on')} ${at(ctx, priorOp)} (${ref(priorOp)})`
    : '';
  const node = culprit.node ?? inHistory?.node;
  const nodeText = node !== undefined ? ` from ${clip(String(node), 24)}` : '';
  const span = invoke && ctx.timed ? `, invoked at ${seconds(invoke.time)}` : '';
  const head = culprit.f === 'read'
    ? `${who(culprit)} read ${val(culprit.value)}${nodeText} ${at(ctx, culprit)} (${ref(culprit)}${span})${keyText}, although ${noun} could only ${verb} ${statesText(states)} at any point while that read ran`
    : `${opPhrase(culprit)}${nodeText ? ` on ${clip(String(node), 24)}` : ''}, completed ${at(ctx, culprit)} (${ref(culprit)}${span})${keyText}, cannot have taken effect: ${noun} could only ${verb} ${statesText(states)} while it ran`;
  const fc = faultContext(ctx, invoke?.time ?? culprit.time, culprit.time, node !== undefined ? [node] : []);

  const focus: TimelineFocus = { ops: [], mark: [] };
  const culpritPos = invokeInHistory ? posOf(ctx, invokeInHistory) : inHistory ? posOf(ctx, inHistory) : -1;
  for (const w of window) {
    const op = opAt(ctx, w['invoke-index']);
    if (!op) continue;
    const p = posOf(ctx, op);
    focus.ops.push(p);
    const before = stateText(w['state-before']);
    const after = stateText(w['state-after']);
    if (before !== undefined || after !== undefined) (focus.states ??= []).push({ op: p, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) });
  }
  if (!focus.ops.length && inHistory) focus.ops.push(...opsAround(ctx, inHistory.time, undefined, 30, 1e9));
  if (culpritPos >= 0) {
    if (!focus.ops.includes(culpritPos)) focus.ops.push(culpritPos);
    focus.ops.sort((a, b) => a - b);
    focus.culprit = culpritPos;
    focus.mark.push(culpritPos);
  }
  if (priorOp) {
    const priorInv = opAt(ctx, prior!['invoke-index']);
    if (priorInv) focus.mark.push(posOf(ctx, priorInv));
  }

  const anomaly: Anomaly = {
    type: 'nonlinearizable',
    checker: name,
    sentence: `${head}${priorText}; ${fc.phrase}.`,
    ops: [culpritPos, inHistory ? posOf(ctx, inHistory) : -1, priorOp ? posOf(ctx, priorOp) : -1].filter((p) => p >= 0),
    count: 1,
    faults: fc.faults,
    focus,
  };
  const hasStates = window.some((w) => w['state-before'] !== undefined || w['state-after'] !== undefined);
  const evidence: Evidence[] = window.length ? [{
    title: `Counterexample${keyText}: the op that could not be linearized and the ops around it`,
    columns: ['', 'process', 'f', 'value', 'returned', 'outcome', 'invoked', 'completed', ...(hasStates ? ['state before', 'state after'] : [])],
    rows: window.slice(0, 50).map((w) => {
      const inv = opAt(ctx, w['invoke-index']);
      const done = w['complete-index'] === null ? undefined : opAt(ctx, w['complete-index']);
      const when = (op: Op | undefined, i: number | null) => (i === null ? 'never' : `${i}${op && ctx.timed ? ` · ${seconds(op.time)}` : ''}`);
      return [
        w.culprit ? 'culprit' : '', String(w.process), clip(String(w.f), 30), short(w.value, 60), w.output === undefined ? '' : short(w.output, 60),
        w.type === 'info' ? 'indeterminate' : 'ok', when(inv, w['invoke-index']), when(done, w['complete-index']),
        ...(hasStates ? [stateText(w['state-before']) ?? '', stateText(w['state-after']) ?? ''] : []),
      ];
    }),
    total: window.length,
  }] : [];
  return { anomalies: [anomaly], evidence, headline: '' };
}

/** An op of one key of a keyed history, with its value unwrapped from {key, value}. */
function unkeyed(op: Op, key: unknown): Op {
  const v = op.value as { key?: unknown; value?: unknown } | null;
  if (key === undefined || v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, 'key') || !Object.hasOwn(v, 'value')) return op;
  return { ...op, value: v.value };
}
