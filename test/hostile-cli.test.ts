// Bad input from a hostile but realistic user (issue 15's reproductions): every case is one
// sentence on stderr and exit 254 within seconds — never a crash (255), a hang, or a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from './helpers.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-hostile-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const file = path.join(tmp, 'a-file');
fs.writeFileSync(file, 'x');
fs.mkdirSync(path.join(tmp, 'latest-dir', 'latest'), { recursive: true });
const deepEdn = path.join(tmp, 'deep.edn');
fs.writeFileSync(deepEdn, `{:process 0 :type :invoke :f :write :value ${'['.repeat(6000)}${']'.repeat(6000)}}\n`);
const deepJsonl = path.join(tmp, 'deep.jsonl');
fs.writeFileSync(deepJsonl, `{"process":0,"type":"invoke","f":"write","value":${'['.repeat(6000)}${']'.repeat(6000)}}\n`);
const protoEdn = path.join(tmp, 'proto.edn');
fs.writeFileSync(protoEdn, '{:__proto__ {:process 0 :type :invoke :f :read}}\n');
const orphan = path.join(tmp, 'orphan.jsonl');
fs.writeFileSync(orphan, '{"process":0,"type":"ok","f":"read","value":1}\n');
const binary = path.join(tmp, 'random.jsonl');
fs.writeFileSync(binary, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x1b, 0x5b, 0x32, 0x4a, 0x0a]));

const R = ['run', 'counter', '--time-limit', '1'];
const cases: Array<[string[], RegExp]> = [
  [[...R, '--store', file], /--store .*: it exists and is not a directory\./],
  [[...R, '--store', '/dev/null'], /pseudo file system/],
  [[...R, '--store', '/proc/foo'], /pseudo file system/],
  [[...R, '--store', path.join(tmp, 'x'.repeat(300))], /longer than 255 bytes/],
  [[...R, '--store', path.join(tmp, 'latest-dir')], /latest exists and is not a link/],
  [[...R, '--store', '/tmp/A', '--store', '/tmp/B'], /--store is given 2 times/],
  [[...R, '--time-limit', '2'], /--time-limit is given 2 times/],
  [['run', 'counter', '--node-count', 'abc'], /--node-count "abc": expected a whole number from 1 to 64\./],
  [['run', 'counter', '--op-timeout', '1e12'], /--op-timeout .*up to 2147483/],
  [['run', 'counter', '--recovery-time', '1e12'], /--recovery-time .*to 2147483/],
  [['run', 'counter', '--time-limit', '1e12'], /--time-limit .*up to 2147483/],
  [['run', 'counter', '--test-count', '1e12'], /--test-count .*to 100000/],
  [['run', 'counter', '--key-count', '3'], /--key-count does not apply to the counter test/],
  [['run', 'counter', '--capacity', '3'], /--capacity does not apply/],
  [['run', 'counter', '--fifo'], /--fifo does not apply/],
  [['run', 'counter', '--delivery', 'exactly-once'], /--delivery does not apply/],
  [['run', 'register', '--consistency', 'eventual'], /--consistency does not apply/],
  [['run', 'register', '--decrements'], /--decrements does not apply/],
  [['run', 'counter', '--bin-arg', 'x'], /--bin-arg does not apply/],
  [['run', 'counter', '--db', 'etcd', '--bin', '/bin/true'], /cannot be combined with --db etcd/],
  [['run', 'counter', '--docker-subnet', '10.1.0.0/24'], /--docker-subnet does not apply .* docker provider/],
  [['run', 'counter', '--bin', ''], /--bin "": expected a non-empty value/],
  [['run', 'counter', '--leave-db-running'], /--leave-db-running keeps the system running/],
  [['run', 'counter', '--nemesis', 'partition,,'], /a list item is empty/],
  [['run', 'counter', '--nemesis', 'none,partition'], /"none" cannot be combined/],
  [['run', 'counter', '--nemesis', 'partition', '--node-count', '1'], /needs at least 2 nodes/],
  [['run', 'counter', '-x'], /Unknown option -x/],
  [['run', 'counter', 'extra'], /Unexpected argument/],
  [['check', '/dev/zero', '--model', 'cas-register'], /NUL byte/],
  [['check', deepEdn, '--model', 'cas-register'], /nest|deep/i],
  [['check', deepJsonl, '--model', 'cas-register'], /nest|deep/i],
  [['check', protoEdn, '--model', 'cas-register'], /\.edn:1:/],
  [['check', orphan, '--model', 'register'], /no invocation/],
  [['check', binary, '--model', 'register'], /UTF-8|JSON/],
  [['check', deepEdn, '--model', 'register', '--init', `${'['.repeat(6000)}${']'.repeat(6000)}`], /^--init .*nested deeper/],
  [['check', orphan, '--model', 'register', '--check-timeout', '1e12'], /--check-timeout .*up to 2147483/],
];

// (How fast each answer comes is measured, not asserted: it depends on the machine's load. A hang
// is caught by cli's own timeout.)
test('every reproduction: exit 254 and one line, no stack trace, no raw bytes', async () => {
  const failures: string[] = [];
  // Two at a time: this machine has two cores.
  for (let i = 0; i < cases.length; i += 2) {
    await Promise.all(cases.slice(i, i + 2).map(async ([args, re]) => {
      const started = Date.now();
      const r = await cli(args, { timeoutMs: 30_000, store: tmp });
      const took = Date.now() - started;
      const err = r.stderr.trim();
      const ok = r.code === 254 && re.test(err) && !err.includes('\n') && !/\bat .*:\d+:\d+\)?$/m.test(err) && !/[\u0000-\u0008\u001b]/.test(err);
      if (!ok) failures.push(`${args.join(' ').slice(0, 120)} -> exit ${r.code} in ${took} ms: ${err.slice(0, 300)}`);
    }));
  }
  assert.deepEqual(failures, []);
});
