// Small helpers the Maelstrom checkers share: values nodes sent, made safe to put in results
// (which are written as JSON and rendered), sorted for listing, and latency quantiles as Jepsen
// reports them.
import { canonical, shortText, toJson } from '../../src/util/values.ts';

/** A value for a result: as it is, unless it holds integers beyond 2^53 (then its exact JSON text). */
export function displayValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v !== null && typeof v === 'object') {
    try {
      JSON.stringify(v);
    } catch {
      return toJson(v);
    }
  }
  return v;
}

/** Numbers in numeric order, then everything else in canonical order. */
export function sortValues<T>(xs: readonly T[]): T[] {
  const num = (x: unknown) => typeof x === 'number' || typeof x === 'bigint';
  return [...xs].sort((a, b) => {
    if (num(a) && num(b)) return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    if (num(a) !== num(b)) return num(a) ? -1 : 1;
    const ca = canonical(a);
    const cb = canonical(b);
    return ca < cb ? -1 : ca > cb ? 1 : 0;
  });
}

/** Jepsen's frequency-distribution at 0, 0.5, 0.95, 0.99 and 1: the element at floor(n·q). */
export type Quantiles = { '0': number; '0.5': number; '0.95': number; '0.99': number; '1': number };

export function quantiles(xs: readonly number[]): Quantiles | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(s.length * q))];
  return { '0': at(0), '0.5': at(0.5), '0.95': at(0.95), '0.99': at(0.99), '1': at(1) };
}

/** One anomaly in words, for the report's explainer (a result carrying `explanations` is
 *  described by its own sentences): its kind, a sentence, and the history indexes it is about. */
export interface Explanation {
  type: string;
  sentence: string;
  ops?: number[];
}

/** A value in a sentence. */
export const say = (v: unknown): string => shortText(displayValue(v), 60);
