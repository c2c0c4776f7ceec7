// boundedJson is JSON.stringify cut short, without the cost of stringifying all of a huge value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { boundedJson } from '../src/util/bounded-json.ts';

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

test('property: the same text as JSON.stringify, cut at the bound', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 300 }), (v, max) => {
      assert.equal(boundedJson(v, max), cut(JSON.stringify(v), max));
    }),
    { numRuns: 2000 },
  );
});

test('an 8 MB value is cut in proportion to the bound, and depth cannot overflow the stack', () => {
  const huge = { type: 'error', text: 'x'.repeat(8 << 20), more: Array.from({ length: 1 << 20 }, (_, i) => i) };
  assert.equal(boundedJson(huge, 40), `${JSON.stringify({ type: 'error', text: 'x'.repeat(40) }).slice(0, 40)}…`);
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(boundedJson(deep, 10), `${'['.repeat(10)}…`);
  assert.equal(boundedJson({ n: 2n ** 64n, u: undefined, f: () => 1 }, 100), '{"n":18446744073709551616}');
});
