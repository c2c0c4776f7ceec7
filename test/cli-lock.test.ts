// End to end: the built-in lock service's flavors under faults, through the real CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cli, readJson, runDir, type CliResult } from './helpers.ts';
import { findLibfaketime } from '../src/providers/local/faketime.ts';

const short = ['--recovery-time', '1', '--nemesis-interval', '2', '--time-limit', '12'];
const noFaketime = findLibfaketime() ? false : 'libfaketime is not installed (Debian package faketime; .ci/run installs it)';

const overlapCount = (r: CliResult): number => readJson(path.join(runDir(r), 'results.json')).workload.overlaps['overlap-count'];

/** A lease lock is caught by chance (a holder must be mid-hold when the fault strikes): short
 *  runs get up to three seeds to show an overlap (a run can also fail on a mutex violation that
 *  only one owner saw: an indeterminate acquire that took effect). If the lease flavor were
 *  safe, no run would show one and this fails. */
async function caught(nemesis: string): Promise<CliResult> {
  let last: CliResult | null = null;
  for (const seed of [1, 2, 3]) {
    last = await cli(['run', 'lock', '--flavor', 'lease', '--nemesis', nemesis, '--seed', String(seed), ...short]);
    assert.ok(last.code === 0 || last.code === 1, last.stdout + last.stderr);
    if (last.code === 1 && overlapCount(last) > 0) return last;
  }
  assert.fail(`the lease lock showed no overlapping holds under ${nemesis} in three runs:\n${last!.stdout}`);
}

function assertOverlaps(r: CliResult): void {
  const w = readJson(path.join(runDir(r), 'results.json')).workload;
  assert.equal(w.linearizable.valid, false);
  assert.ok(w.overlaps['overlap-count'] > 0);
  const o = w.overlaps.overlaps[0];
  assert.equal(o.holders.length, 2);
  assert.notEqual(o.holders[0].owner, o.holders[1].owner);
  assert.ok(o.holders.every((x: { node: string }) => /^n\d$/.test(x.node)));
  assert.match(r.stdout, /overlapping holds/);
  const html = fs.readFileSync(path.join(runDir(r), 'report.html'), 'utf8');
  assert.match(html, /First overlap: two owners held the lock at once/);
}

test('lease lock under pause: a second owner gets the lock while the paused holder still holds it', async () => {
  assertOverlaps(await caught('pause'));
});

test('lease lock under clock jumps: caught, and the report plots node clock offsets', { skip: noFaketime }, async () => {
  const r = await caught('clock');
  assertOverlaps(r);
  const html = fs.readFileSync(path.join(runDir(r), 'report.html'), 'utf8');
  assert.match(html, /Node clock offsets/);
  const history = fs.readFileSync(path.join(runDir(r), 'history.jsonl'), 'utf8');
  assert.match(history, /"f":"(bump|strobe)"/);
});

test('fenced lock under partition,kill,pause,clock: mutual exclusion holds and fences increase', { skip: noFaketime }, async () => {
  // 18 s: every one of the four faults gets its turn (2 s on, 2 s off each).
  const r = await cli(['run', 'lock', '--flavor', 'fenced', '--nemesis', 'partition,kill,pause,clock', '--seed', '7', '--recovery-time', '1', '--nemesis-interval', '2', '--time-limit', '18']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const w = readJson(path.join(runDir(r), 'results.json')).workload;
  assert.equal(w.overlaps['overlap-count'], 0);
  assert.ok(w.overlaps['acquires-ok'] > 10, `only ${w.overlaps['acquires-ok']} acquires succeeded`);
  assert.ok(w.overlaps['fences-checked'] > 5);
  const history = fs.readFileSync(path.join(runDir(r), 'history.jsonl'), 'utf8');
  for (const f of ['start-partition', 'kill', 'pause', '(bump|strobe)']) assert.match(history, new RegExp(`"process":"nemesis","f":"${f}"`));
});

test('lock options are checked: a bad --key-count is one sentence, exit 254', async () => {
  const r = await cli(['run', 'lock', '--key-count', '0', '--time-limit', '1']);
  assert.equal(r.code, 254, r.stdout + r.stderr);
  assert.match(r.stderr, /--key-count/);
});
