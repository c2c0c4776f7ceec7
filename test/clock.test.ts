// The clock nemesis's mechanism on the local provider: nodes under libfaketime, one offset file
// each, rewritten at run time; the controller's clock untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { LocalCluster } from '../src/providers/local/index.ts';
import { findLibfaketime } from '../src/providers/local/faketime.ts';
import { silentLogger } from '../src/log.ts';
import { UsageError } from '../src/errors.ts';
import type { RunOptions } from '../src/types.ts';
import { cli, tempStore } from './helpers.ts';

const relay = fileURLToPath(new URL('./fixtures/relay-node.mjs', import.meta.url));
const lib = findLibfaketime();
const skip = lib ? false : 'libfaketime is not installed (Debian package faketime; .ci/run installs it)';

function spec(n: number) {
  const storeDir = tempStore();
  const opts = { latency: 0, latencyDist: 'constant', loss: 0, initTimeout: 5, nemesis: ['clock'] } as unknown as RunOptions;
  return { nodes: Array.from({ length: n }, (_, i) => `n${i + 1}`), storeDir, seed: 1, log: silentLogger, opts, needs: { clock: true, packet: false } };
}

async function nodeTime(c: LocalCluster, node: string): Promise<number> {
  const conn = c.connect(node);
  try {
    const r = await conn.rpc({ type: 'time' }, AbortSignal.timeout(3000));
    return Number(r.now);
  } finally {
    conn.close();
  }
}

/** How far a node's wall clock is from the controller's, in ms (message latency is ~0 here). */
async function skew(c: LocalCluster, node: string): Promise<number> {
  const before = Date.now();
  const t = await nodeTime(c, node);
  return t - (before + Date.now()) / 2;
}

test('a node under the faketime wrapper shows a bumped Date.now(), and real time after reset', { skip }, async () => {
  await using c = new LocalCluster(spec(2));
  await Promise.all(c.nodes.map((node) => node.proc.launch({ argv: [process.execPath, relay] })));
  assert.ok(c.clock, 'the cluster controls clocks when the clock nemesis is asked for');
  assert.ok(Math.abs(await skew(c, 'n1')) < 250, 'starts at real time');

  await c.clock!.set({ n1: 60_000 });
  const ahead = await skew(c, 'n1');
  assert.ok(ahead > 59_000 && ahead < 61_000, `n1 is a minute ahead (${ahead} ms)`);
  assert.ok(Math.abs(await skew(c, 'n2')) < 250, 'n2 is untouched');
  assert.ok(Math.abs(Date.now() - new Date().getTime()) < 5, "the controller's clock is untouched");

  await c.clock!.set({ n1: -1_500 });
  const behind = await skew(c, 'n1');
  assert.ok(behind < -1_200 && behind > -1_800, `n1 is 1.5 s behind (${behind} ms)`);

  await c.clock!.set({ n1: 0 });
  assert.ok(Math.abs(await skew(c, 'n1')) < 250, 'back to real time after reset');
  assert.deepEqual(c.clock!.offsets(), { n1: 0, n2: 0 });

  // A restarted node keeps running under its wrapper, at its current offset.
  await c.clock!.set({ n2: 30_000 });
  await c.nodes[1].proc.kill();
  await c.nodes[1].proc.start();
  const restarted = await skew(c, 'n2');
  assert.ok(restarted > 29_000 && restarted < 31_000, `n2 keeps its offset across a restart (${restarted} ms)`);
});

test('without libfaketime the clock nemesis is one sentence naming the package', () => {
  const saved = process.env.JEPSEN_LIBFAKETIME;
  process.env.JEPSEN_LIBFAKETIME = '/nonexistent/libfaketime.so.1';
  try {
    assert.throws(() => new LocalCluster(spec(1)), (e: unknown) => e instanceof UsageError && /install the Debian package "faketime"/.test(e.message));
  } finally {
    if (saved === undefined) delete process.env.JEPSEN_LIBFAKETIME;
    else process.env.JEPSEN_LIBFAKETIME = saved;
  }
});

test('through the CLI, a missing libfaketime exits 254 with that sentence and no stack trace', async () => {
  const r = await cliWithEnv(['run', 'lock', '--nemesis', 'clock', '--time-limit', '2'], { JEPSEN_LIBFAKETIME: '/nonexistent/libfaketime.so.1' });
  assert.equal(r.code, 254, r.stdout + r.stderr);
  assert.match(r.stderr, /faketime/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

async function cliWithEnv(args: string[], env: Record<string, string>) {
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys(env)) {
    saved[k] = process.env[k];
    process.env[k] = env[k];
  }
  try {
    return await cli(args);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
