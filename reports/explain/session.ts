// Session and stale-read results in words: the write each stale read missed, how many versions
// and how long behind it was; reads that lost the reader's own write or went back in time.
import type { CheckResult, Op } from '../../src/types.ts';
import { canonical, valueEquals } from '../../src/util/values.ts';
import { clip, count, short } from '../bounded.ts';
import type { Anomaly, Evidence } from './types.ts';
import { at, faultContext, fromNode, invocationOf, nodeName, opAt, plural, posOf, ref, seconds, who, type Ctx } from './describe.ts';

interface Read { index: number; process: unknown; key: unknown; read: unknown; expected: unknown; node?: string; 'versions-behind'?: number; 'ms-behind'?: number }
interface Write { inv: Op; ok: Op; value: unknown }

const MAX_SENTENCES = 5;
const keyed = (op: Op) => (op.value ?? {}) as { key?: unknown; value?: unknown };

function writesByKey(ctx: Ctx): Map<string, Write[]> {
  const m = new Map<string, Write[]>();
  ctx.history.forEach((op, i) => {
    if (op.type !== 'invoke' || op.f !== 'write' || op.process === 'nemesis') return;
    const c = ctx.pairs[i];
    if (c < 0 || ctx.history[c].type !== 'ok') return;
    const k = canonical(keyed(op).key);
    m.set(k, [...(m.get(k) ?? []), { inv: op, ok: ctx.history[c], value: keyed(op).value }]);
  });
  return m;
}

export function explainSession(r: CheckResult, name: string, ctx: Ctx): { anomalies: Anomaly[]; evidence: Evidence[]; headline: string } {
  const stale = (Array.isArray(r.stale) ? r.stale : []) as Read[];
  const ryw = (Array.isArray(r['read-your-writes']) ? r['read-your-writes'] : []) as Read[];
  const mono = (Array.isArray(r['monotonic-reads']) ? r['monotonic-reads'] : []) as Read[];
  const staleCount = Number(r['stale-count'] ?? stale.length);
  const writes = stale.length || ryw.length ? writesByKey(ctx) : new Map<string, Write[]>();
  const anomalies: Anomaly[] = [];

  const readPhrase = (x: Read, op: Op | undefined) =>
    op ? `${who(op)} read ${short(x.read, 30)} of key ${short(x.key, 30)}${fromNode(op)} ${at(ctx, op)} (${ref(op)})` : `the read at index ${x.index} returned ${short(x.read, 30)} of key ${short(x.key, 30)}`;

  /** The newest write of the key acknowledged before the read began, of another value. */
  const missed = (x: Read, inv: Op | undefined): Write | undefined => {
    if (!inv) return undefined;
    return (writes.get(canonical(x.key)) ?? [])
      .filter((w) => w.ok.index < inv.index && !valueEquals(w.value, x.read))
      .reduce<Write | undefined>((best, w) => (!best || w.ok.index > best.ok.index ? w : best), undefined);
  };

  const push = (type: string, xs: Read[], total: number, words: (x: Read, op: Op | undefined, inv: Op | undefined) => { text: string; also: Op[] }) => {
    xs.slice(0, MAX_SENTENCES).forEach((x, i) => {
      const op = opAt(ctx, x.index);
      const inv = op ? invocationOf(ctx, op) : undefined;
      const { text, also } = words(x, op, inv);
      const fc = op ? faultContext(ctx, inv!.time, op.time, [op.node]) : { phrase: '', faults: [] };
      const marks = [inv, ...also.map((a) => invocationOf(ctx, a))].filter((o): o is Op => !!o).map((o) => posOf(ctx, o));
      const culprit = inv ? posOf(ctx, inv) : undefined;
      anomalies.push({
        type,
        checker: name,
        sentence: `${i === 0 && total > 1 ? `${plural(total, type === 'stale-read' ? 'stale read' : 'read')}${type === 'stale-read' ? '' : ` broke ${type === 'read-your-writes' ? 'read-your-writes' : 'monotonic reads'}`}; the first: ` : ''}${text}${fc.phrase ? `, ${fc.phrase}` : ''}.`,
        ops: [op, ...also].filter((o): o is Op => !!o).map((o) => posOf(ctx, o)),
        ...(i === 0 ? { count: total } : {}),
        faults: fc.faults,
        ...(marks.length ? { focus: { ops: focusOps(ctx, x.key, marks), mark: marks, ...(culprit !== undefined ? { culprit } : {}) } } : {}),
      });
    });
  };

  push('stale-read', stale, staleCount, (x, op, inv) => {
    const w = missed(x, inv);
    const behind = x['versions-behind'] !== undefined ? `${plural(Number(x['versions-behind']), 'version')} and ${count(Number(x['ms-behind'] ?? 0))} ms behind` : '';
    const text = `${readPhrase(x, op)}, although ${w ? `${who(w.inv)}'s write of ${short(w.value, 30)} had completed${fromNode(w.ok, 'on')} ${at(ctx, w.ok)} (${ref(w.ok)})` : 'a newer value had been acknowledged before it began'}${behind ? `: ${behind}` : ''}`;
    return { text, also: w ? [w.ok] : [] };
  });
  push('read-your-writes', ryw, ryw.length, (x, op, inv) => {
    const own = inv ? (writes.get(canonical(x.key)) ?? []).filter((w) => w.inv.process === inv.process && valueEquals(w.value, x.expected) && w.ok.index < inv.index).pop() : undefined;
    return { text: `${readPhrase(x, op)}, although its own write of ${short(x.expected, 30)} had been acknowledged${own ? ` ${at(ctx, own.ok)} (${ref(own.ok)})` : ''}`, also: own ? [own.ok] : [] };
  });
  push('monotonic-reads', mono, mono.length, (x, op) => ({ text: `${readPhrase(x, op)}, after it had already read the newer ${short(x.expected, 30)}`, also: [] }));

  const evidence: Evidence[] = stale.length ? [{
    title: 'Stale reads',
    columns: ['index', 'time', 'process', 'node', 'key', 'read', 'versions behind', 'ms behind'],
    rows: stale.slice(0, 50).map((x) => {
      const op = opAt(ctx, x.index);
      return [String(x.index), op && ctx.timed ? seconds(op.time) : '', clip(String(x.process), 20), x.node === undefined ? '' : nodeName(x.node), short(x.key, 30), short(x.read, 40), count(Number(x['versions-behind'] ?? 0)), count(Number(x['ms-behind'] ?? 0))];
    }),
    total: staleCount,
  }] : [];
  const headline = r.valid === true
    ? `${plural(Number(r.reads ?? 0), 'read')}: no stale reads, read-your-writes and monotonic reads hold`
    : r.valid === 'unknown' ? `unknown: ${clip(String(r.reason ?? r.error ?? 'the checker gave up'), 200)}` : '';
  return { anomalies, evidence, headline };
}

/** The marked ops and the other ops on the same key between them (at most 30). */
function focusOps(ctx: Ctx, key: unknown, marks: number[]): number[] {
  const lo = Math.min(...marks);
  const hi = Math.max(...marks);
  const k = canonical(key);
  const between: number[] = [];
  for (let i = lo; i <= hi && between.length < 30; i++) {
    const op = ctx.history[i];
    if (op.type === 'invoke' && op.process !== 'nemesis' && canonical(keyed(op).key) === k) between.push(i);
  }
  return [...new Set([...between, ...marks])].sort((a, b) => a - b);
}
