// Jepsen's unique-ids checker (Maelstrom's unique-ids workload): every id a generate returned must
// be distinct from every other. Ids may be any JSON value; they are compared structurally.
import type { CheckResult, History } from '../../src/types.ts';
import { canonical, shortText } from '../../src/util/values.ts';
import { displayValue, say, sortValues, type Explanation } from './values.ts';

export interface UniqueIdsResult extends CheckResult {
  'attempted-count': number;
  'acknowledged-count': number;
  'duplicated-count': number;
  /** The most repeated ids (up to 48), each with how often it was returned. */
  duplicated: Array<{ id: unknown; count: number }>;
  /** Lowest and highest id, when they are all numbers or all strings. */
  range?: [unknown, unknown];
  headline: string;
  explanations: Explanation[];
}

export function checkUniqueIds(history: History): UniqueIdsResult {
  let attempted = 0;
  let acknowledged = 0;
  const counts = new Map<string, { id: unknown; count: number; at: number[] }>();
  let lo: unknown = undefined;
  let hi: unknown = undefined;
  let comparable = true;
  let kind: string | null = null;
  for (const op of history) {
    if (op.f !== 'generate' || op.process === 'nemesis') continue;
    if (op.type === 'invoke') attempted++;
    if (op.type !== 'ok') continue;
    acknowledged++;
    const k = canonical(op.value);
    const c = counts.get(k);
    if (c) {
      c.count++;
      if (c.at.length < 5) c.at.push(op.index);
    } else counts.set(k, { id: op.value, count: 1, at: [op.index] });
    const t = typeof op.value === 'bigint' ? 'number' : typeof op.value;
    if (kind === null) kind = t;
    if (t !== kind || (t !== 'number' && t !== 'string')) comparable = false;
    if (comparable) {
      const v = op.value as number | string;
      if (lo === undefined || v < (lo as number | string)) lo = v;
      if (hi === undefined || v > (hi as number | string)) hi = v;
    }
  }
  const dups = [...counts.values()].filter((c) => c.count > 1);
  const worst = dups.sort((a, b) => b.count - a.count).slice(0, 48);
  return {
    valid: dups.length === 0,
    explanations: dups.slice(0, 1000).map((d) => ({ type: 'duplicated', sentence: `Id ${say(d.id)} was returned ${d.count} times (generates completing at indexes ${d.at.join(', ')}${d.count > d.at.length ? ', …' : ''}).`, ops: d.at })),
    'attempted-count': attempted,
    'acknowledged-count': acknowledged,
    'duplicated-count': dups.length,
    duplicated: sortValues(worst.map((d) => d.id)).map((id) => ({ id: displayValue(id), count: worst.find((d) => d.id === id)!.count })),
    ...(comparable && lo !== undefined ? { range: [displayValue(lo), displayValue(hi)] as [unknown, unknown] } : {}),
    headline: dups.length ? `e.g. ${shortText(displayValue(worst[0].id), 40)} was returned ${worst[0].count} times` : `${acknowledged} ids, all distinct`,
  };
}
