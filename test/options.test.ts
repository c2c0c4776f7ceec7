// The option layer: every given value is coerced and checked against its spec; refusals are one
// sentence naming the flag; nothing a Node timer cannot hold gets through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_TIMER_MS, coerce, resolveOptions, type OptionSpec } from '../src/options.ts';
import { UsageError } from '../src/errors.ts';

const secs: OptionSpec = { name: 'timeLimit', type: 'number', above: 0, unit: 's', description: '' };
const list: OptionSpec = { name: 'nemesis', type: 'list', choices: ['none', 'kill', 'pause'], unique: true, description: '' };
const oneSentence = (e: unknown) => e instanceof UsageError && !e.message.includes('\n') && e.message.endsWith('.');

test('numbers: strings from the command line and numbers from code; ranges and timer bounds enforced', () => {
  assert.equal(coerce(secs, '2.5'), 2.5);
  assert.equal(coerce(secs, 7), 7);
  for (const bad of ['abc', '', '0', '-1', 'NaN', 'Infinity', '1e12', 2 ** 31]) assert.throws(() => coerce(secs, bad), oneSentence, String(bad));
  assert.equal(coerce(secs, Math.floor(MAX_TIMER_MS / 1000)), Math.floor(MAX_TIMER_MS / 1000));
  const int: OptionSpec = { name: 'nodeCount', type: 'integer', min: 1, max: 64, description: '' };
  assert.throws(() => coerce(int, '2.5'), /--node-count "2.5": expected a whole number from 1 to 64\./);
});

test('property: a seconds option accepts exactly the positive finite values a timer can hold', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: false }), (x) => {
      const ok = Number.isFinite(x) && x > 0 && x <= Math.floor(MAX_TIMER_MS / 1000);
      try {
        assert.equal(coerce(secs, String(x)), x);
        return ok;
      } catch (e) {
        return !ok && oneSentence(e);
      }
    }),
    { numRuns: 2000 },
  );
});

test('lists: empty items, repeats and unknown choices are refused', () => {
  assert.deepEqual(coerce(list, 'kill,pause'), ['kill', 'pause']);
  assert.deepEqual(coerce(list, ['kill']), ['kill']);
  assert.throws(() => coerce(list, 'kill,,pause'), /a list item is empty/);
  assert.throws(() => coerce(list, 'kill,kill'), /"kill" is listed twice/);
  assert.throws(() => coerce(list, 'kill,nope'), /"nope" is not one of none, kill, pause/);
});

test('booleans and strings', () => {
  const b: OptionSpec = { name: 'fifo', type: 'boolean', description: '' };
  assert.equal(coerce(b, true), true);
  assert.equal(coerce(b, 'false'), false);
  assert.throws(() => coerce(b, 'maybe'), oneSentence);
  const s: OptionSpec = { name: 'db', type: 'string', choices: ['demo', 'etcd'], description: '' };
  assert.throws(() => coerce(s, ''), /--db "": expected one of demo, etcd/);
});

test('resolve: given beats suggested beats the default; a flag given twice is refused; validators see every value', () => {
  const specs: OptionSpec[] = [
    { name: 'keyCount', type: 'integer', default: 5, min: 1, description: '' },
    { name: 'holdMs', type: 'number', default: 10, min: 0, description: '', validate: (v, all) => (Number(v) > Number(all.keyCount) * 100 ? 'longer than the keys allow' : undefined) },
  ];
  assert.deepEqual({ ...resolveOptions({ specs, given: {} }) }, { keyCount: 5, holdMs: 10 });
  assert.deepEqual({ ...resolveOptions({ specs, given: { keyCount: '2' }, suggested: { keyCount: 3, holdMs: 20 }, fromCli: true }) }, { keyCount: 2, holdMs: 20 });
  assert.throws(() => resolveOptions({ specs, given: { keyCount: ['1', '2'] }, fromCli: true }), /--key-count is given 2 times/);
  assert.throws(() => resolveOptions({ specs, given: { holdMs: 900 } }), /--hold-ms 900: longer than the keys allow\./);
});
