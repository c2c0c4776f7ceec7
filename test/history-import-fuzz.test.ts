// Hostile input for the history importers (issue 15): real histories, mutated — bytes flipped,
// cut short, lines duplicated or dropped, values nested thousands deep, prototype keys, huge
// numbers, odd types, invalid UTF-8, NULs — fed to the parsers in reads of any size. Every case
// must end in a well-formed history or in a UsageError of one printable line: never another
// exception, never a hang (each case is small, and the test has a time bound).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { HistoryParser, type HistoryFormat } from '../src/history-read.ts';
import { parseEdnHistory } from '../src/history-import.ts';
import { UsageError } from '../src/errors.ts';
import { toJson } from '../src/util/values.ts';
import { generateRegisterHistory } from '../bench/gen-register-history.ts';
import type { Op } from '../src/types.ts';

const root = fileURLToPath(new URL('../../shared/histories/knossos/', import.meta.url));

/** EDN text of a value (what Jepsen would print). */
function edn(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'bigint') return `${v}N`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(edn).join(' ')}]`;
  return `{${Object.entries(v as object).map(([k, x]) => `:${k} ${edn(x)}`).join(', ')}}`;
}
const ednOp = (o: Op) => edn({ process: o.process === 'nemesis' ? undefined : o.process, type: o.type, f: o.f, value: o.value, time: o.time }).replace(':process nil', ':process :nemesis').replace(/:type "(\w+)"/, ':type :$1').replace(/:f "([\w-]+)"/, ':f :$1');

interface Seed {
  name: string;
  format: HistoryFormat;
  text: string;
}

function seeds(): Seed[] {
  const out: Seed[] = [];
  const histories: Array<[string, Op[]]> = [];
  if (fs.existsSync(root)) {
    for (const f of ['cas-register/bad/immediate-failure.edn', 'cas-register/good/cas-register-bug.edn', 'cas-register/bad/rethink-fail-minimal.edn', 'cas-register/bad/bad-analysis.edn']) {
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      out.push({ name: f, format: 'edn', text });
    }
    for (const f of ['multi-register/good/multi-register.edn', 'mutex/bad/etcd.edn', 'cas-register/bad/rethink-fail.edn']) {
      histories.push([f, parseEdnHistory(fs.readFileSync(path.join(root, f), 'utf8'), f).slice(0, 40)]);
    }
  }
  histories.push(['generated keyed cas-register', generateRegisterHistory({ ops: 40, keys: 3, processes: 5, infoRate: 0.2, seed: 7 })]);
  for (const [name, h] of histories) {
    out.push({ name: `${name} (jsonl)`, format: 'jsonl', text: `${h.map((o) => toJson(o)).join('\n')}\n` });
    out.push({ name: `${name} (edn lines)`, format: 'edn', text: `${h.map(ednOp).join('\n')}\n` });
  }
  return out;
}

const SEEDS = seeds();

type Mutation = (b: Buffer, r: number, s: number) => Buffer;
const at = (b: Buffer, r: number) => (b.length ? r % (b.length + 1) : 0);
const splice = (b: Buffer, i: number, del: number, ins: Buffer | string) => Buffer.concat([b.subarray(0, i), Buffer.from(ins), b.subarray(i + del)]);
const lines = (b: Buffer) => b.toString('latin1').split('\n');
const joinLines = (ls: string[]) => Buffer.from(ls.join('\n'), 'latin1');
/** Replaces the first token like `re` at or after a position. */
const replaceFrom = (b: Buffer, r: number, re: RegExp, by: string) => {
  const s = b.toString('latin1');
  const i = at(b, r);
  const m = new RegExp(re.source, 'g');
  m.lastIndex = i;
  const hit = m.exec(s) ?? re.exec(s);
  return hit ? splice(b, hit.index, Buffer.byteLength(hit[0], 'latin1'), by) : splice(b, i, 0, by);
};
const ODD = ['#{}', '"str"', '[]', '{}', '()', '##NaN', '##Inf', 'true', ':kw', '\\c', '#inst "x"', '1/3', '-', 'nil', 'null', '#_', '#', '"\\u0000"', '{"a"}', '1e999', '-0', '0x10', '"\u202e"', '#jepsen.independent.Tuple [1]', '#jepsen.independent.Tuple [1 2]'];

const MUTATIONS: Record<string, Mutation> = {
  flip: (b, r, s) => {
    const c = Buffer.from(b);
    if (c.length) c[r % c.length] = s & 0xff;
    return c;
  },
  truncate: (b, r) => b.subarray(0, at(b, r)),
  duplicateLine: (b, r) => {
    const ls = lines(b);
    const i = r % ls.length;
    ls.splice(i, 0, ls[i]);
    return joinLines(ls);
  },
  dropLine: (b, r) => {
    const ls = lines(b);
    ls.splice(r % ls.length, 1);
    return joinLines(ls);
  },
  swapLines: (b, r, s) => {
    const ls = lines(b);
    const i = r % ls.length;
    const j = s % ls.length;
    [ls[i], ls[j]] = [ls[j], ls[i]];
    return joinLines(ls);
  },
  deepNest: (b, r, s) => {
    const n = [10, 999, 1000, 1001, 5000, 20000][s % 6];
    const [o, c] = [['[', ']'], ['(', ')'], ['{"a":', '}'], ['{:a ', '}'], ['#_ ', ' 1'], ['#t ', '']][(s >> 3) % 6];
    return replaceFrom(b, r, /nil|null|\d+/, `${o.repeat(n)}1${c.repeat(n)}`);
  },
  protoKey: (b, r, s) => {
    const ins = [':__proto__ {:process 0 :type :invoke :f :read} ', '"__proto__":{"process":0,"type":"invoke","f":"read"},', ':__proto__ nil ', '"__proto__":null,', ':constructor {:prototype 1} ', '"constructor":{"prototype":{"x":1}},'][s % 6];
    return replaceFrom(b, r, /\{/, `{${ins}`);
  },
  protoValue: (b, r, s) => replaceFrom(b, r, /nil|null|\d+/, ['{:__proto__ {:a 1}}', '{"__proto__":{"a":1}}', '{:__proto__ nil}', '{"__proto__":[1]}'][s % 4]),
  addKey: (b, r, s) => replaceFrom(b, r, /\{/, `{${[':key 1 ', '"key":2,', ':key "k" ', '"key":{"__proto__":1},', ':key 123456789012345678901 '][s % 5]}`),
  hugeNumber: (b, r, s) => replaceFrom(b, r, /\d+/, ['9007199254740993', '-9007199254740993', '1'.repeat(40), '9'.repeat(400), '123456789012345678901234567890N', '1e400', '12345678901234567890.5', '3.0M', '1234567890123456'][s % 9]),
  oddType: (b, r, s) => replaceFrom(b, r, /nil|null|:\w+|"\w+"|\d+/, ODD[s % ODD.length]),
  badUtf8: (b, r, s) => splice(b, at(b, r), 0, Buffer.from([[0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]][s % 6])),
  nul: (b, r) => splice(b, at(b, r), 0, Buffer.from([0])),
  randomBytes: (b, r, s) => splice(b, at(b, r), 0, Buffer.from(Array.from({ length: 1 + (s % 40) }, (_, k) => (s * 31 + k * 97) & 0xff))),
  bom: (b, r, s) => (s % 2 ? splice(b, 0, 0, Buffer.from([0xef, 0xbb, 0xbf])) : splice(b, at(b, r), 0, '\ufeff')),
  crlf: (b) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'),
  control: (b, r, s) => splice(b, at(b, r), 0, String.fromCharCode([1, 7, 8, 11, 12, 27, 127, 0x85, 0x2028][s % 9])),
};
const NAMES = Object.keys(MUTATIONS);

/** Every object in a value has an ordinary prototype (none was set from the input). */
function ordinaryPrototypes(v: unknown): boolean {
  const stack = [v];
  while (stack.length) {
    const x = stack.pop();
    if (x === null || typeof x !== 'object') continue;
    const p = Object.getPrototypeOf(x);
    if (p !== Object.prototype && p !== Array.prototype) return false;
    for (const k of Object.keys(x)) stack.push((x as Record<string, unknown>)[k]);
  }
  return true;
}

function wellFormed(h: Op[]): void {
  const open = new Map<number, Op>();
  h.forEach((o, i) => {
    assert.equal(o.index, i);
    assert.ok(['invoke', 'ok', 'fail', 'info'].includes(o.type));
    assert.ok(o.process === 'nemesis' || Number.isInteger(o.process));
    assert.ok(typeof o.f === 'string' && o.f.length > 0);
    assert.ok(Number.isFinite(o.time));
    assert.ok(o.node === undefined || typeof o.node === 'string');
    assert.ok(o.error === undefined || typeof o.error.text === 'string');
    assert.ok(ordinaryPrototypes(o.value), 'no prototype from the input');
    if (o.process === 'nemesis') return;
    if (o.type === 'invoke') {
      assert.ok(!open.has(o.process), 'no double invocation');
      open.set(o.process, o);
    } else {
      assert.equal(open.get(o.process)?.f, o.f, 'a completion of an open invocation with its f');
      open.delete(o.process);
    }
  });
}

/** A short name for what a refusal says. */
function category(msg: string): string {
  const rules: Array<[RegExp, string]> = [
    [/nested deeper/, 'too deep'],
    [/longer than/, 'too long'],
    [/NUL byte/, 'NUL byte'],
    [/not valid UTF-8/, 'invalid UTF-8'],
    [/not valid EDN/, 'invalid EDN'],
    [/not valid JSON/, 'invalid JSON'],
    [/no invocation open/, 'completion without invocation'],
    [/has not completed/, 'double invocation'],
    [/f .* differs/, 'f differs'],
    [/key/, 'key mismatch'],
    [/field "/, 'bad field'],
    [/expected an event/, 'not an event'],
    [/another form/, 'form after vector'],
    [/no events/, 'empty'],
  ];
  return rules.find(([re]) => re.test(msg))?.[1] ?? `other: ${msg}`;
}

test('fuzz: mutated real histories parse, or are refused in one line; nothing else', { timeout: 300_000 }, (t) => {
  assert.ok(SEEDS.length >= 3);
  const outcomes = new Map<string, number>();
  const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
  let slowest = 0;
  const mutation = fc.record({ name: fc.constantFrom(...NAMES), r: fc.nat(), s: fc.nat() });
  const run = () =>
    fc.assert(
    fc.property(fc.nat(SEEDS.length - 1), fc.array(mutation, { minLength: 0, maxLength: 4 }), fc.boolean(), fc.array(fc.integer({ min: 1, max: 4096 }), { maxLength: 6 }), (si, muts, sniff, reads) => {
      const seed = SEEDS[si];
      let bytes: Buffer = Buffer.from(seed.text);
      for (const m of muts) bytes = MUTATIONS[m.name](bytes, m.r, m.s);
      const started = performance.now();
      const p = new HistoryParser('fuzz', { format: sniff ? undefined : seed.format });
      let h: Op[];
      try {
        let off = 0;
        for (const n of reads) {
          p.pushBytes(bytes.subarray(off, off + n));
          off += n;
        }
        p.pushBytes(bytes.subarray(off));
        h = p.end();
      } catch (e) {
        if (!(e instanceof UsageError)) throw new Error(`not a UsageError after ${muts.map((m) => m.name).join(', ')} on ${seed.name}: ${String((e as Error)?.stack ?? e)}`);
        assert.match(e.message, /^fuzz(:\d+)?: [^\p{C}\u2028\u2029]+$/u, `one printable line: ${JSON.stringify(e.message)}`);
        count(`refused: ${category(e.message)}`);
        return;
      } finally {
        slowest = Math.max(slowest, performance.now() - started);
      }
      wellFormed(h);
      count('parsed');
    }),
    { seed: 20251203, numRuns: 1500 },
  );
  try {
    run();
  } catch (e) {
    // Show what went wrong in the failing case, not only its shrunk input.
    throw new Error(`${(e as Error).message}\nCause: ${String((e as Error).cause)}`);
  }
  const total = [...outcomes.values()].reduce((a, b) => a + b, 0);
  const lines = [...outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`);
  t.diagnostic(`${total} cases; ${lines.join('; ')}; slowest case ${slowest.toFixed(0)} ms`);
  assert.equal(total, 1500);
  assert.ok(!lines.some((l) => l.startsWith('refused: other')), 'every refusal is one of the known kinds');
  // The mix must exercise both ends: many histories still parse, and many kinds of refusal occur.
  assert.ok((outcomes.get('parsed') ?? 0) >= 150, 'at least a tenth parse');
  assert.ok(outcomes.size >= 10, `at least nine kinds of refusal (${outcomes.size - 1})`);
});
