// Comparing list-append reads element by element, structurally (valueEquals semantics, with a
// fast path for numbers).
import { valueId } from './history.ts';

export const EMPTY: readonly unknown[] = [];

export function eq(a: unknown, b: unknown): boolean {
  return a === b || ((typeof a !== 'number' || typeof b !== 'number') && valueId(a) === valueId(b));
}

/** Whether a is a prefix of b. */
export function isPrefix(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (!eq(a[i], b[i])) return false;
  return true;
}

export function contains(r: readonly unknown[], v: unknown): boolean {
  for (let j = 0; j < r.length; j++) if (eq(r[j], v)) return true;
  return false;
}
