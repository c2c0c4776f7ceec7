// The lines a run prints at its end: each checker's verdict with its failing parts named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summary } from '../src/cli/summary.ts';
import type { RunOutcome } from '../src/run.ts';

const outcome = (results: Record<string, unknown>, valid: boolean | 'unknown') =>
  ({ results: { valid, ...results }, valid, interrupted: false, explanation: { headline: 'why' }, reportPath: '/r/report.html', seed: 7 }) as unknown as RunOutcome;

test('a failing part of a composed checker is named; tallies with a `valid` count are not parts', () => {
  const out = summary(outcome({
    workload: { valid: false, 'key-counts': { valid: 0, invalid: 1, unknown: 4 }, culprit: { process: 1, f: 'read', value: null, index: 22 }, key: 2 },
    stats: { valid: true, ok: { valid: true } },
    session: { valid: 'unknown', session: { valid: 'unknown' } },
  }, false));
  const line = (name: string) => out.split('\n').find((l) => l.trimStart().startsWith(name))!;
  assert.equal(line('workload'), "  workload     INVALID (cannot linearize process 1's read of null at index 22 on key 2)");
  assert.equal(line('stats'), '  stats        valid');
  assert.equal(line('session'), '  session      unknown (session unknown)');
  assert.match(out, /^Verdict: INVALID\n/);
  assert.match(out, /Seed: 7 \(replay with --seed 7\)$/);
});

test("an unknown verdict says the run could not be judged, and a node's failure is printed once", () => {
  const text = 'Node n5 crashed with exit status 3; its last lines on stderr: fatal: out of echoes';
  const out = summary({ ...outcome({ workload: { valid: true }, nodes: { valid: 'unknown', error: text } }, 'unknown'), explanation: { headline: `nodes: unknown: ${text}` } } as unknown as RunOutcome);
  assert.equal(out.split(text).length - 1, 1, out);
  assert.match(out, /could not be fully judged/);
  assert.doesNotMatch(out, /Errors occurred during analysis/);
});
