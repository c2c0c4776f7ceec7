// A reader for the EDN that Jepsen writes: nil, booleans, numbers, strings, characters, keywords
// and symbols, lists, vectors, maps and sets, `;` comments, `#_` discards and tagged literals.
// Histories are data (DESIGN.md §9), so the reader is iterative (an explicit stack, bounded by
// maxDepth: no input can overflow the call stack), incremental (text is fed a block of whole
// lines at a time, so a history is read as it streams in), exact (integers beyond 2^53 become
// bigints) and prototype-safe (a `:__proto__` key becomes an ordinary own property).
//
// Keywords and symbols become strings without the colon; maps become objects keyed by strings
// (other keys by their JSON text); lists and vectors become arrays; sets become arrays sorted by
// their canonical text (so equal sets compare equal); tagged literals (#inst, #uuid, records such
// as #jepsen.history.Op{...}) become the value they tag, except #jepsen.independent.Tuple, which
// becomes { key, value }.
import { canonical, toJson } from './util/values.ts';
import { describeChar, detach, exactInteger, quote, setOwn } from './parse-helpers.ts';

export class EdnError extends Error {
  constructor(
    readonly line: number,
    message: string,
    /** The text may be valid EDN, but it passes a limit (depth, length). */
    readonly limit = false,
  ) {
    super(message);
  }
}

export interface Form {
  value: unknown;
  line: number;
}

export interface EdnOptions {
  /** Frames (collections, tags, discards) that may be open at once (default 1000). */
  maxDepth?: number;
  /** Hand each element of a first top-level vector or list to onValue as it completes, rather
   *  than the whole collection at its end (a history in vector form streams op by op). */
  unwrapTopLevel?: boolean;
  /** Longest a top-level form (or element) may be, in characters (default: no limit). Checked
   *  after each block, so memory for one event stays bounded whatever its lines. */
  maxFormLength?: number;
}

/** Where a value handed to onValue came from: a top-level form, or an element of an unwrapped
 *  top-level vector or list. */
export type FormKind = 'form' | 'element';

const enum Kind {
  Vector,
  List,
  Set,
  Map,
  Tag,
  Discard,
}

interface Frame {
  kind: Kind;
  line: number;
  /** Elements of a vector, list or set. */
  items: unknown[];
  /** A map's object, and the key read for the value to come (NO_KEY when a key is next). */
  obj: Record<string, unknown>;
  key: string | typeof NO_KEY;
  tag: string;
  /** The unwrapped top-level collection: its elements go to onValue. */
  top: boolean;
}

const NO_KEY = Symbol('no key');

const CLOSER: Record<number, string> = { [Kind.Vector]: ']', [Kind.List]: ')', [Kind.Set]: '}', [Kind.Map]: '}' };
const NAME: Record<number, string> = { [Kind.Vector]: 'vector', [Kind.List]: 'list', [Kind.Set]: 'set', [Kind.Map]: 'map' };

// Characters that end a token: whitespace (and every control character), the comma, brackets,
// quotes, the comment and the character-literal macro.
const ENDS_TOKEN = new Uint8Array(128);
for (let c = 0; c <= 32; c++) ENDS_TOKEN[c] = 1;
for (const c of '()[]{}",;\\') ENDS_TOKEN[c.charCodeAt(0)] = 1;
ENDS_TOKEN[127] = 1;

const isSpace = (c: number) => c === 32 || c === 44 || c === 10 || c === 13 || c === 9 || c === 12 || c === 11;

const INT = /^[+-]?\d+N?$/;
const DECIMAL = /^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/;
const RATIO = /^[+-]?\d+\/\d+$/;
const CHAR_NAMES: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r', backspace: '\b', formfeed: '\f' };

export class EdnReader {
  private line: number;
  private readonly stack: Frame[] = [];
  private readonly maxDepth: number;
  private readonly unwrap: boolean;
  /** Pieces of a string that continues on the next block, and the line it started on. */
  private pending: string[] | null = null;
  private pendingLine = 0;
  private formLine = 0;
  private elementLine = 0;
  private forms = 0;
  private ended = false;
  private readonly maxFormLength: number;
  /** Characters fed so far, and where the form being read started. */
  private fed = 0;
  private formStart = 0;

  constructor(
    private readonly onValue: (value: unknown, line: number, kind: FormKind) => void,
    opts: EdnOptions & { firstLine?: number } = {},
  ) {
    this.maxDepth = opts.maxDepth ?? 1000;
    this.unwrap = opts.unwrapTopLevel ?? false;
    this.maxFormLength = opts.maxFormLength ?? Infinity;
    this.line = opts.firstLine ?? 1;
  }

  /** Reads one line (without its newline). */
  feedLine(line: string): void {
    this.feed(line);
    if (this.pending) this.pending.push('\n');
    this.line++;
    this.fed++;
  }

  /** Reads a block of text. Every block but the last must end at the end of a line (so no
   *  token, escape or comment is cut in two; strings may continue from block to block). */
  feed(t: string): void {
    this.scan(t);
    this.fed += t.length;
    if (this.maxFormLength !== Infinity) this.checkLength();
  }

  private scan(t: string): void {
    let i = 0;
    const n = t.length;
    if (this.pending) {
      i = this.string(t, 0);
      if (i < 0) return;
    }
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c === 10) {
        this.line++;
        i++;
      } else if (isSpace(c)) {
        i++;
      } else if (c === 59 /* ; */) {
        const j = t.indexOf('\n', i);
        i = j < 0 ? n : j;
      } else if (c === 91 /* [ */) {
        this.begin(i);
        this.open(Kind.Vector);
        i++;
      } else if (c === 40 /* ( */) {
        this.begin(i);
        this.open(Kind.List);
        i++;
      } else if (c === 123 /* { */) {
        this.begin(i);
        this.open(Kind.Map);
        i++;
      } else if (c === 93 || c === 41 || c === 125) {
        this.close(t[i]);
        i++;
      } else if (c === 34 /* " */) {
        this.begin(i);
        this.pendingLine = this.line;
        this.pending = [];
        i = this.string(t, i + 1);
        if (i < 0) return;
      } else if (c === 35 /* # */) {
        this.begin(i);
        i = this.dispatch(t, i + 1);
      } else if (c === 92 /* \ */) {
        this.begin(i);
        i = this.character(t, i + 1);
      } else if (c < 32 || c === 127) {
        throw new EdnError(this.line, `unexpected control character ${describeChar(t, i)}`);
      } else if (c === 58 /* : */) {
        this.begin(i);
        const j = tokenEnd(t, i + 1);
        this.value(this.keyword(t, i + 1, j));
        i = j;
      } else {
        this.begin(i);
        // Most numbers in a history are small integers: read them without slicing the token.
        const d0 = c === 45 || c === 43 ? i + 1 : i;
        let k = d0;
        let v = 0;
        for (; k < n && k - d0 < 16; k++) {
          const d = t.charCodeAt(k);
          if (d < 48 || d > 57) break;
          v = v * 10 + (d - 48);
        }
        if (k > d0 && k - d0 <= 15 && (k >= n || endsToken(t.charCodeAt(k)))) {
          this.value(c === 45 ? -v : v);
          i = k;
          continue;
        }
        const j = tokenEnd(t, i);
        this.value(this.atom(t.slice(i, j)));
        i = j;
      }
    }
  }

  /** Recent short keywords by length: a history repeats a few (:process, :type, :invoke, …), and
   *  handing back the same string spares an allocation and a lookup per key. */
  private readonly keywords: string[][] = [];

  private keyword(t: string, i: number, j: number): string {
    const len = j - i;
    if (len === 0) throw new EdnError(this.line, 'a keyword needs a name after the colon');
    if (len > 12) return detach(t.slice(i, j));
    let seen = this.keywords[len];
    if (seen === undefined) seen = this.keywords[len] = [];
    for (let k = 0; k < seen.length; k++) if (t.startsWith(seen[k], i)) return seen[k];
    const kw = t.slice(i, j);
    if (seen.length < 16) seen.push(kw);
    return kw;
  }

  /** The input has ended: anything left open is an error. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.pending) throw new EdnError(this.pendingLine, 'unterminated string (no closing ")');
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const f = this.stack[k];
      if (f.kind === Kind.Tag) throw new EdnError(f.line, `the tag ${quote(`#${f.tag}`, 40)} has no value after it`);
      if (f.kind === Kind.Discard) throw new EdnError(f.line, '#_ has no form after it to discard');
      throw new EdnError(f.line, `unterminated ${NAME[f.kind]} (no closing ${CLOSER[f.kind]})`);
    }
  }

  /** Whether the first top-level form is a vector or list whose elements were handed over. */
  get unwrappedTopLevel(): boolean {
    return this.topWasCollection;
  }
  private topWasCollection = false;

  /** A value starts at index i of the current block: note its line (and, for a top-level form
   *  or element, where it starts, to bound its length). */
  private begin(i: number): void {
    const n = this.stack.length;
    if (n === 0) {
      this.formLine = this.line;
      this.formStart = this.fed + i;
    } else if (n === 1 && this.stack[0].top) {
      this.elementLine = this.line;
      this.formStart = this.fed + i;
    }
  }

  /** After a block: a form (or element) still open may not have grown past maxFormLength. */
  private checkLength(): void {
    const open = this.pending !== null || this.stack.length > (this.stack.length > 0 && this.stack[0].top ? 1 : 0);
    if (open && this.fed - this.formStart > this.maxFormLength) {
      throw new EdnError(this.formLine >= this.elementLine ? this.formLine : this.elementLine, `an event longer than ${this.maxFormLength} characters, more than a history's event may be`, true);
    }
  }

  private push(kind: Kind, tag = ''): Frame {
    if (this.stack.length >= this.maxDepth) throw new EdnError(this.line, `nested deeper than ${this.maxDepth} levels, more than a history's values may be`, true);
    const f: Frame = { kind, line: this.line, items: kind < Kind.Map ? [] : NO_ITEMS, obj: kind === Kind.Map ? {} : NO_OBJ, key: NO_KEY, tag, top: false };
    this.stack.push(f);
    return f;
  }

  private open(kind: Kind): void {
    const f = this.push(kind);
    if (this.unwrap && this.stack.length === 1 && this.forms === 0 && (kind === Kind.Vector || kind === Kind.List)) {
      f.top = true;
      this.topWasCollection = true;
    }
  }

  private close(ch: string): void {
    const f = this.stack[this.stack.length - 1];
    if (f === undefined) throw new EdnError(this.line, `unexpected ${ch} with nothing open to close`);
    if (f.kind === Kind.Tag) throw new EdnError(this.line, `unexpected ${ch}: the tag ${quote(`#${f.tag}`, 40)} has no value`);
    if (f.kind === Kind.Discard) throw new EdnError(this.line, `unexpected ${ch}: #_ has no form to discard`);
    if (CLOSER[f.kind] !== ch) throw new EdnError(this.line, `unexpected ${ch} inside a ${NAME[f.kind]} opened at line ${f.line} (which closes with ${CLOSER[f.kind]})`);
    this.stack.pop();
    if (f.top) {
      this.forms++;
      return;
    }
    if (f.kind === Kind.Map) {
      if (f.key !== NO_KEY) throw new EdnError(f.line, 'a map needs an even number of forms (a value for every key)');
      this.value(f.obj);
    }
    else if (f.kind === Kind.Set) this.value(toSet(f.items));
    else this.value(f.items);
  }

  /** A value is complete: hand it to whatever is waiting for it. */
  private value(v: unknown): void {
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (top === undefined) {
        this.forms++;
        this.onValue(v, this.formLine, 'form');
        return;
      }
      if (top.kind === Kind.Tag) {
        this.stack.pop();
        v = applyTag(top.tag, v, top.line);
        continue;
      }
      if (top.kind === Kind.Discard) {
        this.stack.pop();
        return;
      }
      if (top.top) this.onValue(v, this.elementLine, 'element');
      else if (top.kind !== Kind.Map) top.items.push(v);
      else if (top.key === NO_KEY) {
        const key = keyText(v);
        if (Object.hasOwn(top.obj, key)) throw new EdnError(top.line, `the map has the key ${quote(key, 40)} twice`);
        top.key = key;
      } else {
        setOwn(top.obj, top.key, v);
        top.key = NO_KEY;
      }
      return;
    }
  }

  /** After a #: a set, a discard, a symbolic value (##Inf) or a tag. Returns the next index. */
  private dispatch(t: string, i: number): number {
    const c = t.charCodeAt(i);
    if (c === 123 /* { */) {
      this.push(Kind.Set);
      return i + 1;
    }
    if (c === 95 /* _ */) {
      this.push(Kind.Discard);
      return i + 1;
    }
    if (c === 35 /* # */) {
      const j = tokenEnd(t, i + 1);
      const name = t.slice(i + 1, j);
      if (name === 'Inf') this.value(Infinity);
      else if (name === '-Inf') this.value(-Infinity);
      else if (name === 'NaN') this.value(NaN);
      else throw new EdnError(this.line, `unknown symbolic value ${quote(`##${name}`, 40)} (EDN has ##Inf, ##-Inf and ##NaN)`);
      return j;
    }
    const j = tokenEnd(t, i);
    if (j === i) throw new EdnError(this.line, `# followed by ${describeChar(t, i)} is not EDN (expected a tag, #{, #_ or ##)`);
    this.push(Kind.Tag, t.slice(i, j));
    return j;
  }

  /** A character literal after the backslash: \c, \newline, \uXXXX. */
  private character(t: string, i: number): number {
    if (i >= t.length || t.charCodeAt(i) === 10) throw new EdnError(this.line, 'a backslash with no character after it');
    const first = String.fromCodePoint(t.codePointAt(i)!);
    const j = tokenEnd(t, i + first.length);
    const name = first + t.slice(i + first.length, j);
    if (name.length === first.length) this.value(first);
    else if (Object.hasOwn(CHAR_NAMES, name)) this.value(CHAR_NAMES[name]);
    else if (/^u[0-9a-fA-F]{4}$/.test(name)) this.value(String.fromCharCode(parseInt(name.slice(1), 16)));
    else throw new EdnError(this.line, `unknown character literal ${quote(`\\${name}`, 40)}`);
    return j;
  }

  /** Reads (the rest of) a string from i; returns the index after its closing quote, or -1 when
   *  the block ended inside it. */
  private string(t: string, i: number): number {
    const parts = this.pending!;
    const n = t.length;
    let start = i;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c === 34 /* " */) {
        parts.push(t.slice(start, i));
        this.pending = null;
        this.value(detach(parts.length === 1 ? parts[0] : parts.join('')));
        return i + 1;
      }
      if (c === 10) {
        this.line++;
        i++;
      } else if (c === 92 /* \ */) {
        parts.push(t.slice(start, i));
        const e = t[i + 1];
        if (e === undefined || e === '\n') throw new EdnError(this.line, 'a backslash at the end of a line in a string (EDN has no line continuations)');
        const simple = e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '"' ? '"' : e === '\\' ? '\\' : e === 'b' ? '\b' : e === 'f' ? '\f' : null;
        if (simple !== null) {
          parts.push(simple);
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(i + 2, i + 6))) {
          parts.push(String.fromCharCode(parseInt(t.slice(i + 2, i + 6), 16)));
          i += 6;
        } else {
          throw new EdnError(this.line, `unsupported escape \\${describeChar(t, i + 1).replace(/^'|'$/g, '')} in a string`);
        }
        start = i;
      } else {
        i++;
      }
    }
    parts.push(t.slice(start, n));
    return -1;
  }

  private atom(tok: string): unknown {
    const c = tok.charCodeAt(0);
    const c1 = tok.charCodeAt(1);
    const numeric = (c >= 48 && c <= 57) || ((c === 43 || c === 45) && c1 >= 48 && c1 <= 57);
    if (numeric) return this.number(tok);
    if (c === 58 /* : */) {
      if (tok.length === 1) throw new EdnError(this.line, 'a keyword needs a name after the colon');
      return tok.slice(1);
    }
    if (tok === 'nil') return null;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    return detach(tok); // a symbol
  }

  private number(tok: string): unknown {
    if (INT.test(tok)) return exactInteger(tok.endsWith('N') ? tok.slice(0, -1) : tok);
    if (DECIMAL.test(tok)) {
      const body = tok.endsWith('M') ? tok.slice(0, -1) : tok;
      // An exact decimal (M) that is a whole number stays exact; other decimals are doubles.
      return /^[+-]?\d+$/.test(body) ? exactInteger(body) : Number(body);
    }
    if (RATIO.test(tok)) {
      const [a, b] = tok.split('/');
      if (/^0+$/.test(b)) throw new EdnError(this.line, `the ratio ${tok} divides by zero`);
      return Number(a) / Number(b);
    }
    throw new EdnError(this.line, `${quote(tok, 40)} is not a number EDN can read`);
  }
}

const NO_ITEMS: unknown[] = [];
const NO_OBJ: Record<string, unknown> = {};

const endsToken = (c: number) => c < 128 && ENDS_TOKEN[c] === 1;

function tokenEnd(t: string, i: number): number {
  const n = t.length;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c < 128 && ENDS_TOKEN[c]) break;
    i++;
  }
  return i;
}

/** The property name a map key becomes: strings (keywords, symbols) as they are, anything else
 *  as its JSON text (1 → "1"). */
function keyText(k: unknown): string {
  return typeof k === 'string' ? k : toJson(k);
}

function toSet(items: unknown[]): unknown[] {
  if (items.length < 2) return items;
  const keyed = items.map((v) => [canonical(v), v] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return keyed.map((e) => e[1]);
}

const TUPLE_TAG = 'jepsen.independent.Tuple';

function applyTag(tag: string, v: unknown, line: number): unknown {
  if (tag !== TUPLE_TAG) return v; // #inst "…", #uuid "…", #jepsen.history.Op{…}: the value itself
  if (Array.isArray(v) && v.length === 2) return { key: v[0], value: v[1] };
  if (v !== null && typeof v === 'object' && Object.hasOwn(v, 'key')) {
    const m = v as Record<string, unknown>;
    return { key: m.key, value: Object.hasOwn(m, 'value') ? m.value : null };
  }
  throw new EdnError(line, `#${TUPLE_TAG} must tag a [key value] pair or a map with :key and :value`);
}

/** Reads every top-level form of a text (tests, small inputs). */
export function readEdn(text: string, opts: EdnOptions = {}): Form[] {
  const forms: Form[] = [];
  const r = new EdnReader((value, line) => forms.push({ value, line }), { ...opts, unwrapTopLevel: false });
  r.feed(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  r.end();
  return forms;
}
