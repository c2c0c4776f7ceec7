// A reader for the EDN that Jepsen writes: nil, booleans, numbers, strings, characters, keywords
// and symbols, lists, vectors, maps and sets, `;` comments, `#_` discards and tagged literals.
// Keywords and symbols become strings without the colon; maps become objects (keys as strings).
// Each top-level form remembers the line it starts on, for error messages.

export class EdnError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

export interface Form {
  value: unknown;
  line: number;
}

const DELIMS = new Set(['(', ')', '[', ']', '{', '}', '"', ';']);
const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === ',';

const elementLines = new WeakMap<unknown[], number[]>();

/** The line each element of a vector or list read by readEdn starts on. */
export function linesOf(xs: unknown[]): number[] | undefined {
  return elementLines.get(xs);
}

export function readEdn(text: string): Form[] {
  let i = 0;
  let line = 1;
  const n = text.length;

  const skip = () => {
    for (;;) {
      while (i < n && isSpace(text[i])) if (text[i++] === '\n') line++;
      if (text[i] === ';') {
        while (i < n && text[i] !== '\n') i++;
        continue;
      }
      if (text[i] === '#' && text[i + 1] === '_') {
        i += 2;
        read();
        continue;
      }
      return;
    }
  };

  const token = (): string => {
    const start = i;
    while (i < n && !isSpace(text[i]) && !DELIMS.has(text[i])) i++;
    return text.slice(start, i);
  };

  const seq = (close: string, what: string): unknown[] => {
    const startLine = line;
    const out: unknown[] = [];
    const at: number[] = [];
    for (;;) {
      skip();
      if (i >= n) throw new EdnError(startLine, `unterminated ${what} (no closing ${close})`);
      if (text[i] === close) {
        i++;
        elementLines.set(out, at);
        return out;
      }
      if (text[i] === ')' || text[i] === ']' || text[i] === '}') throw new EdnError(line, `unexpected ${text[i]} inside a ${what} opened with the other bracket`);
      at.push(line);
      out.push(read());
    }
  };

  const str = (): string => {
    const startLine = line;
    i++; // opening quote
    let out = '';
    while (i < n && text[i] !== '"') {
      const c = text[i++];
      if (c === '\n') line++;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[i++];
      if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'r') out += '\r';
      else if (e === 'u') {
        out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16));
        i += 4;
      } else out += e;
    }
    if (i >= n) throw new EdnError(startLine, 'unterminated string');
    i++;
    return out;
  };

  const atom = (t: string): unknown => {
    if (t === 'nil') return null;
    if (t === 'true') return true;
    if (t === 'false') return false;
    if (t.startsWith(':')) return t.slice(1);
    if (/^[+-]?\d+N?$/.test(t)) {
      const v = Number(t.replace(/N$/, ''));
      return Number.isSafeInteger(v) ? v : t.replace(/N$/, '');
    }
    if (/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+)M?$/.test(t)) return Number(t.replace(/M$/, ''));
    if (/^[+-]?\d+\/\d+$/.test(t)) {
      const [a, b] = t.split('/').map(Number);
      return a / b;
    }
    if (t === '') throw new EdnError(line, `unexpected character ${JSON.stringify(text[i])}`);
    return t; // a symbol
  };

  function read(): unknown {
    skip();
    if (i >= n) throw new EdnError(line, 'unexpected end of input');
    const c = text[i];
    if (c === '[') {
      i++;
      return seq(']', 'vector');
    }
    if (c === '(') {
      i++;
      return seq(')', 'list');
    }
    if (c === '{') {
      const startLine = line;
      i++;
      const items = seq('}', 'map');
      if (items.length % 2) throw new EdnError(startLine, 'a map needs an even number of forms');
      const obj: Record<string, unknown> = {};
      for (let k = 0; k < items.length; k += 2) obj[typeof items[k] === 'string' ? (items[k] as string) : JSON.stringify(items[k])] = items[k + 1];
      return obj;
    }
    if (c === '"') return str();
    if (c === '\\') {
      i++;
      const t = text[i++] + token();
      return t === 'newline' ? '\n' : t === 'space' ? ' ' : t === 'tab' ? '\t' : t;
    }
    if (c === '#') {
      i++;
      if (text[i] === '{') {
        i++;
        return seq('}', 'set');
      }
      token(); // a tag such as #inst or #uuid: keep the value it tags
      return read();
    }
    if (c === ')' || c === ']' || c === '}') throw new EdnError(line, `unexpected ${c}`);
    return atom(token());
  }

  const forms: Form[] = [];
  for (;;) {
    skip();
    if (i >= n) return forms;
    const startLine = line;
    forms.push({ value: read(), line: startLine });
  }
}
