// Lock results in words: two owners' overlapping holds on one time axis, with the fault that was
// active, and fencing tokens that went backwards.
import type { CheckResult, Op } from '../../src/types.ts';
import { clip, count, short } from '../bounded.ts';
import type { Anomaly, Evidence, TimelineSpan } from './types.ts';
import { at, duration, faultContext, invocationOf, nodeName, opAt, plural, posOf, ref, type Ctx } from './describe.ts';

interface Holder { owner: unknown; node: unknown; fence: unknown; 'acquire-index': number; 'release-index': number | null; 'held-from': number; 'held-to': number | null }
interface Overlap { lock: unknown; from: number; to: number; 'overlap-ms': number; holders: Holder[] }
interface Fence { lock: unknown; earlier: { owner: unknown; fence: unknown; index: number }; later: { owner: unknown; fence: unknown; index: number } }

const MAX_SENTENCES = 10;
const owner = (x: unknown) => clip(String(x), 30);

export function explainLock(r: CheckResult, name: string, ctx: Ctx): { anomalies: Anomaly[]; evidence: Evidence[]; headline: string } {
  const overlaps = (Array.isArray(r.overlaps) ? r.overlaps : []) as Overlap[];
  const fences = (Array.isArray(r['fence-violations']) ? r['fence-violations'] : []) as Fence[];
  const total = Number(r['overlap-count'] ?? overlaps.length);
  const anomalies: Anomaly[] = [];
  const end = ctx.history.length ? ctx.history[ctx.history.length - 1].time : 0;

  overlaps.slice(0, MAX_SENTENCES).forEach((o, i) => {
    const [a, b] = o.holders ?? [];
    if (!a || !b) return;
    const aOk = opAt(ctx, a['acquire-index']);
    const bOk = opAt(ctx, b['acquire-index']);
    const aRel = a['release-index'] === null ? undefined : opAt(ctx, a['release-index']);
    const bRel = b['release-index'] === null ? undefined : opAt(ctx, b['release-index']);
    const lock = short(o.lock, 30);
    const aWhen = aOk ? `acquired on ${nodeName(a.node)} ${at(ctx, aOk)}, ${ref(aOk)}` : `acquired at index ${a['acquire-index']}`;
    const aUntil = aRel ? `released ${at(ctx, aRel)}, ${ref(aRel)}` : 'never released';
    const overlapEnd = Math.min(aRel?.time ?? end, bRel?.time ?? end);
    const fc = faultContext(ctx, aOk?.time ?? (bOk?.time ?? 0), overlapEnd, [a.node, b.node]);
    const bWhen = bOk ? `${at(ctx, bOk)} (${ref(bOk)})` : `(index ${b['acquire-index']})`;
    const both = ctx.timed ? `for ${duration(overlapEnd - (bOk?.time ?? overlapEnd))}` : `from index ${b['acquire-index']} to ${aRel?.index ?? 'the end'}`;
    const spans: TimelineSpan[] = [a, b].map((h, k) => {
      const ok = k === 0 ? aOk : bOk;
      const rel = k === 0 ? aRel : bRel;
      return { row: `${owner(h.owner)} holds`, start: ok?.time ?? 0, end: rel ? rel.time : null, label: `${owner(h.owner)} holds lock ${lock}${h.fence === null || h.fence === undefined ? '' : ` (fence ${short(h.fence, 12)})`}` };
    });
    const ops = [aOk, aRel, bOk, bRel].filter((x): x is Op => !!x).map((x) => posOf(ctx, invocationOf(ctx, x)));
    const culprit = bOk ? posOf(ctx, invocationOf(ctx, bOk)) : undefined;
    anomalies.push({
      type: 'overlap',
      checker: name,
      sentence: `${i === 0 && total > 1 ? `${plural(total, 'overlapping hold')}; the first: ` : ''}${owner(b.owner)} acquired lock ${lock} on ${nodeName(b.node)} ${bWhen} while ${owner(a.owner)} still held it (${aWhen}; ${aUntil}): both held it ${both}, ${fc.phrase}.`,
      ops: [aOk, bOk, aRel].filter((x): x is Op => !!x).map((x) => posOf(ctx, x)),
      ...(i === 0 ? { count: total } : {}),
      faults: fc.faults,
      focus: { ops, mark: ops, ...(culprit !== undefined ? { culprit } : {}), spans },
    });
  });

  fences.slice(0, MAX_SENTENCES).forEach((f, i) => {
    const early = opAt(ctx, f.earlier?.index);
    const late = opAt(ctx, f.later?.index);
    const fc = late ? faultContext(ctx, late.time, late.time, [late.node]) : { phrase: '', faults: [] };
    anomalies.push({
      type: 'fence-violation',
      checker: name,
      sentence: `${owner(f.later?.owner)} was given fencing token ${short(f.later?.fence, 20)} for lock ${short(f.lock, 30)}${late ? ` ${at(ctx, late)} (${ref(late)})` : ''}, after ${owner(f.earlier?.owner)} had been given ${short(f.earlier?.fence, 20)}${early ? ` ${at(ctx, early)} (${ref(early)})` : ''}: tokens must strictly increase${fc.phrase ? `; ${fc.phrase}` : ''}.`,
      ops: [early, late].filter((x): x is Op => !!x).map((x) => posOf(ctx, x)),
      ...(i === 0 ? { count: fences.length } : {}),
      faults: fc.faults,
    });
  });

  const evidence: Evidence[] = overlaps.length ? [{
    title: 'Overlapping holds',
    columns: ['lock', 'overlap', 'ms', 'first holder', 'held', 'second holder', 'held'],
    rows: overlaps.slice(0, 50).map((o) => {
      const h = (x: Holder | undefined) => (x ? `${owner(x.owner)} on ${nodeName(x.node)}${x.fence === null || x.fence === undefined ? '' : `, fence ${short(x.fence, 12)}`}` : '');
      const span = (x: Holder | undefined) => (x ? `${x['held-from']} s (index ${x['acquire-index']}) – ${x['held-to'] === null ? 'end' : `${x['held-to']} s (index ${x['release-index']})`}` : '');
      return [short(o.lock, 30), `${o.from}–${o.to} s`, count(o['overlap-ms']), h(o.holders?.[0]), span(o.holders?.[0]), h(o.holders?.[1]), span(o.holders?.[1])];
    }),
    total,
  }] : [];
  const headline = r.valid === true
    ? `no overlapping holds in ${plural(Number(r['acquires-ok'] ?? 0), 'acknowledged acquire')}; ${plural(Number(r['fences-checked'] ?? 0), 'fencing token')} increasing`
    : r.valid === 'unknown' ? `unknown: ${clip(String(r.reason ?? r.error ?? 'the checker gave up'), 200)}` : '';
  return { anomalies, evidence, headline };
}
