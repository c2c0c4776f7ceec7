// Queue results in words: each lost message's enqueue and the fault around it (grouped by node
// and fault), messages dequeued that were never enqueued, duplicates, and FIFO violations.
import { dequeuedValue } from '../../checkers/queue.ts';
import type { CheckResult, Op } from '../../src/types.ts';
import { canonical } from '../../src/util/values.ts';
import { clip, count, short } from '../bounded.ts';
import type { Anomaly, Evidence } from './types.ts';
import { at, completionOf, faultContext, nodeName, opsAround, plural, ref, seconds, who, type Ctx } from './describe.ts';

const MAX_GROUPS = 10;

interface Index { enqueues: Map<string, number>; dequeues: Map<string, number[]> }

/** Where each value went in (first enqueue invocation) and came out (ok dequeues/drains). */
function indexQueue(ctx: Ctx, wanted: Set<string>): Index {
  const enqueues = new Map<string, number>();
  const dequeues = new Map<string, number[]>();
  ctx.history.forEach((op, i) => {
    if (op.process === 'nemesis') return;
    if (op.f === 'enqueue' && op.type === 'invoke') {
      const k = canonical(op.value);
      if (wanted.has(k) && !enqueues.has(k)) enqueues.set(k, i);
    } else if ((op.f === 'dequeue' || op.f === 'drain') && op.type === 'ok') {
      const vs = op.f === 'drain' && Array.isArray(op.value) ? (op.value as unknown[]).map(dequeuedValue) : [dequeuedValue(op.value)];
      for (const v of vs) {
        const k = canonical(v);
        if (wanted.has(k)) dequeues.set(k, [...(dequeues.get(k) ?? []), i]);
      }
    }
  });
  return { enqueues, dequeues };
}

const list = (vs: unknown[], n = 4) => `${vs.slice(0, n).map((v) => short(v, 24)).join(', ')}${vs.length > n ? ', …' : ''}`;

export function explainQueue(r: CheckResult, name: string, ctx: Ctx): { anomalies: Anomaly[]; evidence: Evidence[]; notes: string[]; headline: string } {
  const lost = (Array.isArray(r.lost) ? r.lost : []) as unknown[];
  const unexpected = (Array.isArray(r.unexpected) ? r.unexpected : []) as unknown[];
  const duplicated = (Array.isArray(r.duplicated) ? r.duplicated : []) as Array<{ value: unknown; times: number }>;
  const fifo = (Array.isArray(r['fifo-violations']) ? r['fifo-violations'] : []) as Array<{ producer: unknown; value: unknown; overtook: unknown }>;
  const lostCount = Number(r['lost-count'] ?? lost.length);
  const exactlyOnce = r.delivery === 'exactly-once';
  const wanted = new Set([...lost, ...unexpected, ...duplicated.map((d) => d.value)].map((v) => canonical(v)));
  const idx = indexQueue(ctx, wanted);
  const anomalies: Anomaly[] = [];
  const notes: string[] = [];
  const evidence: Evidence[] = [];

  // Lost messages, grouped by the node that acknowledged them and the fault around them.
  type Lost = { value: unknown; inv?: Op; ok?: Op; pos?: number; phrase: string; faults: string[]; key: string };
  const rows: Lost[] = lost.map((value) => {
    const pos = idx.enqueues.get(canonical(value));
    const inv = pos === undefined ? undefined : ctx.history[pos];
    const ok = inv ? completionOf(ctx, inv) : undefined;
    if (!inv) return { value, phrase: '', faults: [], key: '?' };
    const fc = faultContext(ctx, inv.time, ok?.time ?? inv.time, ok?.node !== undefined ? [ok.node] : [], Infinity);
    return { value, inv, ok, pos, phrase: fc.phrase, faults: fc.faults, key: `${String(ok?.node)}|${fc.main?.startIndex ?? ''}` };
  });
  const groups = new Map<string, Lost[]>();
  for (const row of rows) groups.set(row.key, [...(groups.get(row.key) ?? []), row]);
  [...groups.values()].slice(0, MAX_GROUPS).forEach((g, i) => {
    const first = g[0];
    const last = g[g.length - 1];
    const prefix = i === 0 && lostCount > g.length ? `${plural(lostCount, 'acknowledged message')} never came out of the queue; ` : '';
    const node = first.ok?.node;
    let sentence: string;
    let phrase = first.phrase;
    let faults = first.faults;
    if (!first.inv) {
      sentence = `${prefix}${g.length === 1 ? `message ${short(first.value, 30)} was` : `messages ${list(g.map((x) => x.value))} were`} acknowledged but never dequeued (no enqueue of ${g.length === 1 ? 'it' : 'them'} found in the history)`;
    } else if (g.length === 1) {
      sentence = `${prefix}message ${short(first.value, 30)}, enqueued by ${who(first.inv)}${node !== undefined ? ` on ${nodeName(node)}` : ''} ${at(ctx, first.inv)} (${ref(first.inv)})${first.ok && ctx.timed ? ` and acknowledged at ${seconds(first.ok.time)}` : ''}, was never dequeued`;
    } else {
      // A message can be lost by a fault well after it was acknowledged (a kill before a flush).
      const fc = faultContext(ctx, first.inv.time, last.ok?.time ?? last.inv!.time, node !== undefined ? [node] : [], Infinity);
      phrase = fc.phrase;
      faults = fc.faults;
      const span = ctx.timed ? `between ${seconds(first.inv.time)} and ${seconds(last.ok?.time ?? last.inv!.time)}` : `between positions ${first.inv.index} and ${last.inv!.index}`;
      sentence = `${prefix}${plural(g.length, 'acknowledged message')} enqueued${node !== undefined ? ` on ${nodeName(node)}` : ''} ${span} were never dequeued (${list(g.map((x) => x.value))}; the first at ${ref(first.inv)})`;
    }
    const marks = g.map((x) => x.pos).filter((p): p is number => p !== undefined);
    const around = first.inv ? opsAround(ctx, first.inv.time, node, 30, 2e9) : [];
    const ops = [...new Set([...around, ...marks.slice(0, 20)])].sort((a, b) => a - b);
    anomalies.push({
      type: 'lost-message',
      checker: name,
      sentence: `${sentence}${phrase ? `, ${phrase}` : ''}.`,
      ops: marks,
      ...(i === 0 ? { count: lostCount } : {}),
      covers: g.length,
      faults,
      ...(marks.length ? { focus: { ops, mark: marks.slice(0, 20), culprit: marks[0] } } : {}),
    });
  });
  if (rows.length) {
    evidence.push({
      title: 'Lost messages: acknowledged, never dequeued',
      columns: ['message', 'enqueued by', 'node', 'invoked', 'acknowledged', 'fault around it'],
      rows: rows.slice(0, 50).map((x) => [
        short(x.value, 60), x.inv ? who(x.inv) : '', x.ok?.node !== undefined ? nodeName(x.ok.node) : '',
        x.inv ? `${x.inv.index}${ctx.timed ? ` · ${seconds(x.inv.time)}` : ''}` : '', x.ok ? `${x.ok.index}${ctx.timed ? ` · ${seconds(x.ok.time)}` : ''}` : '', x.phrase,
      ]),
      total: lostCount,
    });
  }

  unexpected.slice(0, 5).forEach((v, i) => {
    const out = idx.dequeues.get(canonical(v))?.[0];
    const op = out === undefined ? undefined : ctx.history[out];
    const fc = op ? faultContext(ctx, op.time, op.time, [op.node]) : { phrase: '', faults: [] };
    anomalies.push({
      type: 'unexpected-message',
      checker: name,
      sentence: `${op ? `${who(op)} dequeued ${short(v, 30)}${op.node !== undefined ? ` from ${nodeName(op.node)}` : ''} ${at(ctx, op)} (${ref(op)})` : `${short(v, 30)} was dequeued`}, which was never enqueued${fc.phrase ? `, ${fc.phrase}` : ''}.`,
      ops: out === undefined ? [] : [out],
      ...(i === 0 ? { count: Number(r['unexpected-count'] ?? unexpected.length) } : {}),
      faults: fc.faults,
    });
  });

  const dupCount = Number(r['duplicated-count'] ?? duplicated.length);
  if (duplicated.length && !exactlyOnce) notes.push(`${plural(dupCount, 'message')} came out more than once, which at-least-once delivery allows.`);
  if (exactlyOnce) {
    duplicated.slice(0, 5).forEach((d, i) => {
      const outs = idx.dequeues.get(canonical(d.value)) ?? [];
      const where = outs.slice(0, 3).map((p) => { const op = ctx.history[p]; return `${who(op)}${op.node !== undefined ? ` from ${nodeName(op.node)}` : ''} ${at(ctx, op)} (${ref(op)})`; });
      anomalies.push({
        type: 'duplicated-message',
        checker: name,
        sentence: `Message ${short(d.value, 30)} was dequeued ${count(d.times)} times${where.length ? ` — by ${where.join('; by ')}` : ''} — but delivery should be exactly once.`,
        ops: outs,
        ...(i === 0 ? { count: dupCount } : {}),
        faults: [],
      });
    });
  }
  fifo.slice(0, 5).forEach((f, i) => {
    anomalies.push({
      type: 'fifo-violation',
      checker: name,
      sentence: `Producer ${clip(String(f.producer), 20)}'s message ${short(f.value, 30)} came out before ${short(f.overtook, 30)}, which that producer had enqueued earlier.`,
      ops: [],
      ...(i === 0 ? { count: fifo.length } : {}),
      faults: [],
    });
  });

  const headline = r.valid === true
    ? `all ${plural(Number(r.acknowledged ?? 0), 'acknowledged message')} dequeued (${count(Number(r.dequeued ?? 0))} dequeues, ${count(Number(r.rejected ?? 0))} rejected, ${count(Number(r.indeterminate ?? 0))} indeterminate)`
    : r.valid === 'unknown' ? `unknown: ${clip(String(r.reason ?? r.error ?? 'the checker gave up'), 200)}` : '';
  return { anomalies, evidence, notes, headline };
}
