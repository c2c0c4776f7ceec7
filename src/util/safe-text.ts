// shortText (values.ts) for any value at all: a value nested deeper than JSON.stringify can go
// makes shortText's own fallback (String(v)) recurse too, and throw. This one never throws: such
// a value is described by its outermost levels instead.
import { shortText as valuesShortText } from './values.ts';

export function shortText(v: unknown, max = 80): string {
  try {
    return valuesShortText(v, max);
  } catch {
    return outline(v, max);
  }
}

/** The first levels of a deep value, walked iteratively: "[[[[…", "{"k":{"k":…". */
function outline(v: unknown, max: number): string {
  let s = '';
  let x = v;
  while (s.length < max && x !== null && typeof x === 'object') {
    if (Array.isArray(x)) {
      s += '[';
      x = x[0];
    } else {
      const k = Object.keys(x)[0];
      if (k === undefined) break;
      s += `{${JSON.stringify(k)}:`;
      x = (x as Record<string, unknown>)[k];
    }
  }
  return `${s.slice(0, max)}… (nested too deep to print)`;
}
