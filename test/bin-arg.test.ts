// --bin-arg hands the node another program's arguments: the next word is its value even when it
// starts with a dash (`--bin-arg --flavor --bin-arg stale`), as getopt takes an option's argument.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../src/cli/run-command.ts';
import { cli } from './helpers.ts';

test('--bin-arg takes the next word verbatim, dashes and all', () => {
  const cases: Array<[string[], unknown]> = [
    [['--bin-arg', '--flavor', '--bin-arg', 'stale'], ['--flavor', 'stale']],
    [['--bin-arg', '-v'], '-v'],
    [['--bin-arg', '--'], '--'],
    [['--bin-arg=--service', '--bin-arg', 'lin-kv'], ['--service', 'lin-kv']],
    [['--bin-arg', 'x'], 'x'],
  ];
  for (const [args, binArg] of cases) {
    const p = parseArgs(['txn-list-append', ...args, '--time-limit', '3'], []);
    assert.equal(p.target, 'txn-list-append', args.join(' '));
    assert.deepEqual(p.given, { binArg, timeLimit: '3' }, args.join(' '));
  }
  // A trailing --bin-arg has no value to take: left for the option layer to refuse.
  assert.deepEqual(parseArgs(['t', '--bin-arg'], []).given, { binArg: true });
});

test('a node given a dash argument with --bin-arg runs (the argument is not read as a flag of ours)', async () => {
  const node = fileURLToPath(new URL('./fixtures/txn/single-node-store.mjs', import.meta.url));
  const r = await cli(['run', 'txn-list-append', '--bin', node, '--bin-arg', '--verbose', '--node-count', '1', '--time-limit', '2']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});
