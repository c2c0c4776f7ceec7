// JSON for histories (DESIGN.md §9): integers beyond 2^53 stay exact (bigint), nesting is bounded,
// "__proto__" is an ordinary key, and an error says where, without echoing the input.
// JSON.parse stays the fast path: a line goes through the exact parser only when it holds a run of
// 16 or more digits (an integer that may not fit a double), is long enough to nest deeper than
// the limit and does, or JSON.parse refused it (to get our message rather than V8's, which quotes
// the raw line).
import { describeChar, detach, exactInteger, setOwn } from './parse-helpers.ts';

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** The text may be valid JSON, but it passes a limit (depth). */
    readonly limit = false,
  ) {
    super(message);
  }
}

/** Matches a run of digits that may be an integer beyond 2^53. */
const LONG_DIGITS = /\d{16}/;

/** Parses one JSON text (a JSONL line): exact integers, bounded depth, our error messages. */
export function parseJsonLine(line: string, maxDepth = 1000): unknown {
  if (LONG_DIGITS.test(line) || (line.length > maxDepth && nestsDeeper(line, maxDepth))) return parseJsonExact(line, maxDepth);
  try {
    return JSON.parse(line);
  } catch {
    return parseJsonExact(line, maxDepth);
  }
}

/** Whether brackets outside strings nest deeper than max (a quick scan, no parsing). */
function nestsDeeper(s: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      // Skip the string (escaped quotes included).
      for (i++; i < s.length; i++) {
        const d = s.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) {
      depth--;
    }
  }
  return false;
}

interface Open {
  arr: unknown[] | null;
  obj: Record<string, unknown> | null;
  key: string;
}

/** A complete JSON parser, iterative: integers beyond 2^53 as bigints, depth at most maxDepth. */
export function parseJsonExact(s: string, maxDepth = 1000): unknown {
  const n = s.length;
  let i = 0;
  const stack: Open[] = [];

  const fail = (what: string, at = i): never => {
    throw new JsonSyntaxError(`${what} at column ${at + 1}`);
  };
  const unexpected = (): never => fail(i >= n ? 'unexpected end of line' : `unexpected character ${describeChar(s, i)}`);
  const ws = () => {
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
  };
  const str = (): string => {
    // s[i] is the opening quote.
    i++;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= n) fail('unterminated string', start - 1);
      const c = s.charCodeAt(i);
      if (c === 34) {
        out += s.slice(start, i);
        i++;
        return detach(out);
      }
      if (c < 32) fail(`unescaped control character ${describeChar(s, i)} in a string`);
      if (c !== 92) {
        i++;
        continue;
      }
      out += s.slice(start, i);
      const e = s[i + 1];
      if (e === '"' || e === '\\' || e === '/') out += e;
      else if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'r') out += '\r';
      else if (e === 'b') out += '\b';
      else if (e === 'f') out += '\f';
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
        i += 4;
      } else fail('invalid escape in a string');
      i += 2;
      start = i;
    }
  };
  const key = (): string => {
    ws();
    if (s.charCodeAt(i) !== 34) fail(i >= n ? 'unexpected end of line (expected a key)' : `expected a quoted key, found ${describeChar(s, i)}`);
    const k = str();
    ws();
    if (s.charCodeAt(i) !== 58) fail(i >= n ? 'unexpected end of line (expected :)' : `expected : after a key, found ${describeChar(s, i)}`);
    i++;
    return k;
  };
  const num = (): number | bigint => {
    const start = i;
    if (s.charCodeAt(i) === 45) i++;
    const digitsAt = i;
    if (s.charCodeAt(i) === 48) i++;
    else while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === digitsAt) fail('a minus sign must be followed by digits');
    let integer = true;
    if (s.charCodeAt(i) === 46) {
      integer = false;
      i++;
      const f = i;
      while (i < n && isDigit(s.charCodeAt(i))) i++;
      if (i === f) fail('a decimal point must be followed by digits');
    }
    const e = s.charCodeAt(i);
    if (e === 101 || e === 69) {
      integer = false;
      i++;
      const sign = s.charCodeAt(i);
      if (sign === 43 || sign === 45) i++;
      const x = i;
      while (i < n && isDigit(s.charCodeAt(i))) i++;
      if (i === x) fail('an exponent must have digits');
    }
    const text = s.slice(start, i);
    return integer ? exactInteger(text) : Number(text);
  };
  const literal = (word: string, v: unknown): unknown => {
    if (s.startsWith(word, i)) {
      i += word.length;
      return v;
    }
    return unexpected();
  };

  let v: unknown;
  for (;;) {
    // Read a value at i (or open a container and go round for its first element).
    ws();
    const c = s.charCodeAt(i);
    if (c === 123 || c === 91) {
      if (stack.length >= maxDepth) throw new JsonSyntaxError(`nested deeper than ${maxDepth} levels (at column ${i + 1}), more than a history's values may be`, true);
      i++;
      ws();
      if (c === 123) {
        if (s.charCodeAt(i) === 125) {
          i++;
          v = {};
        } else {
          stack.push({ arr: null, obj: {}, key: key() });
          continue;
        }
      } else if (s.charCodeAt(i) === 93) {
        i++;
        v = [];
      } else {
        stack.push({ arr: [], obj: null, key: '' });
        continue;
      }
    } else if (c === 34) v = str();
    else if (c === 45 || isDigit(c)) v = num();
    else if (c === 116) v = literal('true', true);
    else if (c === 102) v = literal('false', false);
    else if (c === 110) v = literal('null', null);
    else unexpected();

    // The value is complete: store it, then close every container that ends here.
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        ws();
        if (i < n) fail(`unexpected ${describeChar(s, i)} after the value`);
        return v;
      }
      if (top.arr) top.arr.push(v);
      else setOwn(top.obj!, top.key, v);
      ws();
      const d = s.charCodeAt(i);
      if (d === 44) {
        i++;
        if (top.obj) top.key = key();
        break;
      }
      if ((top.arr && d === 93) || (top.obj && d === 125)) {
        i++;
        stack.pop();
        v = top.arr ?? top.obj;
        continue;
      }
      fail(i >= n ? 'unexpected end of line' : `expected , or ${top.arr ? ']' : '}'} but found ${describeChar(s, i)}`);
    }
  }
}

const isDigit = (c: number) => c >= 48 && c <= 57;
