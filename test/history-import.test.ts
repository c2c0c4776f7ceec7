import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEdnHistory, parseJsonlHistory } from '../src/history-import.ts';
import { readEdn } from '../src/edn.ts';
import { UsageError } from '../src/errors.ts';

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

test('EDN: vectors, maps, keywords, nil, strings, numbers, comments, tags, sets', () => {
  const [f] = readEdn('; a comment\n[{:a 1, :b [:read :x nil] :c "s\\"q" :d -2.5 :e #{1 2} :f #inst "2020" :g 10N #_ :skipped :h true}]');
  assert.deepEqual(f.value, [{ a: 1, b: ['read', 'x', null], c: 's"q', d: -2.5, e: [1, 2], f: '2020', g: 10, h: true }]);
});

test('EDN histories in vector form and one map per line give the same ops', () => {
  const vec = parseEdnHistory('[{:process 0, :type :invoke, :f :read, :value nil}\n {:process 0, :type :ok, :f :read, :value 3}]', 'h.edn');
  const lines = parseEdnHistory(';; header\n{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value 3}\n', 'h.edn');
  assert.deepEqual(vec, lines);
  assert.deepEqual(vec[1], { index: 1, time: 1, type: 'ok', process: 0, f: 'read', value: 3 });
  const nem = parseEdnHistory('{:process :nemesis, :type :info, :f :start, :time 5, :error [:x "y"]}', 'n.edn');
  assert.deepEqual(nem[0], { index: 0, time: 5, type: 'info', process: 'nemesis', f: 'start', value: null, error: { text: '["x","y"]' } });
});

test('malformed EDN: one line naming the file, the line and what is wrong', () => {
  assert.equal(err(() => parseEdnHistory('{:process 0 :type :invoke :f :read}\n{:process 0 :type :okay :f :read}', 'h.edn')), 'h.edn:2: field "type" must be one of invoke, ok, fail, info.');
  assert.equal(err(() => parseEdnHistory('[{:process 0 :type :invoke :f :read}\n {:type :ok :f :read}]', 'h.edn')), 'h.edn:2: field "process" is missing.');
  assert.equal(err(() => parseEdnHistory('{:process "p" :type :ok :f :read}', 'h.edn')), 'h.edn:1: field "process" must be an integer or nemesis.');
  assert.match(err(() => parseEdnHistory('\n\n{:process 0 :type :ok', 'h.edn')), /^h\.edn:3: not valid EDN: unterminated map/);
  assert.match(err(() => parseEdnHistory('[1 2]', 'h.edn')), /^h\.edn:1: expected an event/);
  assert.match(err(() => parseEdnHistory('', 'h.edn')), /no events/);
});

test('malformed JSONL: one line naming the file, the line and the field', () => {
  const good = '{"index":0,"time":5,"type":"invoke","process":0,"f":"add","value":1}';
  assert.equal(parseJsonlHistory(`${good}\n`, 'h.jsonl')[0].time, 5);
  assert.match(err(() => parseJsonlHistory(`${good}\n{"type":"ok"`, 'h.jsonl')), /^h\.jsonl:2: not valid JSON/);
  assert.equal(err(() => parseJsonlHistory(`${good}\n{"type":"ok","process":0}`, 'h.jsonl')), 'h.jsonl:2: field "f" is missing.');
  assert.equal(err(() => parseJsonlHistory(`{"type":"ok","process":0,"f":"x","time":"soon"}`, 'h.jsonl')), 'h.jsonl:1: field "time" must be number.');
});
