// A SIGINT or SIGTERM that arrives while the run is being checked (or while its results are
// written) is not lost: the run ends interrupted, exit 2 — not valid, exit 0. (Checkers mostly run
// synchronously; the signal's handler runs only when the event loop next turns.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { cli, readJson, runDir } from './helpers.ts';

const fixture = fileURLToPath(new URL('./fixtures/interrupt-while-checking.ts', import.meta.url));

for (const [signal, when] of [['SIGINT', 'during'], ['SIGTERM', 'during'], ['SIGINT', 'after']] as const) {
  test(`${signal} ${when} checking: the run is interrupted, exit 2`, { timeout: 120_000 }, async () => {
    const r = await cli(['run', fixture, '--signal', signal, '--when', when]);
    assert.match(r.stderr, /Interrupted/);
    assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
    if (when === 'during') {
      const results = readJson(`${runDir(r)}/results.json`);
      assert.equal(results.interrupted, true);
      assert.equal(results.valid, 'unknown');
    }
  });
}
