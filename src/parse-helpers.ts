// Small helpers shared by the history parsers (EDN and exact JSON).
import { shortText } from './util/values.ts';

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An integer from its digits: a number when it is exactly one, else a bigint. */
export function exactInteger(digits: string): number | bigint {
  if (digits.length <= 16) {
    const v = Number(digits);
    if (Number.isSafeInteger(v)) return v;
  }
  const b = BigInt(digits);
  return b >= MIN_SAFE && b <= MAX_SAFE ? Number(b) : b;
}

/** A character for a message: printable ASCII as itself, anything else as U+XXXX. */
export function describeChar(s: string, i: number): string {
  const cp = s.codePointAt(i);
  if (cp === undefined) return 'end of input';
  return cp > 32 && cp < 127 ? `'${String.fromCodePoint(cp)}'` : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Sets an own data property, even for the key "__proto__" (which plain assignment would treat
 *  as the object's prototype). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/** A value quoted for a one-line message (see shortText). */
export function quote(v: unknown, max = 60): string {
  return shortText(v, max);
}

/** A copy of a long string cut from a block of text, so that keeping the value does not keep the
 *  whole block alive (V8 slices strings of 13 characters or more out of their parent). */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
