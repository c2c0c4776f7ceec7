// An SSH cluster (DESIGN.md §6): real hosts, one connection each, every command run as root
// (sudo -n when the login user is not root). Each node's directory is /var/lib/jepsen-ts/<node>;
// partitions, packet faults and clocks are src/control's, run on the hosts themselves. What the
// run puts on a host is recorded first (state.ts) and reaped at teardown — or, when the
// controller dies without one, by the next ssh run on the same hosts.
import { spawn, type ChildProcess } from 'node:child_process';
import dns from 'node:dns/promises';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../errors.ts';
import type { Cluster, ClusterSpec, Grudge, LinkBehaviour, Net, NodeHandle } from '../../types.ts';
import { LinuxNet, RemoteClocks, chainName, ensurePackages, faultRequirements, findRemoteLibfaketime } from '../../control/index.ts';
import { parseKnownHosts } from './known-hosts.ts';
import { SshConnection, type HostKeyPolicy } from './connection.ts';
import type { Credentials } from './errors.ts';
import { sshRemote } from './remote.ts';
import { reapScript, removeRecord, staleRecords, writeRecord, type HostRecord, type RunRecord } from './state.ts';
import { nodeArgv, sibling } from '../../util/paths.ts';

export const RUN_ROOT = '/var/lib/jepsen-ts';

export interface SshHost {
  /** The node's name: the host as given in --nodes. */
  name: string;
  host: string;
  port: number;
}

export interface SshSettings {
  hosts: SshHost[];
  user: string;
  keyPath?: string;
  knownHosts: string;
  skipHostKeyCheck: boolean;
}

export interface SshNodeHandle extends NodeHandle {
  connection: SshConnection;
}

const expandHome = (p: string) => p.replace(/^~(?=\/|$)/, os.homedir());

/** The key (if one is given or found), and the agent (if one runs). */
export function credentials(keyPath: string | undefined): Credentials {
  const agent = process.env.SSH_AUTH_SOCK || undefined;
  const load = (p: string, given: boolean): Credentials | null => {
    let text: Buffer;
    try {
      text = fs.readFileSync(p);
    } catch (e) {
      if (!given) return null;
      throw new UsageError(`--ssh-key ${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
    }
    if (/ENCRYPTED|Proc-Type: 4,ENCRYPTED/.test(text.toString('latin1')) || isEncryptedOpenSsh(text)) {
      if (!given) return null;
      throw new UsageError(`--ssh-key ${p} is protected by a passphrase: load it into the SSH agent (ssh-add ${p}) and leave out --ssh-key.`);
    }
    return { privateKey: text, keyPath: p, agent };
  };
  if (keyPath) return load(expandHome(keyPath), true)!;
  if (agent) return { agent };
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const c = load(path.join(os.homedir(), '.ssh', name), false);
    if (c) return c;
  }
  throw new UsageError('The ssh provider needs a key: give --ssh-key PATH, or start an SSH agent holding one (SSH_AUTH_SOCK).');
}

/** An OpenSSH-format key whose cipher is not "none". */
function isEncryptedOpenSsh(text: Buffer): boolean {
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END/.exec(text.toString('latin1'));
  if (!m) return false;
  const b = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0';
  if (b.subarray(0, magic.length).toString('latin1') !== magic) return false;
  const n = b.readUInt32BE(magic.length);
  return b.subarray(magic.length + 4, magic.length + 4 + n).toString('latin1') !== 'none';
}

export function hostKeyPolicy(file: string, skip: boolean): HostKeyPolicy {
  const abs = expandHome(file);
  if (skip) return { entries: [], file: abs, skip };
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch {
    throw new UsageError(`--known-hosts ${file}: no such file, so no host key can be checked: add the hosts' keys with ssh-keyscan (after checking them), or pass --ssh-insecure-skip-host-key-check.`);
  }
  return { entries: parseKnownHosts(text), file: abs, skip };
}

const dirName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_');

export class SshCluster implements Cluster {
  readonly provider = 'ssh';
  nodes: SshNodeHandle[] = [];
  net: Net;
  clock?: RemoteClocks;
  private readonly linux: LinuxNet;
  private readonly chain: string;
  private readonly addresses = new Map<string, string>();
  private record: RunRecord | null = null;
  private netReady: Promise<void> | null = null;
  private reaper: ChildProcess | null = null;

  private constructor(private readonly spec: ClusterSpec, private readonly s: SshSettings, readonly runId: string) {
    this.chain = chainName(runId);
    this.linux = new LinuxNet(() => this.nodes.map((n) => ({ name: n.name, address: this.addresses.get(n.name)!, remote: n.remote })), this.chain);
    const ready = () => (this.netReady ??= this.linux.setup());
    this.net = {
      partition: async (g: Grudge) => {
        await ready();
        await this.linux.partition(g);
      },
      heal: async () => {
        await ready();
        await this.linux.heal();
      },
      shape: async (links: Array<[string, string]>, b: LinkBehaviour | null) => {
        await ready();
        await this.linux.shape(links, b);
      },
    };
  }

  static async create(spec: ClusterSpec, s: SshSettings): Promise<SshCluster> {
    const runId = path.basename(spec.storeDir);
    const c = new SshCluster(spec, s, runId);
    try {
      await c.up();
    } catch (e) {
      await c[Symbol.asyncDispose]();
      throw e;
    }
    return c;
  }

  private async up(): Promise<void> {
    const { spec, s } = this;
    const creds = credentials(s.keyPath);
    const policy = hostKeyPolicy(s.knownHosts, s.skipHostKeyCheck);
    const sudo = s.user !== 'root';
    this.nodes = s.hosts.map((h) => {
      const connection = new SshConnection({ host: h.host, port: h.port, user: s.user }, creds, policy);
      return { name: h.name, host: h.host, dir: `${RUN_ROOT}/${dirName(h.name)}`, remote: sshRemote(connection, sudo), connection };
    });
    // Every host at once; the first failure in node order is the one reported.
    const results = await Promise.allSettled(this.nodes.map((n) => n.connection.connect()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    if (sudo) await Promise.all(this.nodes.map((n) => this.checkSudo(n)));
    await this.reapStale();

    this.record = {
      runId: this.runId, controllerPid: process.pid, controllerHost: os.hostname(), started: new Date().toISOString(),
      chain: this.chain, user: s.user, keyPath: creds.keyPath, knownHosts: policy.file, skipHostKeyCheck: s.skipHostKeyCheck,
      hosts: this.nodes.map((n): HostRecord => ({ host: n.host, port: n.connection.target.port, paths: [n.dir, `${n.dir}.jepsen`, `${n.dir}.clock-offset`] })),
    };
    const recordFile = writeRecord(this.record);
    // Reads its stdin until this process exits in any way (SIGKILL included), then reaps the
    // record if no teardown removed it.
    const [cmd, ...args] = nodeArgv(sibling(import.meta.url, './reaper'));
    this.reaper = spawn(cmd, [...args, recordFile], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    this.reaper.unref();

    const nemeses = (spec.opts.nemesis ?? []) as readonly string[];
    const tools = faultRequirements(nemeses);
    await Promise.all(this.nodes.map(async (n) => {
      await ensurePackages(n.remote, n.host, tools, `--nemesis ${nemeses.filter((x) => faultRequirements([x]).length).join(',')}`);
      await n.remote.exec(['mkdir', '-p', RUN_ROOT]);
    }));
    await this.resolveAddresses();
    if (nemeses.includes('partition') || nemeses.includes('packet') || spec.needs.packet) {
      await (this.netReady = this.linux.setup());
    }
    if (spec.needs.packet) {
      const why = await this.linux.probeShaping();
      if (why) throw new UsageError(`The packet nemesis needs the kernel's prio and netem queueing disciplines, which ${this.nodes[0].host} lacks (${why}): load them there (modprobe sch_netem sch_prio).`);
    }
    if (spec.needs.clock) {
      const clocks = await Promise.all(this.nodes.map(async (n) => {
        const lib = await findRemoteLibfaketime(n.remote, n.host);
        if (!lib) throw new UsageError(`${n.host} has no libfaketimeMT (needed for --nemesis clock): install the Debian package faketime there.`);
        return { name: n.name, remote: n.remote, lib, file: `${n.dir}.clock-offset` };
      }));
      this.clock = new RemoteClocks(clocks);
      await this.clock.init();
    }
    spec.log.info(`ssh: ${this.nodes.map((n) => `${n.name} (${this.addresses.get(n.name)})`).join(', ')} as ${s.user}${sudo ? ' with sudo' : ''}`);
  }

  private async checkSudo(n: SshNodeHandle): Promise<void> {
    const r = await n.connection.exec('sudo -n true');
    if (r.code === 0) return;
    const said = r.stderr.toString('utf8').trim().split('\n').pop() ?? '';
    if (/not found/i.test(said)) throw new UsageError(`${n.host} has no sudo and ${this.s.user} is not root: install sudo there, or log in as root (--ssh-user root).`);
    throw new UsageError(`sudo on ${n.host} needs a password for ${this.s.user} (${said || `exit ${r.code}`}): allow it without one (a NOPASSWD line in /etc/sudoers.d/), or log in as root (--ssh-user root).`);
  }

  /** The IP address the other nodes reach each node at (iptables and tc match addresses). */
  private async resolveAddresses(): Promise<void> {
    await Promise.all(this.nodes.map(async (n) => {
      if (net.isIP(n.host)) {
        this.addresses.set(n.name, n.host);
        return;
      }
      const a = await dns.lookup(n.host, { family: 4 }).catch(() => null);
      if (!a) throw new UsageError(`The host ${n.host} has no IPv4 address here: partitions and packet faults match IPv4 addresses; give its address in --nodes.`);
      this.addresses.set(n.name, a.address);
    }));
  }

  /** Removes what earlier runs whose controller died left on these hosts. */
  private async reapStale(): Promise<void> {
    for (const r of staleRecords()) {
      if (r.runId === this.runId) continue;
      const left: HostRecord[] = [];
      for (const h of r.hosts) {
        const n = this.nodes.find((x) => x.host === h.host && x.connection.target.port === h.port);
        if (!n) {
          left.push(h);
          continue;
        }
        const res = await n.remote.exec(['sh', '-c', reapScript(r.chain, h)], { timeoutMs: 60_000 }).catch(() => null);
        if (res?.code === 0) this.spec.log.info(`ssh: removed what run ${r.runId} (controller gone) left on ${h.host}`);
        else left.push(h);
      }
      if (left.length) writeRecord({ ...r, hosts: left });
      else removeRecord(r.runId);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const keepData = Boolean(this.spec.opts.leaveDbRunning);
    const rec = this.record;
    if (rec) {
      const results = await Promise.all(this.nodes.map(async (n, i) => {
        const r = await n.remote.exec(['sh', '-c', reapScript(rec.chain, rec.hosts[i], { keepData })], { timeoutMs: 60_000 }).catch(() => null);
        return r?.code === 0;
      }));
      if (results.every(Boolean)) removeRecord(rec.runId);
      else this.spec.log.warn('ssh: some hosts could not be cleaned; the next ssh run on them will');
    }
    for (const n of this.nodes) n.connection.close();
    this.reaper?.stdin?.end();
  }
}
