// Lines cut from chunks of any size (the same lines whatever the chunking, a line spanning many
// chunks joined whole, the unfinished line kept until its newline comes), and lines batched per write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineBatch, LineSplitter } from '../src/util/lines.ts';

/** Cuts text at the given positions (any, sorted, possibly repeated: empty chunks too). */
function chunks(text: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(text.slice(prev, c));
    prev = c;
  }
  out.push(text.slice(prev));
  return out;
}

test('property: the lines do not depend on how the text is chunked', () => {
  const line = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '{', '"', '\r', '\u00e9', '\ud83d\ude00'), maxLength: 30 });
  fc.assert(
    fc.property(fc.array(line, { maxLength: 12 }), line, fc.array(fc.nat(), { maxLength: 20 }), (complete, rest, cuts) => {
      const text = complete.map((l) => `${l}\n`).join('') + rest;
      const got: string[] = [];
      const s = new LineSplitter();
      for (const c of chunks(text, cuts)) s.push(c, (l) => got.push(l));
      assert.deepEqual(got, complete);
      assert.equal(s.pendingLength, rest.length);
      s.push('\n', (l) => got.push(l));
      assert.deepEqual(got, rest ? [...complete, rest] : [...complete, '']);
      assert.equal(s.pendingLength, 0);
    }),
    { numRuns: 500, seed: 15 },
  );
});

test('a line of 8 MB in 64 kB chunks comes out whole, once', () => {
  const big = 'x'.repeat(8 * 1024 * 1024);
  const text = `a\n${big}\nb\n`;
  const s = new LineSplitter();
  const got: string[] = [];
  for (let i = 0; i < text.length; i += 65536) s.push(text.slice(i, i + 65536), (l) => got.push(l));
  assert.equal(got.length, 3);
  assert.equal(got[0], 'a');
  assert.equal(got[1].length, big.length);
  assert.equal(got[1], big);
  assert.equal(got[2], 'b');
});

test('reset forgets the unfinished line', () => {
  const s = new LineSplitter();
  const got: string[] = [];
  s.push('half a li', (l) => got.push(l));
  assert.equal(s.pendingLength, 9);
  s.reset();
  s.push('ne\nnext\n', (l) => got.push(l));
  assert.deepEqual(got, ['ne', 'next']);
});

test('a line batch writes the lines of one turn of the event loop in one write; cleared lines are never written', async () => {
  const writes: string[] = [];
  const batch = new LineBatch((text) => writes.push(text));
  batch.push('a');
  batch.push('b');
  assert.deepEqual(writes, [], 'nothing is written before the turn ends');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(writes, ['a\nb\n']);
  batch.push('lost');
  batch.clear();
  batch.push('c');
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(writes, ['a\nb\n', 'c\n']);
});
