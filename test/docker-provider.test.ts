// The docker provider against a real Docker engine (.ci/run installs and starts one). Skipped,
// with the reason printed, only where no daemon can be reached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectDocker, RUN_LABEL } from '../src/providers/docker/engine.ts';
import { dockerProvider, type DockerCluster } from '../src/providers/docker/index.ts';
import { ensureNodeImage } from '../src/providers/docker/image.ts';
import { grudgeFromComponents } from '../nemeses/partition.ts';
import { silentLogger } from '../src/log.ts';
import type { RunOptions } from '../src/types.ts';
import { cli, tempStore } from './helpers.ts';
import { lockDocker } from './fixtures/compose/docker-lock.ts';

const docker = await connectDocker(3000).catch((e: Error) => e);
const skip = docker instanceof Error ? `no Docker daemon: ${docker.message}` : false;
if (skip) console.log(`# skipping docker tests: ${skip}`);

// `clean` removes, and the assertions count, every labelled resource: no other file's at the same time.
let unlock = () => {};
before(async () => {
  if (!skip) unlock = await lockDocker();
}, { timeout: 1_800_000 });
after(() => unlock());

async function labelled(): Promise<{ containers: number; networks: number }> {
  if (docker instanceof Error) throw docker;
  const filters = { label: [RUN_LABEL] };
  return { containers: (await docker.listContainers({ all: true, filters })).length, networks: (await docker.listNetworks({ filters })).length };
}

async function cluster(n: number): Promise<DockerCluster> {
  const storeDir = tempStore();
  const opts = { nemesis: [] } as unknown as RunOptions;
  return (await dockerProvider.provision({ nodes: Array.from({ length: n }, (_, i) => `n${i + 1}`), storeDir, seed: 1, log: silentLogger, opts, needs: { clock: false, packet: false } })) as DockerCluster;
}

/** Can `from` open a TCP connection to `to`'s port 7000 (a redis-server started for the test)? */
async function tcp(c: DockerCluster, from: string, to: string): Promise<boolean> {
  const r = await c.node(from).remote.exec(['timeout', '3', 'redis-cli', '-h', to, '-p', '7000', 'ping'], { timeoutMs: 10_000 });
  return r.code === 0 && r.stdout.trim() === 'PONG';
}

test('the node image builds (or is cached) with no registry', { skip, timeout: 900_000 }, async () => {
  if (docker instanceof Error) return;
  const tag = await ensureNodeImage(docker, silentLogger);
  const again = await ensureNodeImage(docker, silentLogger);
  assert.equal(again, tag, 'an unchanged docker/ is not rebuilt');
  assert.match(tag, /^jepsen-ts-node:[0-9a-f]{12}$/);
});

test('containers on the run network: exec, files, partitions that block TCP, heal, and nothing left after', { skip, timeout: 300_000 }, async () => {
  const before = await labelled();
  const c = await cluster(3);
  try {
    assert.deepEqual(c.nodes.map((n) => n.name), ['n1', 'n2', 'n3']);
    const r = await c.node('n1').remote.exec(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [3, 'out\n', 'err\n']);
    const hostname = await c.node('n2').remote.exec(['hostname']);
    assert.equal(hostname.stdout.trim(), 'n2');
    const stdin = await c.node('n1').remote.exec(['cat'], { stdin: 'through stdin' });
    assert.equal(stdin.stdout, 'through stdin');

    const local = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jt-')), 'a.txt');
    fs.writeFileSync(local, 'uploaded');
    await c.node('n3').remote.upload(local, '/tmp/b.txt');
    assert.equal((await c.node('n3').remote.exec(['cat', '/tmp/b.txt'])).stdout, 'uploaded');
    const back = path.join(path.dirname(local), 'c.txt');
    await c.node('n3').remote.download('/tmp/b.txt', back);
    assert.equal(fs.readFileSync(back, 'utf8'), 'uploaded');

    await Promise.all(c.nodes.map((n) => n.remote.exec(['redis-server', '--port', '7000', '--daemonize', 'yes', '--save', '', '--protected-mode', 'no'])));
    await new Promise((res) => setTimeout(res, 500));
    assert.equal(await tcp(c, 'n1', 'n2'), true);
    await c.net.partition(grudgeFromComponents([['n1'], ['n2', 'n3']]));
    assert.equal(await tcp(c, 'n1', 'n2'), false, 'n1 cannot reach n2');
    assert.equal(await tcp(c, 'n2', 'n1'), false, 'n2 cannot reach n1');
    assert.equal(await tcp(c, 'n2', 'n3'), true, 'n2 still reaches n3');
    await c.net.heal();
    assert.equal(await tcp(c, 'n1', 'n2'), true, 'healed');

    // Packet faults: netem under a prio qdisc, fed by filters for the shaped peers only — where
    // the kernel has them (some VM kernels are built without sch_netem).
    const probe = await c.node('n1').remote.exec(['sh', '-c', 'tc qdisc replace dev eth0 root handle 1: prio && tc qdisc add dev eth0 parent 1:1 netem delay 1ms; r=$?; tc qdisc del dev eth0 root; exit $r']);
    if (probe.code !== 0) console.log(`# packet shaping not checked: this kernel lacks prio or netem (${probe.stderr.trim().split('\n')[0]})`);
    else await shaping(c);
  } finally {
    await c[Symbol.asyncDispose]();
  }
  assert.deepEqual(await labelled(), before);
});

async function shaping(c: DockerCluster): Promise<void> {
  {
    await c.net.shape!([['n1', 'n2']], { delayMs: 50, jitterMs: 10 });
    const qdisc = (n: string) => c.node(n).remote.exec(['sh', '-c', 'tc qdisc show dev eth0; tc filter show dev eth0']).then((r) => r.stdout);
    const n1 = await qdisc('n1');
    assert.match(n1, /qdisc netem 4a54: parent 1:4 .*delay 50ms\s+10ms/);
    assert.match(n1, new RegExp(`match ${c.node('n2').ip.split('.').map((x) => Number(x).toString(16).padStart(2, '0')).join('')}/ffffffff at 16`), 'a filter for n2 only');
    assert.doesNotMatch(n1, new RegExp(`match ${c.node('n3').ip.split('.').map((x) => Number(x).toString(16).padStart(2, '0')).join('')}/`));
    assert.doesNotMatch(await qdisc('n2'), /netem/, 'links are shaped at their sender');
    assert.equal(await tcp(c, 'n1', 'n2'), true, 'delayed, not cut');
    await c.net.shape!([], null);
    assert.doesNotMatch(await qdisc('n1'), /netem|prio/, 'restored');
  }
}

test('clean removes everything labelled jepsen-ts', { skip, timeout: 300_000 }, async () => {
  const c = await cluster(2);
  void c; // left running on purpose
  assert.ok((await labelled()).containers >= 2);
  const r = await cli(['clean']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Removed \d+ container/);
  assert.deepEqual(await labelled(), { containers: 0, networks: 0 });
});

test('without a daemon: one sentence saying so and how to start it, exit 254', async () => {
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
  try {
    const r = await cli(['run', 'register', '--db', 'etcd', '--provider', 'docker', '--time-limit', '1']);
    assert.equal(r.code, 254, r.stdout + r.stderr);
    assert.match(r.stderr, /Docker daemon .* is unreachable .* start it/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
});

/** A 3-node etcd register run of the real CLI, returned once some ops have completed. */
async function startedRun(extra: string[]) {
  const { spawn } = await import('node:child_process');
  const { BIN, tempStore } = await import('./helpers.ts');
  const child = spawn(process.execPath, [BIN, 'run', 'register', '--db', 'etcd', '--provider', 'docker', '--node-count', '3', '--time-limit', '120', ...extra, '--store', tempStore()], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (/ok [1-9]\d* /.test(out)) {
        clearInterval(poll);
        resolve();
      }
    }, 200);
  });
  return { child, output: () => out };
}

test('a run interrupted with SIGINT leaves no containers, networks or iptables rules', { skip, timeout: 300_000 }, async () => {
  const rulesBefore = execFileSync('iptables-save').toString().split('\n').filter((l) => l.includes('10.213.')).length;
  const { child, output } = await startedRun(['--nemesis', 'partition', '--nemesis-interval', '1']);
  await new Promise((r) => setTimeout(r, 2500)); // a partition is in place by now
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 2, output());
  assert.deepEqual(await labelled(), { containers: 0, networks: 0 });
  const rulesAfter = execFileSync('iptables-save').toString().split('\n').filter((l) => l.includes('10.213.')).length;
  assert.equal(rulesAfter, rulesBefore, 'no iptables rule for the run network is left on the host');
});

// End to end, short runs against the real servers. (In this file, not another: the clean test
// above removes every labelled container, so docker tests must not run concurrently.)
const { readJson, runDir } = await import('./helpers.ts');

test('etcd register under partition,kill: linearizable, and the etcd logs are in the store', { skip, timeout: 300_000 }, async () => {
  const r = await cli(['run', 'register', '--db', 'etcd', '--provider', 'docker', '--node-count', '3', '--nemesis', 'partition,kill', '--nemesis-interval', '3', '--time-limit', '20', '--recovery-time', '2']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const dir = runDir(r);
  const history = fs.readFileSync(path.join(dir, 'history.jsonl'), 'utf8');
  assert.match(history, /"f":"start-partition"/);
  assert.match(history, /"f":"kill"/);
  assert.ok(readJson(path.join(dir, 'results.json')).stats['by-f'].write.ok > 20);
  for (const n of ['n1', 'n2', 'n3']) assert.match(fs.readFileSync(path.join(dir, 'nodes', n, 'db.log'), 'utf8'), /etcd/);
  assert.deepEqual(await labelled(), { containers: 0, networks: 0 });
});

test('redis counter, naive GET then SET: loses updates (exit 1)', { skip, timeout: 300_000 }, async () => {
  const r = await cli(['run', 'counter', '--db', 'redis', '--flavor', 'naive', '--provider', 'docker', '--node-count', '3', '--time-limit', '10', '--recovery-time', '1']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.ok(readJson(path.join(runDir(r), 'results.json')).workload['lost-updates'] > 0);
});

test('redis counter with INCRBY: valid (exit 0)', { skip, timeout: 300_000 }, async () => {
  const r = await cli(['run', 'counter', '--db', 'redis', '--flavor', 'incr', '--provider', 'docker', '--node-count', '3', '--time-limit', '10', '--recovery-time', '1']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(await labelled(), { containers: 0, networks: 0 });
});

test('etcd lock under pause: a lease expires while its holder is cut off, and the lock is lost while held', { skip, timeout: 300_000 }, async () => {
  // Jepsen found etcd locks unsafe under process pauses; so do we: the keep-alives of the clients
  // of a paused member stop, their leases expire, and another owner takes a lock its holder never
  // released (the mutex history is not linearizable). Up to two seeds: a pause may find no holder.
  let last = null as Awaited<ReturnType<typeof cli>> | null;
  for (const seed of ['1', '2']) {
    last = await cli(['run', 'lock', '--db', 'etcd', '--provider', 'docker', '--node-count', '3', '--nemesis', 'pause', '--nemesis-interval', '4', '--time-limit', '20', '--recovery-time', '1', '--seed', seed]);
    assert.ok(last.code === 0 || last.code === 1, last.stdout + last.stderr);
    if (last.code === 1) break;
  }
  assert.equal(last!.code, 1, `etcd's lease lock survived pauses:\n${last!.stdout}`);
  const w = readJson(path.join(runDir(last!), 'results.json')).workload;
  assert.equal(w.linearizable.valid, false);
  assert.equal(w.linearizable.model, 'mutex');
  assert.ok(w.overlaps['fences-checked'] > 0, 'etcd revisions serve as fencing tokens');
  assert.deepEqual(w.overlaps['fence-violations'], [], 'the tokens themselves still increase');
});

test('etcd queue under kill,partition: every acknowledged message comes out exactly once', { skip, timeout: 300_000 }, async () => {
  const r = await cli(['run', 'queue', '--db', 'etcd', '--provider', 'docker', '--node-count', '3', '--nemesis', 'kill,partition', '--nemesis-interval', '3', '--time-limit', '15', '--recovery-time', '2', '--delivery', 'exactly-once']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const w = readJson(path.join(runDir(r), 'results.json')).workload;
  assert.equal(w['lost-count'], 0);
  assert.ok(w.acknowledged > 50);
});

test('clock faults against a system that cannot take them are refused with the reason, exit 254', async () => {
  for (const [db, why] of [['etcd', /Go program/], ['redis', /jemalloc/]] as const) {
    const r = await cli(['run', 'register', '--db', db, '--provider', 'docker', '--nemesis', 'clock', '--time-limit', '1']);
    assert.equal(r.code, 254, r.stdout + r.stderr);
    assert.match(r.stderr, why);
  }
});

test('a controller killed with SIGKILL leaves nothing behind either: the reaper removes the run', { skip, timeout: 300_000 }, async () => {
  const { child } = await startedRun([]);
  assert.ok((await labelled()).containers >= 3);
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 30_000;
  let left = await labelled();
  while ((left.containers || left.networks) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    left = await labelled();
  }
  assert.deepEqual(left, { containers: 0, networks: 0 });
});
