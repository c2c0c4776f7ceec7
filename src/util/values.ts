// Values from histories and nodes are data (DESIGN.md §9): JSON-like trees of null, booleans,
// numbers, bigints (exact integers beyond 2^53), strings, arrays and objects — whose keys may be
// anything, "__proto__" included. These helpers compare, hash and print them structurally
// (object key order does not matter, as Maelstrom compares), never through property lookups that
// a key could subvert, and without recursion that a deep value could overflow.

/** A canonical text for a value: equal values, and only those, get the same text.
 *  Object keys are sorted; bigints print as digits with an `n` suffix, so 1n and 1 differ only
 *  when they are not the same number (a bigint that fits a double is printed as that number). */
export function canonical(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? String(Number(v)) : `${v}n`;
    default:
      break;
  }
  // Iterative walk: an explicit stack of pending output pieces.
  const out: string[] = [];
  const stack: unknown[] = [{ value: v }];
  while (stack.length) {
    const top = stack.pop();
    if (typeof top === 'string') {
      out.push(top);
      continue;
    }
    const x = (top as { value: unknown }).value;
    if (x === null || typeof x !== 'object') {
      out.push(canonical(x));
      continue;
    }
    if (Array.isArray(x)) {
      stack.push(']');
      for (let i = x.length - 1; i >= 0; i--) {
        stack.push({ value: x[i] });
        if (i > 0) stack.push(',');
      }
      out.push('[');
      continue;
    }
    if (x instanceof Map) {
      const entries = [...x.entries()].map(([k, val]) => [canonical(k), val] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      pushEntries(out, stack, entries, '#{', '}');
      continue;
    }
    const keys = Object.keys(x).sort();
    pushEntries(out, stack, keys.map((k) => [JSON.stringify(k), (x as Record<string, unknown>)[k]] as const), '{', '}');
  }
  return out.join('');
}

function pushEntries(out: string[], stack: unknown[], entries: ReadonlyArray<readonly [string, unknown]>, open: string, close: string): void {
  stack.push(close);
  for (let i = entries.length - 1; i >= 0; i--) {
    stack.push({ value: entries[i][1] });
    stack.push(`${entries[i][0]}:`);
    if (i > 0) stack.push(',');
  }
  out.push(open);
}

/** Structural equality of two values (see canonical). */
export function valueEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' && typeof b !== 'object' && typeof a !== 'bigint' && typeof b !== 'bigint') {
    // Two different primitives (undefined and null count as the same absent value).
    return (a === undefined || a === null) && (b === undefined || b === null);
  }
  return canonical(a) === canonical(b);
}

/** 32-bit FNV-1a of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A 32-bit hash consistent with valueEquals. */
export function hashValue(x: unknown): number {
  if (typeof x === 'number' && Number.isSafeInteger(x)) return Math.imul(x | 0, 0x9e3779b1) >>> 0 ^ (x > 0xffffffff || x < -0x80000000 ? hashString(String(x)) : 0);
  if (x === null || x === undefined) return 0x51ed27;
  return hashString(canonical(x));
}

/** JSON text of a value for files and messages: bigints as bare digits (exact), never a throw. */
export function toJson(v: unknown, space?: number): string {
  // The common case, fast: nothing JSON.stringify cannot do alone (it throws on a bigint).
  try {
    const plain = JSON.stringify(v, null, space);
    return plain === undefined ? 'null' : plain;
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
  }
  const big: string[] = [];
  const text = JSON.stringify(v, (_k, x) => {
    if (typeof x !== 'bigint') return x;
    big.push(x.toString());
    return `\u0000big${big.length - 1}\u0000`;
  }, space);
  if (text === undefined) return 'null';
  return big.length ? text.replace(/"\\u0000big(\d+)\\u0000"/g, (_m, i: string) => big[Number(i)]) : text;
}

/** Characters a terminal or a page would not show as themselves: controls, format characters (a
 *  byte-order mark, a right-to-left override), private-use, unassigned, lone surrogates. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\u2028\u2029]/gu;

/** A short, printable rendering of a value for a one-line message: invisible characters escaped,
 *  so a message shows exactly what the input holds and cannot rearrange the terminal; truncated
 *  with its length shown. */
export function shortText(v: unknown, max = 80): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : toJson(v);
  } catch {
    s = String(v);
  }
  s = s.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
}
