// Counter results in words: lost updates (the final reads fell short of the acknowledged adds,
// and when the counter first fell short) and reads out of bounds.
import type { CheckResult, Op } from '../../src/types.ts';
import { count } from '../bounded.ts';
import type { Anomaly, Evidence } from './types.ts';
import { at, faultContext, fromNode, invocationOf, nodeName, opAt, opsAround, plural, posOf, ref, seconds, who, type Ctx } from './describe.ts';

interface BadRead { index: number; process: unknown; node?: string; value: number; lower: number; upper: number; final: boolean }

const num = (x: unknown): number => (typeof x === 'number' ? x : Number(x));
const MAX_SENTENCES = 5;

function readSentence(ctx: Ctx, e: BadRead, eventual: boolean, indeterminate: number): { sentence: string; op?: Op } {
  const op = opAt(ctx, e.index);
  const where = op ? `${who(op)} read ${count(e.value)}${fromNode(op)} ${at(ctx, op)} (${ref(op)})` : `the read at index ${e.index} returned ${count(e.value)}`;
  if (eventual) {
    return { op, sentence: `${where}, a final read, but the counter should have settled between ${count(e.lower)} and ${count(e.upper)}: the acknowledged adds plus some of the ${plural(indeterminate, 'indeterminate add')}` };
  }
  if (e.value < e.lower) return { op, sentence: `${where}, although adds summing to at least ${count(e.lower)} had been acknowledged before that read began (it could read ${count(e.lower)}–${count(e.upper)})` };
  return { op, sentence: `${where}, but the adds invoked before it completed sum to at most ${count(e.upper)} (it could read ${count(e.lower)}–${count(e.upper)})` };
}

export function explainCounter(r: CheckResult, name: string, ctx: Ctx): { anomalies: Anomaly[]; evidence: Evidence[]; notes: string[]; headline: string } {
  const errors = (Array.isArray(r.errors) ? r.errors : []) as BadRead[];
  const errorCount = num(r['error-count'] ?? errors.length);
  const lost = num(r['lost-updates'] ?? 0);
  const ack = num(r['acknowledged-sum']);
  const finals = (Array.isArray(r['final-reads']) ? r['final-reads'] : []) as Array<{ index: number; node?: string; value: number }>;
  const possible = (r['possible-final'] ?? {}) as { lower?: number; upper?: number };
  const eventual = r.consistency === 'eventual';
  const indeterminate = num(r['indeterminate-adds'] ?? 0);
  const anomalies: Anomaly[] = [];
  const notes: string[] = [];

  const focusOn = (op: Op | undefined) => {
    if (!op) return undefined;
    const inv = invocationOf(ctx, op);
    const ops = opsAround(ctx, inv.time, undefined, 30, 2e9);
    const p = posOf(ctx, inv);
    return { ops: ops.includes(p) ? ops : [...ops, p].sort((a, b) => a - b), mark: [p], culprit: p };
  };

  if (lost > 0 && finals.length) {
    const lowest = finals.reduce((m, f) => (num(f.value) < num(m.value) ? f : m));
    const finalOp = opAt(ctx, lowest.index);
    const firstShort = errors.find((e) => num(e.value) < num(e.lower));
    const shortOp = firstShort ? opAt(ctx, firstShort.index) : undefined;
    const when = shortOp
      ? `; it first fell short ${at(ctx, shortOp)}: ${who(shortOp)} read ${count(firstShort!.value)}${fromNode(shortOp)} (${ref(shortOp)}) although adds summing to ${count(firstShort!.lower)} had been acknowledged before that read began`
      : '';
    const fc = shortOp ? faultContext(ctx, invocationOf(ctx, shortOp).time, shortOp.time, [shortOp.node]) : finalOp ? faultContext(ctx, finalOp.time, finalOp.time) : { phrase: '', faults: [] };
    const sameFinal = finals.every((f) => f.value === lowest.value);
    anomalies.push({
      type: 'lost-updates',
      checker: name,
      sentence: `${count(lost)} acknowledged ${lost === 1 ? 'increment is' : 'increments are'} missing: the final ${sameFinal ? `reads (${plural(finals.length, 'read')}) all returned` : 'reads returned as little as'} ${count(lowest.value)}${finalOp && finals.every((f) => f.node === lowest.node) ? fromNode(finalOp) : ''}, but acknowledged adds sum to ${count(ack)}${possible.lower !== undefined && possible.lower !== ack ? ` (at least ${count(possible.lower)} with the indeterminate ones)` : ''}${when}${fc.phrase ? `, ${fc.phrase}` : ''}.`,
      ops: [finalOp, shortOp].filter((o): o is Op => !!o).map((o) => posOf(ctx, o)),
      count: 1,
      faults: fc.faults,
      focus: focusOn(shortOp ?? finalOp),
    });
    notes.push('Acknowledged adds are interchangeable in a counter, so which of them were lost cannot be told; the reads tell how many, and from when.');
  }

  const below = errors.filter((e) => num(e.value) < num(e.lower));
  const above = errors.filter((e) => num(e.value) > num(e.upper));
  const groups: Array<[string, BadRead[]]> = eventual ? [['bad-final-read', errors]] : [['read-too-low', below], ['read-too-high', above]];
  for (const [type, es] of groups) {
    es.slice(0, MAX_SENTENCES).forEach((e, i) => {
      const { sentence, op } = readSentence(ctx, e, eventual, indeterminate);
      const fc = op ? faultContext(ctx, invocationOf(ctx, op).time, op.time, [op.node]) : { phrase: '', faults: [] };
      // The checker lists only the first reads: past that, how they split into too low and too
      // high is unknown, and the group's count is the total of both.
      const total = errorCount === errors.length ? es.length : errorCount;
      anomalies.push({
        type,
        checker: name,
        sentence: `${i === 0 && errorCount > 1 ? `${plural(errorCount, 'read')} out of bounds; ${es === below ? 'the first too low' : es === above ? 'the first too high' : 'the first'}: ` : ''}${sentence}${fc.phrase ? `, ${fc.phrase}` : ''}.`,
        ops: op ? [posOf(ctx, op)] : [],
        ...(i === 0 ? { count: total } : {}),
        faults: fc.faults,
        focus: focusOn(op),
      });
    });
  }

  if (r.valid === false && r.converged === false && typeof r.reason === 'string') {
    const byNode = finals.slice(0, 8).map((f) => `${f.node !== undefined ? nodeName(f.node) : `index ${f.index}`} read ${count(f.value)}`).join(', ');
    anomalies.push({ type: 'not-converged', checker: name, sentence: `The final reads disagree after recovery: ${byNode}${finals.length > 8 ? ', …' : ''}; the replicas did not converge.`, ops: finals.map((f) => opAt(ctx, f.index)).filter((o): o is Op => !!o).map((o) => posOf(ctx, o)), count: 1, faults: [] });
  }

  const evidence: Evidence[] = [];
  if (errors.length) {
    evidence.push({
      title: 'Reads out of bounds',
      columns: ['index', 'time', 'process', 'node', 'read', 'possible', 'short by'],
      rows: errors.slice(0, 50).map((e) => {
        const op = opAt(ctx, e.index);
        return [String(e.index), op && ctx.timed ? seconds(op.time) : '', String(e.process), e.node === undefined ? '' : nodeName(e.node), count(e.value), `${count(e.lower)}–${count(e.upper)}`, e.value < e.lower ? count(e.lower - e.value) : e.value > e.upper ? `over by ${count(e.value - e.upper)}` : ''];
      }),
      total: errorCount,
    });
  }
  if (finals.length) {
    evidence.push({
      title: 'Final reads',
      columns: ['index', 'node', 'read', 'acknowledged sum', 'possible'],
      rows: finals.slice(0, 50).map((f) => [String(f.index), f.node === undefined ? '' : nodeName(f.node), count(f.value), count(ack), `${count(possible.lower ?? ack)}–${count(possible.upper ?? ack)}`]),
      total: finals.length,
    });
  }
  const headline = r.valid === true
    ? `${plural(num(r.reads ?? 0), 'read')} within bounds; ${finals.length ? `final value ${count(finals[0].value)}, ` : ''}acknowledged sum ${count(ack)}`
    : r.valid === 'unknown' ? `unknown: ${String(r.reason ?? r.error ?? 'the checker gave up')}` : '';
  return { anomalies, evidence, notes, headline };
}
