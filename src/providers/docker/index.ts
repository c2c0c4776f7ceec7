// The docker provider (DESIGN.md §6): one labelled user-defined network with an explicit subnet
// and one container per node (n1..nN, NET_ADMIN, fixed addresses, every node in every /etc/hosts).
// Commands run through the exec API; files move through the archive API. Partitions are iptables
// DROP rules inside the containers, packet faults tc netem, clocks libfaketime offset files.
// A reaper process removes the run's resources if the controller dies without tearing down.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import tar from 'tar-fs';
import { UsageError } from '../../errors.ts';
import type { ClockControl, Cluster, ClusterSpec, Grudge, LinkBehaviour, Net, NodeHandle, Provider, Remote } from '../../types.ts';
import { LABEL, RUN_LABEL, connectDocker, removeLabelled } from './engine.ts';
import { execIn } from './exec.ts';
import { ensureNodeImage } from './image.ts';
import { faketimeEnv, offsetText } from '../local/faketime.ts';
import { sh, shq } from '../../remote-shell.ts';
import { nodeArgv, sibling } from '../../util/paths.ts';

export interface DockerNodeHandle extends NodeHandle {
  container: Docker.Container;
  ip: string;
}

export function isDockerNode(node: NodeHandle): node is DockerNodeHandle {
  return typeof (node as DockerNodeHandle).ip === 'string' && (node as DockerNodeHandle).container !== undefined;
}

/** Where the node image keeps libfaketime, and the file each node's clock offset is read from. */
export const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
export const CLOCK_FILE = '/run/jepsen/clock-offset';
/** Each node's directory for the system's data. */
export const NODE_DIR = '/var/lib/jepsen';

const DEFAULT_SUBNETS = Array.from({ length: 16 }, (_, i) => `10.213.${i * 16}.0/24`);

function remoteFor(container: Docker.Container): Remote {
  return {
    exec: (argv, o) => execIn(container, argv, o),
    async upload(localPath, remotePath) {
      const name = path.posix.basename(remotePath);
      const pack = tar.pack(path.dirname(localPath), {
        entries: [path.basename(localPath)],
        map: (h) => ({ ...h, name: h.name.replace(path.basename(localPath), name) }),
      });
      await execIn(container, ['mkdir', '-p', path.posix.dirname(remotePath)]);
      await container.putArchive(pack as unknown as NodeJS.ReadableStream, { path: path.posix.dirname(remotePath) });
    },
    async download(remotePath, localPath) {
      const stream = await container.getArchive({ path: remotePath });
      fs.mkdirSync(path.dirname(localPath), { recursive: true });
      const base = path.posix.basename(remotePath);
      await new Promise<void>((resolve, reject) => {
        const out = tar.extract(path.dirname(localPath), { map: (h) => ({ ...h, name: h.name.replace(base, path.basename(localPath)) }) });
        out.on('finish', resolve);
        out.on('error', reject);
        (stream as NodeJS.ReadableStream).pipe(out);
      });
    },
  };
}

export class DockerCluster implements Cluster {
  readonly provider = 'docker';
  nodes: DockerNodeHandle[] = [];
  net: Net;
  clock?: ClockControl;
  private network: Docker.Network | null = null;
  private reaper: ChildProcess | null = null;
  private readonly offsets = new Map<string, number>();

  private constructor(private readonly docker: Docker, private readonly spec: ClusterSpec, readonly runId: string) {
    const self = this;
    this.net = {
      partition: (g) => self.partition(g),
      heal: () => self.heal(),
      shape: (links, b) => self.shape(links, b),
    };
  }

  static async create(spec: ClusterSpec): Promise<DockerCluster> {
    const docker = await connectDocker();
    const runId = path.basename(spec.storeDir).replace(/[^a-zA-Z0-9_.-]/g, '-').toLowerCase();
    const image = await ensureNodeImage(docker, spec.log);
    const c = new DockerCluster(docker, spec, runId);
    try {
      c.startReaper();
      await c.up(image);
    } catch (e) {
      await c[Symbol.asyncDispose]();
      throw e;
    }
    return c;
  }

  private startReaper(): void {
    // The reaper reads its stdin until it closes — which happens when this process exits in any
    // way, SIGKILL included — and then removes everything labelled with this run.
    const [cmd, ...args] = nodeArgv(sibling(import.meta.url, './reaper'));
    this.reaper = spawn(cmd, [...args, this.runId], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    this.reaper.unref();
  }

  private labels(): Record<string, string> {
    return { [LABEL]: 'true', [RUN_LABEL]: this.runId };
  }

  private async createNetwork(): Promise<{ subnet: string; network: Docker.Network }> {
    const name = `jepsen-ts-${this.runId}`;
    const explicit = this.spec.opts.dockerSubnet as string | undefined;
    const candidates = explicit ? [explicit] : DEFAULT_SUBNETS;
    let lastError: unknown = null;
    for (const subnet of candidates) {
      try {
        const network = await this.docker.createNetwork({
          Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: this.labels(),
          IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] },
        });
        return { subnet, network };
      } catch (e) {
        lastError = e;
        // Another network (another run) holds this subnet: try the next one.
        if (!/overlap|in use/i.test(String((e as Error).message))) break;
      }
    }
    const why = lastError instanceof Error ? lastError.message.split('\n')[0] : String(lastError);
    if (explicit) throw new UsageError(`--docker-subnet ${explicit}: the network could not be created (${why}).`);
    throw new Error(`could not create the docker network: ${why}`);
  }

  private async up(image: string): Promise<void> {
    const { subnet, network } = await this.createNetwork();
    this.network = network;
    const prefix = subnet.split('/')[0].split('.').slice(0, 3).join('.');
    const ips = this.spec.nodes.map((_, i) => `${prefix}.${11 + i}`);
    const hosts = this.spec.nodes.map((n, i) => `${n}:${ips[i]}`);
    const netName = `jepsen-ts-${this.runId}`;
    this.nodes = await Promise.all(this.spec.nodes.map(async (name, i) => {
      const container = await this.docker.createContainer({
        Image: image, name: `jepsen-ts-${this.runId}-${name}`, Hostname: name, Labels: this.labels(),
        Cmd: ['sleep', 'infinity'],
        HostConfig: { NetworkMode: netName, CapAdd: ['NET_ADMIN'], Init: true, ExtraHosts: hosts },
        NetworkingConfig: { EndpointsConfig: { [netName]: { IPAMConfig: { IPv4Address: ips[i] }, Aliases: [name] } } },
      });
      await container.start();
      return { name, host: ips[i], dir: NODE_DIR, container, ip: ips[i], remote: remoteFor(container) };
    }));
    if (this.spec.needs.clock) this.clock = this.clockControl();
    if (this.spec.needs.packet) {
      // Packet faults need the kernel's netem queueing discipline (sch_netem); some kernels
      // (minimal VM kernels, for one) are built without it.
      const probe = await this.nodes[0].remote.exec(['sh', '-c', 'tc qdisc replace dev eth0 root netem delay 1ms && tc qdisc del dev eth0 root']);
      if (probe.code !== 0) {
        throw new UsageError(`The packet nemesis needs the kernel's netem qdisc, which this Docker host's kernel lacks (${probe.stderr.trim() || `exit ${probe.code}`}): load sch_netem (modprobe sch_netem) on the host, or use packet faults on the local provider.`);
      }
    }
    await Promise.all(this.nodes.map((n) => sh(n, `mkdir -p /run/jepsen && printf %s ${shq(offsetText(0))} > ${CLOCK_FILE}`)));
    this.spec.log.info(`docker: network ${netName} (${subnet}), containers ${this.nodes.map((n) => `${n.name}=${n.ip}`).join(' ')}`);
  }

  private clockControl(): ClockControl {
    return {
      set: async (offsets) => {
        await Promise.all(Object.entries(offsets).map(async ([name, ms]) => {
          const node = this.node(name);
          await sh(node, `printf %s ${shq(offsetText(ms))} > ${CLOCK_FILE}.tmp && mv ${CLOCK_FILE}.tmp ${CLOCK_FILE}`);
          this.offsets.set(name, ms);
        }));
      },
      offsets: () => Object.fromEntries(this.nodes.map((n) => [n.name, this.offsets.get(n.name) ?? 0])),
      env: () => faketimeEnv(FAKETIME_LIB, CLOCK_FILE),
    };
  }

  node(name: string): DockerNodeHandle {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  /** Each node drops packets from the nodes its grudge names (Jepsen's iptables rules). */
  async partition(grudge: Grudge): Promise<void> {
    await Promise.all(this.nodes.map((n) => {
      const drops = (grudge[n.name] ?? []).map((src) => `iptables -A INPUT -s ${this.node(src).ip} -j DROP`);
      return sh(n, ['iptables -F INPUT', ...drops].join(' && '));
    }));
  }

  async heal(): Promise<void> {
    await Promise.all(this.nodes.map((n) => sh(n, 'iptables -F INPUT')));
  }

  /** netem on the outgoing traffic of every node a link touches (null: remove it). */
  async shape(links: Array<[string, string]>, b: LinkBehaviour | null): Promise<void> {
    const touched = b === null ? this.nodes.map((n) => n.name) : [...new Set(links.flat())];
    await Promise.all(touched.map((name) => {
      const node = this.node(name);
      if (b === null) return node.remote.exec(['sh', '-c', 'tc qdisc del dev eth0 root 2>/dev/null; true']);
      const parts = ['netem'];
      if (b.delayMs) parts.push(`delay ${b.delayMs}ms ${b.jitterMs ?? 0}ms`);
      if (b.loss) parts.push(`loss ${(b.loss * 100).toFixed(1)}%`);
      if (b.duplicate) parts.push(`duplicate ${(b.duplicate * 100).toFixed(1)}%`);
      if (b.reorder) parts.push(`reorder ${(b.reorder * 100).toFixed(1)}%`, ...(b.delayMs ? [] : ['delay 10ms']));
      return sh(node, `tc qdisc replace dev eth0 root ${parts.join(' ')}`);
    }));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const r = await removeLabelled(this.docker, this.runId).catch(() => null);
    this.spec.log.info(`docker: removed ${r?.containers ?? '?'} containers and ${r?.networks ?? '?'} networks`);
    this.reaper?.stdin?.end();
    this.nodes = [];
    this.network = null;
  }
}

export const dockerProvider: Provider = {
  name: 'docker',
  options: [
    {
      name: 'dockerSubnet', type: 'string', defaultText: 'a free 10.213.x.0/24', description: "The subnet of the run's docker network",
      validate: (v) => (/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-8])$/.test(String(v)) ? undefined : 'expected an IPv4 subnet such as 10.213.0.0/24 (prefix /16 to /28)'),
    },
  ],
  provision: (spec) => DockerCluster.create(spec),
};
