// The exceptions checker groups client errors by message (numbers blanked) and keeps each group
// bounded whatever the system answered: results.json must not carry a node's 8 MB error texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkExceptions, MAX_TEXT } from '../checkers/exceptions.ts';
import type { Op } from '../src/types.ts';
import { toJson } from '../src/util/values.ts';

function failing(texts: string[]): Op[] {
  const h: Op[] = [];
  texts.forEach((text, i) => {
    h.push({ index: h.length, time: h.length, type: 'invoke', process: i, f: 'read', value: null });
    h.push({ index: h.length, time: h.length, type: 'info', process: i, f: 'read', value: null, error: { code: 13, text } });
  });
  return h;
}

test('errors are grouped by message with numbers blanked, most common first', () => {
  const r = checkExceptions(failing(['n3 timed out after 1000 ms', 'n1 timed out after 20 ms', 'refused', 'n2 timed out after 5 ms']));
  assert.equal(r.valid, true);
  assert.deepEqual(r.groups.map((g) => g.count), [3, 1]);
  assert.equal(r.groups[0].error, '13 crash: n3 timed out after 1000 ms');
  assert.equal(r.groups[0].example.index, 1);
});

test("18 distinct 8 MB error texts: a bounded result, each group's text cut with its length shown", () => {
  const size = 8 * 1024 * 1024;
  const texts = Array.from({ length: 18 }, (_, i) => String.fromCharCode(65 + i).repeat(size));
  const r = checkExceptions(failing([...texts, ...texts]));
  assert.equal(r.groups.length, 18);
  for (const g of r.groups) {
    assert.equal(g.count, 2);
    assert.ok(g.error.length < MAX_TEXT + 100);
    assert.match(g.error, new RegExp(`… \\(${size + '13 crash: '.length} characters\\)$`));
    assert.ok(g.example.error!.text.length < MAX_TEXT + 100);
    assert.match(g.example.error!.text, new RegExp(`… \\(${size} characters\\)$`));
  }
  assert.ok(toJson(r).length < 100_000, `results of ${toJson(r).length} characters`);
});

test('long texts that differ only past the kept prefix are one group; short ones are untouched', () => {
  const head = 'x'.repeat(MAX_TEXT + 10);
  const r = checkExceptions(failing([`${head}a`, `${head}b`, 'short']));
  assert.deepEqual(r.groups.map((g) => g.count), [2, 1]);
  assert.equal(r.groups[1].error, '13 crash: short');
  assert.equal(r.groups[1].example.error!.text, 'short');
});
