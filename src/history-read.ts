// Reads a history file as it streams in, within bounds (DESIGN.md §3, §9): bytes are decoded as
// UTF-8 (fatally: invalid UTF-8 is refused, naming the line), a NUL byte means a binary file, a
// byte-order mark is skipped, no line may exceed a length (so memory per line is bounded, and
// /dev/zero is refused at once), and the whole input is bounded in size. Lines go to the JSONL
// or EDN parser (by extension, or by the first non-blank character), and events to the
// HistoryBuilder, which validates and pairs them.
import fs from 'node:fs';
import v8 from 'node:v8';
import path from 'node:path';
import { EdnError, EdnReader } from './edn.ts';
import { UsageError } from './errors.ts';
import { HistoryBuilder, fileLabel, type EventOptions } from './history-events.ts';
import { JsonSyntaxError, parseJsonLine } from './json-exact.ts';
import type { Op } from './types.ts';

export type HistoryFormat = 'edn' | 'jsonl';

export interface HistoryLimits {
  /** Most bytes read in all (default: a quarter of Node's heap limit — 1 GiB with Node's
   *  default 4 GiB heap on 64-bit machines). */
  maxBytes?: number;
  /** Longest line, in characters (default 64 Mi); in EDN, also the longest an event may be,
   *  whatever its lines. */
  maxLineLength?: number;
  /** Deepest nesting of a value (default 1000). */
  maxDepth?: number;
}

export interface ReadHistoryOptions extends HistoryLimits, EventOptions {
  /** The format; by default from the extension (.edn; .jsonl, .json, .ndjson), else sniffed. */
  format?: HistoryFormat;
  /** What the path "-" reads (default process.stdin). */
  stdin?: AsyncIterable<Uint8Array | string>;
}

const GiB = 2 ** 30;
const CHUNK = 1 << 20;

/** The default size limit: a quarter of the heap. Parsed ops take about three times the bytes of
 *  their text (1 M register ops: 98 MiB of JSONL, 290 MiB of heap), and the checker needs room
 *  too, so a larger history would end in an out-of-memory crash rather than this sentence. */
export function defaultMaxBytes(): number {
  return Math.floor(v8.getHeapStatistics().heap_size_limit / 4);
}

function formatBytes(n: number): string {
  return n >= GiB ? `${(n / GiB).toFixed(1)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${n} bytes`;
}

/** The format a file's name says, if any. */
export function formatOfName(file: string): HistoryFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.edn') return 'edn';
  if (ext === '.jsonl' || ext === '.json' || ext === '.ndjson') return 'jsonl';
  return undefined;
}

/** The offset of the first byte of bytes that is not part of valid UTF-8 (-1 if none). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > b.length) return i;
    for (let k = 1; k < len; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    const c1 = b[i + 1];
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return i;
    i += len;
  }
  return -1;
}

function countNewlines(s: string, end = s.length): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0 && i < end; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Consumes a history's bytes (or text) in order and builds the history. */
export class HistoryParser {
  private readonly label: string;
  private readonly builder: HistoryBuilder;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly maxBytes: number;
  private readonly maxLine: number;
  private readonly maxDepth: number;
  private format: HistoryFormat | undefined;
  private bytes = 0;
  private started = false;
  /** Lines completed so far (the line being read is lines + 1). */
  private lines = 0;
  /** Text of the line being read (no newline yet). */
  private carry = '';
  private edn: EdnReader | null = null;

  constructor(
    file: string,
    opts: ReadHistoryOptions = {},
  ) {
    this.label = fileLabel(file);
    this.builder = new HistoryBuilder(file, opts);
    this.maxBytes = opts.maxBytes ?? defaultMaxBytes();
    this.maxLine = opts.maxLineLength ?? 64 * 2 ** 20;
    this.maxDepth = opts.maxDepth ?? 1000;
    this.format = opts.format;
  }

  private fail(line: number | null, what: string): never {
    throw new UsageError(`${this.label}${line === null ? '' : `:${line}`}: ${what}.`);
  }

  /** Reads the next bytes. */
  pushBytes(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      this.fail(null, `larger than ${formatBytes(this.maxBytes)}, the most this reads of a history (raise the limit, and Node's heap with NODE_OPTIONS=--max-old-space-size, to read it)`);
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      const at = firstInvalidUtf8(chunk);
      let line = this.lines + 1;
      if (at > 0) for (let k = 0; k < at; k++) if (chunk[k] === 10) line++;
      const byte = at >= 0 ? ` (byte 0x${chunk[at].toString(16).toUpperCase().padStart(2, '0')})` : '';
      this.fail(line, `not valid UTF-8${byte}; a history must be UTF-8 text`);
    }
    this.pushText(text);
  }

  /** Reads the next text (every call but the last may end anywhere). */
  pushText(text: string): void {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const nul = text.indexOf('\u0000');
    if (nul >= 0) this.fail(this.lines + 1 + countNewlines(text, nul), 'contains a NUL byte (a binary file, not a history)');
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const line = this.carry.length ? this.carry + text.slice(start, nl) : text.slice(start, nl);
      this.carry = '';
      start = nl + 1;
      if (line.length > this.maxLine) this.tooLong();
      this.line(line);
    }
    if (start < text.length) {
      this.carry += start === 0 ? text : text.slice(start);
      if (this.carry.length > this.maxLine) this.tooLong();
    }
  }

  private tooLong(): never {
    return this.fail(this.lines + 1, `a line longer than ${formatBytes(this.maxLine).replace('bytes', 'characters').replace('MiB', 'Mi characters')}, more than a history's line may be`);
  }

  /** One complete line (without its newline). */
  private line(text: string): void {
    this.lines++;
    if (this.format === undefined) {
      const first = text.search(/\S/);
      if (first < 0) {
        return; // blank lines before the first event say nothing of the format
      }
      this.format = text.startsWith('{"', first) || /^\{\s*"/.test(text.slice(first, first + 64)) ? 'jsonl' : 'edn';
    }
    if (this.format === 'jsonl') this.jsonLine(text);
    else this.ednLine(text);
  }

  private jsonLine(text: string): void {
    const c = text.charCodeAt(0);
    if (c !== 123 && !text.trim()) return;
    let raw: unknown;
    try {
      raw = parseJsonLine(text, this.maxDepth);
    } catch (e) {
      if (e instanceof JsonSyntaxError) {
        const hint = this.builder.ops.length === 0 && text.trimStart().startsWith('[') ? '; a history in JSON is JSON Lines, one event (an object) per line, not an array' : '';
        this.fail(this.lines, e.limit ? e.message : `not valid JSON (${e.message})${hint}`);
      }
      throw e;
    }
    this.builder.add(raw, this.lines);
  }

  private ednLine(text: string): void {
    if (!this.edn) {
      this.edn = new EdnReader(
        (value, line, kind) => {
          if (kind === 'form' && this.edn!.unwrappedTopLevel) this.fail(line, 'another form after the vector of events (a history is one vector of events, or one event per line)');
          this.builder.add(value, line);
        },
        { maxDepth: this.maxDepth, unwrapTopLevel: true, firstLine: this.lines, maxFormLength: this.maxLine },
      );
    }
    try {
      this.edn.feedLine(text);
    } catch (e) {
      if (e instanceof EdnError) this.fail(e.line, e.limit ? e.message : `not valid EDN: ${e.message}`);
      throw e;
    }
  }

  /** The input has ended: the history. */
  end(): Op[] {
    let rest: string;
    try {
      rest = this.decoder.decode();
    } catch {
      this.fail(this.lines + 1, 'not valid UTF-8 (the input ends inside a character); a history must be UTF-8 text');
    }
    if (rest) this.pushText(rest);
    if (this.carry) {
      const last = this.carry;
      this.carry = '';
      this.line(last);
    }
    if (this.edn) {
      try {
        this.edn.end();
      } catch (e) {
        if (e instanceof EdnError) this.fail(e.line, `not valid EDN: ${e.message}`);
        throw e;
      }
    }
    return this.builder.finish();
  }
}

function cannotRead(file: string, e: unknown): UsageError {
  const code = (e as NodeJS.ErrnoException).code;
  const why: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a directory', ENOTDIR: 'a part of the path is not a directory', ELOOP: 'too many symbolic links', EMFILE: 'too many open files' };
  return new UsageError(`${fileLabel(file)}: cannot read it (${(code && why[code]) ?? code ?? (e as Error).message}).`);
}

/** Reads a history from a file, or from standard input when path is "-". */
export async function readHistory(file: string, opts: ReadHistoryOptions = {}): Promise<Op[]> {
  if (file === '-') {
    const p = new HistoryParser('standard input', opts);
    for await (const chunk of opts.stdin ?? process.stdin) {
      if (typeof chunk === 'string') p.pushText(chunk);
      else p.pushBytes(chunk);
    }
    return p.end();
  }
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, 'r');
  } catch (e) {
    throw cannotRead(file, e);
  }
  try {
    const p = new HistoryParser(file, { ...opts, format: opts.format ?? formatOfName(file) });
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      let n: number;
      try {
        n = (await fh.read(buf, 0, CHUNK, null)).bytesRead;
      } catch (e) {
        throw cannotRead(file, e);
      }
      if (n === 0) break;
      p.pushBytes(buf.subarray(0, n));
    }
    return p.end();
  } finally {
    await fh.close();
  }
}

/** The same, synchronously (small files, tests; "-" is not read here). */
export function readHistorySync(file: string, opts: ReadHistoryOptions = {}): Op[] {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw cannotRead(file, e);
  }
  try {
    const p = new HistoryParser(file, { ...opts, format: opts.format ?? formatOfName(file) });
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, CHUNK, null);
      } catch (e) {
        throw cannotRead(file, e);
      }
      if (n === 0) break;
      p.pushBytes(buf.subarray(0, n));
    }
    return p.end();
  } finally {
    fs.closeSync(fd);
  }
}
