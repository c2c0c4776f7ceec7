// Compose files and user images on the docker provider: the file read as compose reads it, then
// the fixture (three HTTP counter services in an image without iptables or tc, and a helper
// service) run under partitions and kills through the real CLI, and a --image cluster whose
// network faults and kills come from outside the image. Docker tests skip, with the reason
// printed, only where no daemon can be reached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { interpolate, loadCompose, words } from '../src/providers/docker/compose.ts';
import { connectDocker, RUN_LABEL } from '../src/providers/docker/engine.ts';
import { ensureNodeImage } from '../src/providers/docker/image.ts';
import { dockerProvider, type DockerCluster } from '../src/providers/docker/index.ts';
import { execIn } from '../src/providers/docker/exec.ts';
import { grudgeFromComponents } from '../nemeses/partition.ts';
import { silentLogger } from '../src/log.ts';
import type { RunOptions } from '../src/types.ts';
import { cli, readHistory, runDir, tempStore } from './helpers.ts';
import { lockDocker } from './fixtures/compose/docker-lock.ts';

const fixture = (f: string) => fileURLToPath(new URL(`./fixtures/compose/${f}`, import.meta.url));
const tmp = () => tempStore();
const write = (dir: string, text: string) => {
  fs.writeFileSync(path.join(dir, 'docker-compose.yml'), text);
  return path.join(dir, 'docker-compose.yml');
};

test('compose files: anchors and merge keys, interpolation, x-jepsen nodes, depends_on order, volumes', () => {
  const p = loadCompose(fixture('docker-compose.yml'), { JEPSEN_NODE_IMAGE: 'base:1', NODE_BINARY: '/opt/node' });
  assert.deepEqual(p.services.filter((s) => s.node).map((s) => s.name), ['n1', 'n2', 'n3']);
  assert.equal(p.services.find((s) => s.name === 'watcher')!.node, false);
  assert.deepEqual(p.startOrder, ['n1', 'n2', 'n3', 'watcher']);
  const n2 = p.services.find((s) => s.name === 'n2')!;
  assert.deepEqual(n2.build?.args, { BASE: 'base:1' });
  assert.equal(n2.build?.context, path.dirname(fixture('docker-compose.yml')));
  assert.deepEqual(n2.command, ['node', '/srv/server.mjs']);
  assert.equal(n2.environment.NODE, 'n2');
  assert.equal(n2.environment.MODE, 'atomic', 'the default of ${COUNTER_MODE:-atomic}');
  assert.equal(n2.environment.NODES, 'n1=n1:8080,n2=n2:8080,n3=n3:8080', 'merged from the anchor');
  assert.deepEqual(n2.mounts[0], { kind: 'bind', source: '/opt/node', target: '/usr/local/bin/node', readOnly: true });
  assert.equal(n2.mounts[1].source, fileURLToPath(new URL('../examples/http-counter/server.mjs', import.meta.url)), 'relative to the compose file');
  assert.deepEqual(p.services.find((s) => s.name === 'watcher')!.command, ['sleep', 'infinity']);
  assert.ok(p.ignored.includes('services.n1.ports'));
});

test('compose files: every problem is one sentence naming the file and the key', () => {
  const d = tmp();
  const cases: Array<[string, RegExp]> = [
    ['services: {}', /has no services/],
    ['services:\n  a: { image: x, network_mode: host }', /services\.a\.network_mode is not supported/],
    ['services:\n  a: { image: x, depends_on: [b] }\n  b: { image: x, depends_on: [a] }', /depend on each other/],
    ['services:\n  a: { image: x, depends_on: [c] }', /depends_on names c, which is not a service/],
    ['services:\n  a: { command: x }', /services\.a needs an image or a build/],
    ['x-jepsen: { nodes: [b] }\nservices:\n  a: { image: x }', /x-jepsen\.nodes names b, which is not a service/],
    ['services:\n  a: { image: "${NOPE:?needed here}" }', /variable NOPE is required \(needed here\)/],
    ['services: [', /not valid YAML/],
  ];
  for (const [text, why] of cases) assert.throws(() => loadCompose(write(d, text), {}), why);
  assert.throws(() => loadCompose(path.join(d, 'missing.yml')), /--compose .*missing\.yml: no such file/);
});

test('interpolation and command words as compose does them', () => {
  const env = { A: 'x', E: '' };
  assert.equal(interpolate('$A ${A} $$A ${B:-d} ${E:-d} ${E-d} ${B-d}', env, 'f'), 'x x $A d d  d');
  assert.deepEqual(words(`sh -c 'echo "a b"' "c d" e\\ f`, 'w'), ['sh', '-c', 'echo "a b"', 'c d', 'e f']);
  assert.throws(() => words('a "b', 'services.a.command'), /unterminated " quote/);
});

const docker = await connectDocker(3000).catch((e: Error) => e);
const skip = docker instanceof Error ? `no Docker daemon: ${docker.message}` : false;
if (skip) console.log(`# skipping compose tests: ${skip}`);
let unlock = () => {};
let nodeImage = '';

before(async () => {
  if (docker instanceof Error) return;
  unlock = await lockDocker();
  nodeImage = await ensureNodeImage(docker, silentLogger);
}, { timeout: 900_000 });
after(() => unlock());

async function labelled(): Promise<{ containers: number; networks: number }> {
  if (docker instanceof Error) throw docker;
  const filters = { label: [RUN_LABEL] };
  return { containers: (await docker.listContainers({ all: true, filters })).length, networks: (await docker.listNetworks({ filters })).length };
}

test('the compose fixture under partition,kill: faults from outside an image without iptables or tc, the verdict, nothing left', { skip, timeout: 600_000 }, async () => {
  process.env.JEPSEN_NODE_IMAGE = nodeImage;
  process.env.NODE_BINARY = process.execPath;
  const r = await cli(['run', fixture('test.ts'), '--compose', fixture('docker-compose.yml'), '--nemesis', 'partition,kill', '--time-limit', '15'], { timeoutMs: 500_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const dir = runDir(r);
  const h = readHistory(dir);
  const done = (f: string) => h.filter((o) => o.f === f && o.type !== 'invoke');
  assert.ok(done('start-partition').length > 0 && done('start-partition').every((o) => !o.error), 'partitions were made');
  assert.ok(done('kill').length > 0 && done('kill').every((o) => !o.error), 'nodes were killed');
  // Requests across a partition (forwarded to the primary on the other side) fail or time out.
  const windows = done('start-partition').map((s) => [s.time, done('stop-partition').find((e) => e.time > s.time)?.time ?? Infinity]);
  const during = (t: number) => windows.some(([a, b]) => t > a && t < b);
  const unsure = h.filter((o) => o.process !== 'nemesis' && (o.type === 'info' || o.type === 'fail') && during(o.time));
  assert.ok(unsure.length > 0, 'some requests failed or timed out during a partition');
  assert.ok(h.filter((o) => o.f === 'add' && o.type === 'ok').length > 20, 'and many went through');
  for (const n of ['n1', 'n2', 'n3']) assert.match(fs.readFileSync(path.join(dir, 'nodes', n, 'container.log'), 'utf8'), /listening on/);
  assert.ok(fs.existsSync(path.join(dir, 'services', 'watcher', 'container.log')), "the helper's output is kept too");
  assert.deepEqual(await labelled(), { containers: 0, networks: 0 });
});

test('the fixture image really has no iptables, tc or ip', { skip, timeout: 120_000 }, async () => {
  if (docker instanceof Error) return;
  const c = await docker.createContainer({ Image: 'jepsen-ts-test-notools', Cmd: ['sh', '-c', 'command -v iptables tc ip; true'] });
  try {
    await c.start();
    await c.wait();
    const out = (await c.logs({ stdout: true, stderr: true })).toString();
    assert.doesNotMatch(out, /iptables|\/tc|\/ip\b/);
  } finally {
    await c.remove({ force: true });
  }
});

test('--image: the user image as every node; partitions from the helper, kill and restart of the container, the partition kept', { skip, timeout: 300_000 }, async () => {
  const storeDir = tmp();
  const opts = { nemesis: ['partition', 'kill'], image: 'jepsen-ts-test-notools', nodeCommand: 'redis-server --port 7000 --protected-mode no --save ""', nodeCount: 3 } as unknown as RunOptions;
  const c = (await dockerProvider.provision({ nodes: ['n1', 'n2', 'n3'], storeDir, seed: 1, log: silentLogger, opts, needs: { clock: false, packet: false } })) as DockerCluster;
  const ping = async (from: string, to: string) => {
    const r = await execIn(c.node(from).container, ['timeout', '3', 'redis-cli', '-h', to, '-p', '7000', 'ping']);
    return r.code === 0 && r.stdout.trim() === 'PONG';
  };
  try {
    const n1 = c.node('n1');
    assert.ok(n1.service, 'the node is the service');
    await new Promise((res) => setTimeout(res, 500));
    assert.equal(await ping('n1', 'n2'), true);
    await c.net.partition(grudgeFromComponents([['n1'], ['n2', 'n3']]));
    assert.equal(await ping('n1', 'n2'), false, 'n1 cannot reach n2');
    assert.equal(await ping('n2', 'n3'), true, 'n2 still reaches n3');
    await n1.service!.kill();
    assert.equal((await n1.container.inspect()).State.Running, false, 'killed: the container stopped');
    await n1.service!.start();
    await new Promise((res) => setTimeout(res, 500));
    assert.equal(await ping('n1', 'n2'), false, 'restarted, still partitioned');
    await n1.service!.pause();
    assert.equal((await n1.container.inspect()).State.Paused, true);
    await n1.service!.resume();
    await c.net.heal();
    assert.equal(await ping('n1', 'n2'), true, 'healed');
  } finally {
    await c[Symbol.asyncDispose]();
  }
  assert.ok(fs.readFileSync(path.join(storeDir, 'nodes', 'n1', 'container.log'), 'utf8').includes('Ready to accept connections'));
  assert.deepEqual(await labelled(), { containers: 0, networks: 0 });
});

test('--image with clock faults: libfaketime injected from a volume moves the clock of a process the image knows nothing about', { skip, timeout: 300_000 }, async () => {
  const storeDir = tmp();
  const opts = { nemesis: ['clock'], image: 'jepsen-ts-test-notools', nodeCommand: `sh -c 'while :; do date +%s > /tmp/now.t; mv /tmp/now.t /tmp/now; sleep 0.2; done'`, nodeCount: 2 } as unknown as RunOptions;
  const c = (await dockerProvider.provision({ nodes: ['n1', 'n2'], storeDir, seed: 1, log: silentLogger, opts, needs: { clock: true, packet: false } })) as DockerCluster;
  const now = async (n: string) => Number((await execIn(c.node(n).container, ['cat', '/tmp/now'])).stdout.trim());
  try {
    await c.clock!.set({ n1: 86_400_000 });
    await new Promise((res) => setTimeout(res, 1500));
    const real = Math.floor(Date.now() / 1000);
    assert.ok(Math.abs((await now('n1')) - real - 86_400) < 10, `n1's clock is a day ahead: ${await now('n1')} vs ${real}`);
    assert.ok(Math.abs((await now('n2')) - real) < 10, "n2's clock is not moved");
    assert.deepEqual(c.clock!.offsets(), { n1: 86_400_000, n2: 0 });
  } finally {
    await c[Symbol.asyncDispose]();
  }
  assert.deepEqual(await labelled(), { containers: 0, networks: 0 });
});
