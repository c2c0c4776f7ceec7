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
import { MUTATIONS, MUTATION_NAMES } from '../fuzz/mutations.ts';
import { ednOp } from '../fuzz/seeds.ts';

const root = fileURLToPath(new URL('./fixtures/knossos/', import.meta.url));

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

const NAMES = MUTATION_NAMES;

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
