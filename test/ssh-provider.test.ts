// The ssh provider against real sshd: three hosts made here (containers of the node image running
// sshd, test/fixtures/ssh/hosts.ts), reused by every test of this file. The runs are the real
// CLI's. Skipped, with the reason printed, only where no Docker daemon can be reached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectDocker } from '../src/providers/docker/engine.ts';
import { BIN, cli, readHistory, readJson, runDir, tempStore } from './helpers.ts';
import { startSshHosts, type SshHosts } from './fixtures/ssh/hosts.ts';
import { sshProvider, type SshCluster } from '../src/providers/ssh/index.ts';
import { grudgeFromComponents } from '../nemeses/partition.ts';
import { silentLogger } from '../src/log.ts';
import type { RunOptions } from '../src/types.ts';

const docker = await connectDocker(3000).catch((e: Error) => e);
const skip = docker instanceof Error ? `no Docker daemon: ${docker.message}` : false;
if (skip) console.log(`# skipping ssh provider tests: ${skip}`);

// Run records of this file's runs go to a directory of their own (the CLI inherits it).
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-ssh-state-'));
process.env.JEPSEN_TS_STATE_DIR = stateDir;

let hosts: SshHosts;
const nodes = () => hosts.hosts.map((h) => h.ip).join(',');
const login = () => ['--provider', 'ssh', '--nodes', nodes(), '--ssh-key', hosts.key, '--known-hosts', hosts.knownHosts];

before(async () => {
  if (docker instanceof Error) return;
  hosts = await startSshHosts(docker);
}, { timeout: 900_000 });

after(async () => {
  await hosts?.stop();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

/** What runs leave on a host: server processes, run directories, iptables rules of ours, qdiscs of ours. */
async function leftovers(): Promise<string[]> {
  const out: string[] = [];
  for (const h of hosts.hosts) {
    const procs = (await hosts.sh(h, "ps -eo comm= | grep -E '^(etcd|redis-server)$' || true")).trim();
    if (procs) out.push(`${h.ip}: running ${procs.replace(/\n/g, ', ')}`);
    const dirs = (await hosts.sh(h, 'ls -A /var/lib/jepsen-ts 2>/dev/null || true')).trim();
    if (dirs) out.push(`${h.ip}: /var/lib/jepsen-ts holds ${dirs.replace(/\n/g, ', ')}`);
    const rules = (await hosts.sh(h, 'iptables -w -S 2>/dev/null | grep JEPSEN-TS || true')).trim();
    if (rules) out.push(`${h.ip}: iptables ${rules.replace(/\n/g, '; ')}`);
    const qdiscs = (await hosts.sh(h, 'tc qdisc show 2>/dev/null | grep netem || true')).trim();
    if (qdiscs) out.push(`${h.ip}: ${qdiscs}`);
  }
  return out;
}

test('one connection per host: many commands at once over a bounded number of channels, files both ways, a reconnect after the sessions are killed, partitions in the run\'s own chain', { skip, timeout: 300_000 }, async () => {
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-ssh-run-'));
  const opts = { nodes: hosts.hosts.map((h) => h.ip), sshUser: 'admin', sshKey: hosts.key, knownHosts: hosts.knownHosts, nemesis: ['partition'] } as unknown as RunOptions;
  const c = (await sshProvider.provision({ nodes: hosts.hosts.map((h) => h.ip), storeDir, seed: 1, log: silentLogger, opts, needs: { clock: false, packet: false } })) as SshCluster;
  try {
    const n1 = c.nodes[0];
    assert.equal(n1.dir, `/var/lib/jepsen-ts/${n1.name}`);
    const many = await Promise.all(Array.from({ length: 40 }, (_, i) => n1.remote.exec(['sh', '-c', `sleep 0.2; echo ${i}; id -u`])));
    assert.deepEqual(many.map((r) => r.stdout), many.map((_, i) => `${i}\n0\n`), 'every command ran, as root through sudo');
    const r = await n1.remote.exec(['sh', '-c', 'cat; echo "$X" >&2; exit 3'], { stdin: 'in', env: { X: "it's" } });
    assert.deepEqual([r.code, r.stdout, r.stderr], [3, 'in', "it's\n"]);
    const local = path.join(storeDir, 'up.bin');
    fs.writeFileSync(local, Buffer.from([0, 1, 2, 255, 10]));
    await n1.remote.upload(local, '/tmp/jt/up.bin');
    await n1.remote.download('/tmp/jt/up.bin', path.join(storeDir, 'down.bin'));
    assert.deepEqual(fs.readFileSync(path.join(storeDir, 'down.bin')), fs.readFileSync(local), 'binary-safe');
    // Every session of admin killed (what a reboot does to a connection): the next command reconnects.
    await hosts.sh(hosts.hosts[0], "pkill -KILL -f 'sshd: admin' || true");
    await new Promise((res) => setTimeout(res, 500));
    assert.equal((await n1.remote.exec(['echo', 'back'])).stdout, 'back\n');
    await c.net.partition(grudgeFromComponents([[c.nodes[0].name], c.nodes.slice(1).map((n) => n.name)]));
    const rules = await hosts.sh(hosts.hosts[0], 'iptables -w -S');
    assert.match(rules, /-A INPUT -j JEPSEN-TS-/);
    assert.equal((rules.match(/-j DROP/g) ?? []).length, 2, rules);
    await hosts.sh(hosts.hosts[0], 'iptables -w -A INPUT -s 192.0.2.9 -j DROP'); // the host's own rule
    await c.net.heal();
    assert.equal(((await hosts.sh(hosts.hosts[0], 'iptables -w -S')).match(/JEPSEN-TS-[0-9A-F]+ -s/g) ?? []).length, 0);
  } finally {
    await c[Symbol.asyncDispose]();
  }
  const after = await hosts.sh(hosts.hosts[0], 'iptables -w -S');
  assert.doesNotMatch(after, /JEPSEN-TS/, 'the chain is gone');
  assert.match(after, /-A INPUT -s 192\.0\.2\.9\/32 -j DROP/, "the host's own rule is kept");
  await hosts.sh(hosts.hosts[0], 'iptables -w -D INPUT -s 192.0.2.9 -j DROP');
  assert.deepEqual(fs.readdirSync(stateDir), []);
});

test('etcd register under partition,kill over ssh: exit 0, partition and kill bands, nothing left on the hosts', { skip, timeout: 300_000 }, async () => {
  const r = await cli(['run', 'register', '--db', 'etcd', ...login(), '--nemesis', 'partition,kill', '--nemesis-interval', '3', '--time-limit', '15', '--recovery-time', '2'], { timeoutMs: 280_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const dir = runDir(r);
  const h = readHistory(dir);
  assert.ok(h.some((o) => o.f === 'start-partition' && o.type !== 'invoke' && !o.error), 'a partition was made');
  assert.ok(h.some((o) => o.f === 'kill' && o.type !== 'invoke' && !o.error), 'a node was killed');
  assert.ok(h.filter((o) => o.f === 'write' && o.type === 'ok').length > 20, 'writes went through');
  const bands = (readJson(path.join(dir, 'results.json')).perf?.bands ?? []) as Array<{ name: string }>;
  assert.ok(bands.some((b) => b.name === 'partition') && bands.some((b) => b.name === 'kill'), `bands: ${JSON.stringify(bands)}`);
  for (const n of hosts.hosts) assert.match(fs.readFileSync(path.join(dir, 'nodes', n.ip, 'db.log'), 'utf8'), /etcd/);
  assert.deepEqual(await leftovers(), []);
  assert.deepEqual(fs.readdirSync(stateDir), [], 'the run record is gone once the run is torn down');
});

test('a known_hosts with a wrong key for one host: exit 254, one sentence naming that host', { skip, timeout: 120_000 }, async () => {
  const bad = path.join(hosts.dir, 'known_hosts.wrong');
  const other = hosts.hosts[0].hostKey.split(' ');
  // The second host's entry holds the first host's key.
  fs.writeFileSync(bad, hosts.hosts.map((h, i) => `${h.ip} ${i === 1 ? other.join(' ') : h.hostKey}\n`).join(''));
  const r = await cli(['run', 'register', '--db', 'etcd', '--provider', 'ssh', '--nodes', nodes(), '--ssh-key', hosts.key, '--known-hosts', bad, '--nemesis', 'partition,kill', '--time-limit', '30']);
  assert.equal(r.code, 254, r.stdout + r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], new RegExp(`host key of ${hosts.hosts[1].ip.replace(/\./g, '\\.')} has changed`));
  assert.match(lines[0], /ssh-keygen -R/);
  assert.deepEqual(await leftovers(), []);
});

test('an unknown host key, a refused key, a closed port, sudo that wants a password: one sentence each, exit 254', { skip, timeout: 120_000 }, async () => {
  const ip = hosts.hosts[2].ip;
  const partial = path.join(hosts.dir, 'known_hosts.partial');
  fs.writeFileSync(partial, hosts.hosts.slice(0, 2).map((h) => `${h.ip} ${h.hostKey}\n`).join(''));
  const base = ['run', 'counter', '--db', 'redis', '--provider', 'ssh', '--time-limit', '1'];
  const cases: Array<[string[], RegExp]> = [
    [['--nodes', nodes(), '--ssh-key', hosts.key, '--known-hosts', partial], new RegExp(`host key of ${ip.replace(/\./g, '\\.')} \\(ssh-ed25519 SHA256:.*\\) is not in .*ssh-keyscan -t ed25519 ${ip.replace(/\./g, '\\.')} >>`)],
    [['--nodes', nodes(), '--ssh-key', path.join(hosts.dir, 'other'), '--known-hosts', hosts.knownHosts], /refused the SSH login of user root with the key .*other: add the public key/],
    [['--nodes', `${hosts.hosts[0].ip}:2222`, '--ssh-key', hosts.key, '--known-hosts', hosts.knownHosts], /:2222 is unreachable over SSH \(.*ECONNREFUSED.*\): check that the host is up/],
    [['--nodes', nodes(), '--ssh-user', 'nopw', '--ssh-key', hosts.key, '--known-hosts', hosts.knownHosts], /sudo on .* needs a password for nopw/],
  ];
  const { utils } = (await import('ssh2')).default;
  fs.writeFileSync(path.join(hosts.dir, 'other'), utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
  for (const [args, why] of cases) {
    const r = await cli([...base, ...args]);
    assert.equal(r.code, 254, `${args.join(' ')}\n${r.stdout}${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, why);
  }
});

/** Starts an etcd run of the real CLI under partitions and waits until ops complete. */
async function startedRun() {
  const child = spawn(process.execPath, [BIN, 'run', 'register', '--db', 'etcd', ...login(), '--nemesis', 'partition', '--nemesis-interval', '1', '--time-limit', '120', '--store', tempStore()], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (/ok [1-9]\d* /.test(out)) {
        clearInterval(poll);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(poll);
        reject(new Error(`the run ended early:\n${out}`));
      }
    }, 200);
  });
  await new Promise((r) => setTimeout(r, 2500)); // a partition is in place by now
  return { child, exited };
}

/** The pids of the ssh reapers of this file's runs. */
function reapers(): number[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
      return cmd.includes('reaper') && cmd.includes(stateDir);
    } catch {
      return false;
    }
  }).map(Number);
}

async function eventually(what: () => Promise<string[]>, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let left = await what();
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    left = await what();
  }
  return left;
}

test('a host without iptables and without apt-get to install it: one sentence naming the host and the package, exit 254', { skip, timeout: 120_000 }, async () => {
  const h = hosts.hosts[1];
  await hosts.sh(h, 'mv /usr/sbin/iptables /usr/sbin/iptables.off && mv /usr/bin/apt-get /usr/bin/apt-get.off');
  try {
    const r = await cli(['run', 'register', '--db', 'etcd', ...login(), '--nemesis', 'partition', '--time-limit', '5']);
    assert.equal(r.code, 254, r.stdout + r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^${h.ip.replace(/\./g, '\\.')} lacks iptables \\(needed for --nemesis partition\\) and it has no apt-get: install iptables on it\\.`));
  } finally {
    await hosts.sh(h, 'mv /usr/sbin/iptables.off /usr/sbin/iptables; mv /usr/bin/apt-get.off /usr/bin/apt-get');
  }
  assert.deepEqual(await leftovers(), []);
  assert.deepEqual(fs.readdirSync(stateDir), []);
});

test('a controller killed with SIGKILL mid-run: its reaper removes what the run put on the hosts', { skip, timeout: 300_000 }, async () => {
  const { child, exited } = await startedRun();
  assert.equal(reapers().length, 1, 'the run has its reaper');
  child.kill('SIGKILL');
  await exited;
  assert.deepEqual(await eventually(leftovers, 60_000), []);
  assert.deepEqual(fs.readdirSync(stateDir), []);
});

test('controller and reaper both killed (a power cut): the next ssh run on the hosts reaps what was left', { skip, timeout: 300_000 }, async () => {
  const { child, exited } = await startedRun();
  for (const pid of reapers()) process.kill(pid, 'SIGKILL');
  child.kill('SIGKILL');
  await exited;
  assert.ok((await leftovers()).some((l) => /running etcd/.test(l)), 'etcd was left running');
  assert.equal(fs.readdirSync(stateDir).length, 1, 'the run record is left');

  // The next run (as a user with passwordless sudo) removes it before it starts; Redis's naive
  // counter then loses updates: exit 1.
  const r = await cli(['run', 'counter', '--db', 'redis', '--flavor', 'naive', ...login(), '--ssh-user', 'admin', '--time-limit', '8', '--recovery-time', '1']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.ok(readJson(path.join(runDir(r), 'results.json')).workload['lost-updates'] > 0);
  assert.match(fs.readFileSync(path.join(runDir(r), 'jepsen.log'), 'utf8'), /controller gone\) left on/);
  assert.deepEqual(await eventually(leftovers, 10_000), []);
  assert.deepEqual(fs.readdirSync(stateDir), []);
});
