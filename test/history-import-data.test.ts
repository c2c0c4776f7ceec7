// Histories are data: exact integers, prototype keys as ordinary keys, keys of independent
// histories kept, tagged literals read, and only well-formed (paired) histories accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEdnHistory, parseJsonlHistory } from '../src/history-import.ts';
import { readEdn } from '../src/edn.ts';
import { parseJsonExact, parseJsonLine } from '../src/json-exact.ts';
import { UsageError } from '../src/errors.ts';
import { canonical } from '../src/util/values.ts';

const err = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UsageError, `a UsageError, not ${String(e)}`);
    assert.equal(e.message.split('\n').length, 1, 'one line');
    return e.message;
  }
  assert.fail('no error');
};

const inv = (p: number | string, f: string, v: string) => `{:process ${p} :type :invoke :f :${f} :value ${v}}`;
const ok = (p: number | string, f: string, v: string, type = 'ok') => `{:process ${p} :type :${type} :f :${f} :value ${v}}`;
const jinv = (p: number, f: string, v: string) => `{"process":${p},"type":"invoke","f":"${f}","value":${v}}`;
const jok = (p: number, f: string, v: string) => `{"process":${p},"type":"ok","f":"${f}","value":${v}}`;

test('integers beyond 2^53 are exact bigints in EDN and JSONL alike; smaller ones are numbers', () => {
  const edn = parseEdnHistory([inv(0, 'write', '9007199254740993'), ok(0, 'write', '9007199254740993N'), inv(1, 'read', 'nil'), ok(1, 'read', '9007199254740992')].join('\n'), 'h.edn');
  const jsonl = parseJsonlHistory([jinv(0, 'write', '9007199254740993'), jok(0, 'write', '9007199254740993'), jinv(1, 'read', 'null'), jok(1, 'read', '9007199254740992')].join('\n'), 'h.jsonl');
  assert.deepEqual(edn, jsonl);
  assert.equal(edn[0].value, 9007199254740993n);
  assert.equal(edn[3].value, 9007199254740992n);
  assert.notEqual(canonical(edn[0].value), canonical(edn[3].value), 'the write and the read differ');
  // 16-digit integers that fit a double stay numbers; so do decimals and exponents.
  const [f] = readEdn('[1234567890123456 -9007199254740991 -9007199254740993 1.5 2e3 10M 123456789012345678901234567890M 0.5M]');
  assert.deepEqual(f.value, [1234567890123456, -9007199254740991, -9007199254740993n, 1.5, 2000, 10, 123456789012345678901234567890n, 0.5]);
  // The reader's shortcuts (small integers read in place, repeated keywords shared) give what
  // the general path gives.
  const [g] = readEdn('[+5 -0 007 123456789012345 -123456789012345 9007199254740991 :abcd :abce :abcd :abce :x :abcdefghijklmnop 5N 5.0 5M]');
  assert.deepEqual(g.value, [5, -0, 7, 123456789012345, -123456789012345, 9007199254740991, 'abcd', 'abce', 'abcd', 'abce', 'x', 'abcdefghijklmnop', 5, 5, 5]);
  assert.ok(Object.is((g.value as unknown[])[1], -0));
  assert.deepEqual(parseJsonLine('[1234567890123456,-9007199254740993,1.5e3,"12345678901234567890",123456789012345678901234567890]'), [1234567890123456, -9007199254740993n, 1500, '12345678901234567890', 123456789012345678901234567890n]);
});

test('EDN ratios, ##Inf/##NaN, characters, tagged literals and sets', () => {
  const [f] = readEdn('[1/4 -3/2 ##Inf ##-Inf ##NaN \\a \\newline \\u0041 #inst "2020-01-01T00:00:00Z" #uuid "f81d4fae-7dec-11d0-a765-00a0c91e6bf6" #{3 1 2} #{[:b] [:a]}]');
  assert.deepEqual(f.value, [0.25, -1.5, Infinity, -Infinity, NaN, 'a', '\n', 'A', '2020-01-01T00:00:00Z', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6', [1, 2, 3], [['a'], ['b']]]);
  // Jepsen's record form of an op.
  const h = parseEdnHistory('[#jepsen.history.Op{:index 0, :time 5, :type :invoke, :process 0, :f :read, :value nil}]', 'h.edn');
  assert.deepEqual(h[0], { index: 0, time: 5, type: 'invoke', process: 0, f: 'read', value: null });
  assert.match(err(() => parseEdnHistory('{:process 0 :type :invoke :f :x :value 1/0}', 'h.edn')), /^h\.edn:1: not valid EDN: the ratio 1\/0 divides by zero\.$/);
  assert.match(err(() => parseEdnHistory('{:process 0 :type :invoke :f :x :value 12abc}', 'h.edn')), /^h\.edn:1: not valid EDN: "12abc" is not a number EDN can read\.$/);
  assert.match(err(() => parseEdnHistory('{:process 0 :type :invoke :f :x :value ##Foo}', 'h.edn')), /unknown symbolic value/);
});

test('__proto__ is an ordinary key: it never sets a prototype, never hides fields, never pollutes', () => {
  // A prototype key inside a value stays data.
  const [a] = parseEdnHistory(inv(0, 'write', '{:__proto__ {:polluted 1} :k 2}'), 'h.edn');
  const v = a.value as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.deepEqual(Object.keys(v), ['__proto__', 'k']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(v, '__proto__')?.value, { polluted: 1 });
  const [b] = parseJsonlHistory(jinv(0, 'write', '{"__proto__":{"polluted":1},"big":90071992547409930}'), 'h.jsonl'); // exact path
  assert.deepEqual(Object.keys(b.value as object), ['__proto__', 'big']);
  assert.equal(Object.getPrototypeOf(b.value), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  // Fields are never hidden behind a prototype key, and never read from one.
  assert.equal(err(() => parseEdnHistory('{:__proto__ {:process 0 :type :invoke :f :read}}', 'h.edn')), 'h.edn:1: field "process" is missing.');
  assert.equal(err(() => parseJsonlHistory('{"__proto__":{"process":0,"type":"invoke","f":"read"}}', 'h.jsonl')), 'h.jsonl:1: field "process" is missing.');
  assert.equal(err(() => parseJsonlHistory('{"__proto__":{"process":0,"type":"invoke","f":"read"},"big":90071992547409930}', 'h.jsonl')), 'h.jsonl:1: field "process" is missing.');
  assert.equal(err(() => parseEdnHistory('{:process 0 :type :invoke :f :read :node {:__proto__ nil}}', 'h.edn')), 'h.edn:1: field "node" must be a string.');
  // An error holding a prototype key or a bigint becomes text, not a crash.
  const h = parseEdnHistory(`${inv(0, 'x', 'nil')}\n{:process 0 :type :info :f :x :error {:__proto__ 1 :n 123456789012345678901}}`, 'h.edn');
  assert.deepEqual(h[1].error, { text: '{"__proto__":1,"n":123456789012345678901}' });
  assert.match(err(() => parseEdnHistory('{:process 0 :process 1 :type :invoke :f :read}', 'h.edn')), /^h\.edn:1: not valid EDN: the map has the key "process" twice\.$/);
});

test('a top-level :key makes the op keyed ({key, value}); completions inherit their invocation\'s key', () => {
  // Porcupine's kv histories.
  const kv = [
    '{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}',
    '{:process 1, :type :invoke, :f :get, :key "0", :value nil}',
    '{:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}',
    '{:process 1, :type :ok, :f :get, :value "x 0 0 y"}',
  ].join('\n');
  const h = parseEdnHistory(kv, 'kv.edn');
  assert.deepEqual(h.map((o) => o.value), [
    { key: '0', value: 'x 0 0 y' },
    { key: '0', value: null },
    { key: '0', value: 'x 0 0 y' },
    { key: '0', value: 'x 0 0 y' },
  ]);
  const j = parseJsonlHistory('{"process":0,"type":"invoke","f":"read","key":7,"value":null}\n{"process":0,"type":"ok","f":"read","key":7,"value":3}', 'h.jsonl');
  assert.deepEqual(j[1].value, { key: 7, value: 3 });
  assert.equal(err(() => parseEdnHistory('{:process 0 :type :invoke :f :get :key "5"}\n{:process 0 :type :ok :f :get :key "6" :value 1}', 'h.edn')), 'h.edn:2: the completion\'s key "6" differs from key "5" of its invocation at line 1.');
  assert.equal(err(() => parseEdnHistory('{:process 0 :type :invoke :f :get}\n{:process 0 :type :ok :f :get :key "6" :value 1}', 'h.edn')), 'h.edn:2: the completion has the key "6" but its invocation at line 1 has none.');
  // A tagged tuple is a keyed value; with independent, every client value is a [key value] tuple.
  assert.deepEqual(parseEdnHistory(inv(0, 'read', '#jepsen.independent.Tuple [3 nil]'), 'h.edn')[0].value, { key: 3, value: null });
  assert.deepEqual(parseEdnHistory(inv(0, 'read', '#jepsen.independent.Tuple {:key 3 :value 1}'), 'h.edn')[0].value, { key: 3, value: 1 });
  const ind = parseEdnHistory([inv(0, 'cas', '[3 [1 2]]'), ok(0, 'cas', 'nil', 'fail'), '{:process :nemesis :type :info :f :start :value [:a :b]}'].join('\n'), 'h.edn', { independent: true });
  assert.deepEqual(ind.map((o) => o.value), [{ key: 3, value: [1, 2] }, { key: 3, value: null }, ['a', 'b']]);
  assert.equal(err(() => parseEdnHistory(inv(0, 'read', 'nil'), 'h.edn', { independent: true })), 'h.edn:1: field "value" must be an independent [key value] tuple, found null.');
  // Without independent, a pair is just a pair (a cas).
  assert.deepEqual(parseEdnHistory(inv(0, 'cas', '[1 2]'), 'h.edn')[0].value, [1, 2]);
});

test('pairing: completions need an open invocation of their process, with the same f', () => {
  assert.equal(err(() => parseEdnHistory(`${inv(0, 'read', 'nil')}\n${ok(1, 'read', '3')}`, 'h.edn')), 'h.edn:2: a completion (ok "read") by process 1, which has no invocation open.');
  assert.equal(
    err(() => parseEdnHistory(`${inv(0, 'read', 'nil')}\n${ok(0, 'read', '3')}\n${ok(0, 'read', '3')}`, 'h.edn')),
    'h.edn:3: a completion (ok "read") by process 0, which has no invocation open (its last invocation completed at line 2).',
  );
  assert.equal(err(() => parseJsonlHistory(`${jinv(0, 'write', '1')}\n\n${jinv(0, 'read', 'null')}`, 'h.jsonl')), 'h.jsonl:3: process 0 invokes "read" while its "write" invoked at line 1 has not completed.');
  assert.equal(err(() => parseEdnHistory(`${inv(0, 'read', 'nil')}\n${ok(0, 'write', '3')}`, 'h.edn')), 'h.edn:2: the completion\'s f "write" differs from "read" of its invocation at line 1.');
  // Nemesis ops are exempt; an info completes an invocation; open invocations at the end are fine.
  const h = parseEdnHistory(
    [inv(':nemesis', 'start', 'nil'), ok(':nemesis', 'start', '"a"', 'info'), ok(':nemesis', 'start', '"b"', 'info'), inv(0, 'write', '1'), ok(0, 'write', '1', 'info'), inv(0, 'write', '2'), inv(1, 'read', 'nil')].join('\n'),
    'h.edn',
  );
  assert.equal(h.length, 7);
});

test('EDN structure: one vector (or list) of events, or one event per form; never both', () => {
  const list = parseEdnHistory(`(${inv(0, 'read', 'nil')}\n ${ok(0, 'read', '1')})`, 'h.edn');
  assert.equal(list.length, 2);
  assert.equal(err(() => parseEdnHistory(`[${inv(0, 'read', 'nil')}]\n${ok(0, 'read', '1')}`, 'h.edn')), 'h.edn:2: another form after the vector of events (a history is one vector of events, or one event per line).');
  assert.match(err(() => parseEdnHistory(`[${inv(0, 'read', 'nil')}`, 'h.edn')), /^h\.edn:1: not valid EDN: unterminated vector \(no closing \]\)\.$/);
  assert.match(err(() => parseEdnHistory('{:a "unterminated\nstring', 'h.edn')), /^h\.edn:1: not valid EDN: unterminated string/);
  assert.match(err(() => parseEdnHistory(`[${inv(0, 'read', 'nil')})`, 'h.edn')), /^h\.edn:1: not valid EDN: unexpected \) inside a vector opened at line 1/);
  // Line numbers of events in a vector follow the lines they start on (strings may span lines).
  assert.match(err(() => parseEdnHistory(`[${inv(0, 'read', '"a\nb"')}\n\n ${ok(0, 'write', '1')}]`, 'h.edn')), /^h\.edn:4: the completion's f/);
});

test('exact JSON parser: the JSON grammar, and messages that never quote the input', () => {
  for (const good of ['{}', '[]', '{"a":[1,{"b":null}],"c":"\\u00e9\\n"}', ' -0.5e-3 ', '"x"', 'true']) assert.deepEqual(parseJsonExact(good), JSON.parse(good), good);
  for (const bad of ['{', '[1,]', '{"a" 1}', '01', '1.', '-', '"\u0001"', '"\\x"', 'nul', '{"a":1}}', '\u00ff\u001b[31m']) {
    assert.throws(() => JSON.parse(bad));
    assert.throws(() => parseJsonExact(bad), (e: Error) => /column \d+$/.test(e.message) && !/[\u0000-\u001f\u007f-\uffff]/.test(e.message), bad);
  }
  assert.equal(err(() => parseJsonlHistory('\u00ff\u00fe\u001b[31mred', 'h.jsonl')), 'h.jsonl:1: not valid JSON (unexpected character U+00FF at column 1).');
  assert.equal(err(() => parseJsonlHistory('[\n {"process":0,"type":"invoke","f":"read"}\n]', 'h.json')), 'h.json:1: not valid JSON (unexpected end of line at column 2); a history in JSON is JSON Lines, one event (an object) per line, not an array.');
});
