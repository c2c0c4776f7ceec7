// Values from histories and checker results shown in a bounded amount of text, whatever their
// size or depth: a prefix of their JSON text plus its full length. Iterative (a value may be
// nested thousands of levels deep), object keys are data (never looked up), bigints stay exact.

export interface Preview {
  /** At most `max` characters of the value's JSON text (strings: the raw text when `raw`). */
  text: string;
  /** Length of the full text (a lower bound when `approximate`). */
  length: number;
  truncated: boolean;
  approximate?: boolean;
}

const MAX_DEPTH = 200;
/** Stop measuring a value's full length after this many characters: it is "more than" that. */
const MAX_MEASURE = 200_000_000;
/** Strings longer than this are measured by their length, not JSON-encoded whole. */
const LONG = 4096;

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Control characters (but newlines and tabs) shown as \uXXXX escapes. */
export function printable(s: string): string {
  return s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function leaf(x: unknown): string {
  if (x === null || x === undefined) return 'null';
  switch (typeof x) {
    case 'string': return JSON.stringify(x);
    case 'number': return Number.isFinite(x) ? String(x) : JSON.stringify(String(x));
    case 'bigint': return x.toString();
    case 'boolean': return x ? 'true' : 'false';
    default: return JSON.stringify(String(x));
  }
}

/** A prefix of the value's JSON text (at most max characters) and the full text's length. */
export function preview(v: unknown, max = 80, raw = false): Preview {
  if (typeof v === 'string' && raw) {
    // Escape only the prefix shown: the value may be megabytes.
    const s = printable(v.length > max * 2 ? v.slice(0, max * 2) : v);
    return s.length > max || v.length > max * 2 ? { text: s.slice(0, max), length: v.length, truncated: true } : { text: s, length: v.length, truncated: false };
  }
  const out: string[] = [];
  let taken = 0; // characters in out
  let length = 0; // characters of the full text so far
  let approximate = false;
  const emit = (s: string, measured = s.length) => {
    length += measured;
    if (taken < max) {
      const piece = s.length > max - taken ? s.slice(0, max - taken) : s;
      out.push(piece);
      taken += piece.length;
    }
  };
  // Explicit stack of pending pieces: literal text or a value at a depth.
  const stack: Array<string | { v: unknown; d: number }> = [{ v, d: 0 }];
  while (stack.length) {
    if (length > MAX_MEASURE) {
      approximate = true;
      break;
    }
    const top = stack.pop()!;
    if (typeof top === 'string') {
      emit(top);
      continue;
    }
    const x = top.v;
    if (typeof x === 'string' && x.length > LONG) {
      // A long string: JSON-encode only what can be shown; count its characters (plus quotes).
      emit(JSON.stringify(x.slice(0, Math.max(0, max - taken) + 8)), x.length + 2);
      continue;
    }
    if (x === null || typeof x !== 'object') {
      emit(leaf(x));
      continue;
    }
    if (top.d >= MAX_DEPTH) {
      emit('…');
      approximate = true;
      continue;
    }
    if (Array.isArray(x)) {
      emit('[');
      stack.push(']');
      for (let i = x.length - 1; i >= 0; i--) {
        stack.push({ v: x[i], d: top.d + 1 });
        if (i > 0) stack.push(',');
      }
      continue;
    }
    const entries: Array<[unknown, unknown]> = x instanceof Map ? [...x.entries()] : Object.keys(x).map((k) => [k, (x as Record<string, unknown>)[k]]);
    emit('{');
    stack.push('}');
    for (let i = entries.length - 1; i >= 0; i--) {
      stack.push({ v: entries[i][1], d: top.d + 1 });
      stack.push(`${typeof entries[i][0] === 'string' ? JSON.stringify(entries[i][0]) : leaf(entries[i][0])}:`);
      if (i > 0) stack.push(',');
    }
  }
  const text = printable(out.join(''));
  return { text, length, truncated: length > taken || approximate, ...(approximate ? { approximate: true } : {}) };
}

/** Thousands separated with commas (no locale dependence). */
export function count(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const s = String(Math.round(Math.abs(n)));
  return `${n < 0 ? '-' : ''}${s.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

const oneLine = (s: string) => s.replace(/[\n\r\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));

/** One-line text of a value for sentences: the prefix, and "… (N characters)" when cut. */
export function short(v: unknown, max = 40, raw = false): string {
  const p = preview(v, max, raw);
  const text = oneLine(p.text);
  return p.truncated ? `${text}… (${p.approximate ? 'more than ' : ''}${count(p.length)} characters)` : text;
}

/** A string clipped to max characters for labels and names: one line, no length note. */
export function clip(s: string, max: number): string {
  const p = oneLine(printable(s.length > max * 2 ? s.slice(0, max * 2) : s));
  return p.length > max ? `${p.slice(0, max - 1)}…` : p;
}
