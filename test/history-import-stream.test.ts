// Reading history files and standard input as streams, within bounds: binary input, invalid
// UTF-8, byte-order marks, long lines, large inputs, deep nesting, and chunk boundaries anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { parseEdnHistory, parseJsonlHistory, readHistory, readHistoryFile } from '../src/history-import.ts';
import { HistoryParser } from '../src/history-read.ts';
import { UsageError } from '../src/errors.ts';
import { toJson } from '../src/util/values.ts';
import type { Op } from '../src/types.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-import-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, data: string | Uint8Array) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
};

/** The message of the UsageError the promise rejects with (one line, printable ASCII). */
async function refusal(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    assert.ok(e instanceof UsageError, `a UsageError, not ${String(e)}`);
    assert.match(e.message, /^[\x20-\x7e]+$/, 'one line of printable ASCII');
    return e.message;
  }
  return assert.fail('no error');
}

const EVENTS = [
  '{"process":0,"type":"invoke","f":"write","value":1}',
  '{"process":0,"type":"ok","f":"write","value":1}',
  '{"process":1,"type":"invoke","f":"read","value":null}',
  '{"process":1,"type":"ok","f":"read","value":1}',
];
const EDN_EVENTS = ['{:process 0 :type :invoke :f :write :value 1}', '{:process 0 :type :ok :f :write :value 1}', '{:process 1 :type :invoke :f :read :value nil}', '{:process 1 :type :ok :f :read :value 1}'];

test('/dev/zero, binary files and NUL bytes are refused at once, naming the line', { skip: !fs.existsSync('/dev/zero') && 'no /dev/zero' }, async () => {
  assert.equal(await refusal(readHistory('/dev/zero')), '/dev/zero:1: contains a NUL byte (a binary file, not a history).');
  assert.equal(await refusal(() => readHistoryFile('/dev/zero')), '/dev/zero:1: contains a NUL byte (a binary file, not a history).');
  const nul = write('nul.jsonl', `${EVENTS[0]}\n${EVENTS[1]}\n{"process":1,"type":"invoke","f":"read","value":"a\u0000b"}\n`);
  assert.equal(await refusal(readHistory(nul)), `${nul}:3: contains a NUL byte (a binary file, not a history).`);
  const bin = write('random.bin', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251 | 0x80));
  assert.match(await refusal(readHistory(bin)), /:1: not valid UTF-8 \(byte 0x[0-9A-F]{2}\); a history must be UTF-8 text\.$/);
});

test('invalid UTF-8 is refused naming its line; characters split across reads are fine', async () => {
  const bad = write('bad.jsonl', Buffer.concat([Buffer.from(`${EVENTS[0]}\n${EVENTS[1]}\n{"process":1,"type":"invoke","f":"read","value":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]));
  assert.equal(await refusal(readHistory(bad)), `${bad}:3: not valid UTF-8 (byte 0xC3); a history must be UTF-8 text.`);
  const cut = write('cut.jsonl', Buffer.concat([Buffer.from(`${EVENTS[0]}\n{"process":0,"type":"ok","f":"write","value":"`), Buffer.from([0xe2, 0x82])]));
  assert.match(await refusal(readHistory(cut)), /:2: not valid UTF-8 \(the input ends inside a character\)/);
  // A 3-byte character straddling the 1 MiB read boundary decodes whole.
  const pad = 2 ** 20 - EVENTS[0].length - 1 - '{"process":0,"type":"ok","f":"write","value":"'.length - 1;
  const text = `${EVENTS[0]}\n{"process":0,"type":"ok","f":"write","value":"${'a'.repeat(pad)}€"}\n`;
  const straddle = write('straddle.jsonl', text);
  assert.equal(Buffer.from(text).indexOf(Buffer.from('€')), 2 ** 20 - 1, 'the euro sign starts one byte before the boundary');
  const h = await readHistory(straddle);
  assert.equal((h[1].value as string).slice(-2), 'a€');
});

test('a byte-order mark is skipped in EDN and JSONL; the format is sniffed without an extension', async () => {
  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  const edn = write('bom.edn', Buffer.concat([bom, Buffer.from(EDN_EVENTS.join('\n'))]));
  const jsonl = write('bom.jsonl', Buffer.concat([bom, Buffer.from(EVENTS.join('\n'))]));
  const ednNoExt = write('history-edn', Buffer.concat([bom, Buffer.from(`\n\n  ;; header\n${EDN_EVENTS.join('\n')}`)]));
  const jsonNoExt = write('history-json', `\n\n${EVENTS.join('\r\n')}\r\n`);
  const expected = await readHistory(edn);
  assert.equal(expected.length, 4);
  for (const f of [jsonl, ednNoExt, jsonNoExt]) assert.deepEqual(await readHistory(f), expected, f);
  assert.deepEqual(readHistoryFile(jsonNoExt), expected);
  // Line numbers count the blank lines before the first event.
  const late = write('late', `\n\n${EVENTS[0]}\n{"process":0,"type":"ok","f":"write"}\n${EVENTS[1]}`);
  assert.equal(await refusal(readHistory(late)), `${late}:5: a completion (ok "write") by process 0, which has no invocation open (its last invocation completed at line 4).`);
});

test('standard input ("-") is read, whatever its chunks; files that cannot be read get one sentence', async () => {
  const text = EDN_EVENTS.join('\n');
  const bytes = Buffer.from(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
  const h = await readHistory('-', { stdin: Readable.from(chunks) });
  assert.deepEqual(h, parseEdnHistory(text, 'x.edn'));
  assert.equal(await refusal(readHistory('-', { stdin: Readable.from([Buffer.from('{"process":0,"type":"ok","f":"x"}\n')]) })), 'standard input:1: a completion (ok "x") by process 0, which has no invocation open.');
  assert.equal(await refusal(readHistory('-', { stdin: Readable.from([]) })), 'standard input: no events in the file.');
  assert.equal(await refusal(readHistory(path.join(dir, 'missing.edn'))), `${path.join(dir, 'missing.edn')}: cannot read it (no such file).`);
  assert.equal(await refusal(readHistory(dir)), `${dir}: cannot read it (it is a directory).`);
  assert.equal(await refusal(() => readHistoryFile(dir)), `${dir}: cannot read it (it is a directory).`);
});

test('limits: total size, line length and depth each end in one sentence', async () => {
  const f = write('four.jsonl', `${EVENTS.join('\n')}\n`);
  assert.equal((await readHistory(f, { maxBytes: 1000 })).length, 4);
  assert.match(await refusal(readHistory(f, { maxBytes: 100 })), /four\.jsonl: larger than 100 bytes, the most this reads of a history/);
  assert.equal(readHistoryFile(f, { maxLineLength: 53 }).length, 4);
  assert.equal(await refusal(readHistory(f, { maxLineLength: 50 })), `${f}:1: a line longer than 50 characters, more than a history's line may be.`);
  // A line with no end (and no NUL) is refused as soon as it passes the limit, not at its end.
  let served = 0;
  const endless = Readable.from((function* () {
    for (;;) {
      served++;
      yield Buffer.alloc(65536, 0x61);
    }
  })());
  assert.equal(await refusal(readHistory('-', { stdin: endless, maxLineLength: 2 ** 20 })), "standard input:1: a line longer than 1.0 Mi characters, more than a history's line may be.");
  assert.ok(served <= 20, `read ${served} chunks`);
  // In EDN an event may span lines (a string, a pretty-printed map), but not without bound.
  const long = `{:process 0 :type :invoke :f :w :value "${'a\n'.repeat(600)}"}\n`;
  assert.equal(parseEdnHistory(long, 'h.edn', { maxLineLength: 1300 }).length, 1);
  assert.equal(await refusal(() => parseEdnHistory(long, 'h.edn', { maxLineLength: 1000 })), "h.edn:1: an event longer than 1000 characters, more than a history's event may be.");
  const vec = `[${EDN_EVENTS[0]}\n{:process 0 :type :ok :f :write :value [${'1\n'.repeat(600)}]}]`;
  assert.equal(await refusal(() => parseEdnHistory(vec, 'h.edn', { maxLineLength: 1000 })), "h.edn:2: an event longer than 1000 characters, more than a history's event may be.");
  assert.equal(parseEdnHistory(vec, 'h.edn', { maxLineLength: 1300 }).length, 2);
  // Depth: the limit holds exactly, in EDN and in JSON (fast and exact paths), from 1,000 to 100,000 levels.
  const nested = (open: string, close: string, n: number) => open.repeat(n) + close.repeat(n);
  assert.equal(parseJsonlHistory(`{"process":0,"type":"invoke","f":"w","value":${nested('[', ']', 9)}}`, 'h.jsonl', { maxDepth: 10 }).length, 1);
  assert.match(await refusal(() => parseJsonlHistory(`{"process":0,"type":"invoke","f":"w","value":${nested('[', ']', 10)}}`, 'h.jsonl', { maxDepth: 10 })), /^h\.jsonl:1: nested deeper than 10 levels \(at column \d+\), more than a history's values may be\.$/);
  assert.equal(parseEdnHistory(`{:process 0 :type :invoke :f :w :value ${nested('[', ']', 9)}}`, 'h.edn', { maxDepth: 10 }).length, 1);
  assert.equal(await refusal(() => parseEdnHistory(`{:process 0 :type :invoke :f :w :value ${nested('[', ']', 10)}}`, 'h.edn', { maxDepth: 10 })), "h.edn:1: nested deeper than 10 levels, more than a history's values may be.");
  for (const n of [1000, 5000, 100000]) {
    assert.equal(await refusal(() => parseJsonlHistory(`${EVENTS[0]}\n{"process":1,"type":"invoke","f":"w","value":${nested('{"a":', '}', n)}0}`, 'h.jsonl')), `h.jsonl:2: nested deeper than 1000 levels (at column ${46 + 5 * 999}), more than a history's values may be.`);
    assert.equal(await refusal(() => parseJsonlHistory(`{"process":1,"type":"invoke","f":"w","value":${nested('[', ']', n)},"big":12345678901234567890}`, 'h.jsonl')), `h.jsonl:1: nested deeper than 1000 levels (at column ${46 + 999}), more than a history's values may be.`);
    assert.equal(await refusal(() => parseEdnHistory(`${EDN_EVENTS[0]}\n{:value ${nested('(', ')', n)}}`, 'h.edn')), "h.edn:2: nested deeper than 1000 levels, more than a history's values may be.");
    assert.equal(await refusal(() => parseEdnHistory(`{:value ${'#_ '.repeat(n)} 1 ${'#tag '.repeat(n)} 1}`, 'h.edn')), "h.edn:1: nested deeper than 1000 levels, more than a history's values may be.");
  }
});

test('property: any split of the input into reads gives the history a whole read gives', () => {
  const lines = [...EDN_EVENTS, '{:process 2 :type :invoke :f :write :value "multi\nline €"}', '{:process 2 :type :info :f :write :value 12345678901234567890}'];
  const texts = { edn: `; c\n[${lines.join('\n ')}]\n`, jsonl: `${parseEdnHistory(lines.join('\n'), 'x.edn').map((o) => toJson(o)).join('\n')}\n` };
  for (const [format, text] of Object.entries(texts) as Array<['edn' | 'jsonl', string]>) {
    const whole = format === 'edn' ? parseEdnHistory(text, 'x') : parseJsonlHistory(text, 'x');
    const bytes = Buffer.from(`\ufeff${text}`);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), bytes.length];
        const p = new HistoryParser('x', { format });
        for (let k = 1; k < at.length; k++) p.pushBytes(bytes.subarray(at[k - 1], at[k]));
        const got: Op[] = p.end();
        assert.deepEqual(got, whole);
      }),
      { seed: 15, numRuns: 300 },
    );
  }
});
