// A docker cluster (DESIGN.md §6): one labelled user-defined network with an explicit subnet and
// one container per node at a fixed address, named after the node on the network. Three ways:
//  - jepsen-ts's node image (default): containers kept alive by `sleep`, the system started in
//    them through exec; faults run inside (the image has iptables, tc, libfaketime);
//  - --image NAME: every node runs the user's image with its own command (or --node-command);
//  - --compose FILE: the file's services, nodes and helpers (compose.ts).
// User images need no tools: the network faults run in a helper container of the node image
// joined to the node's network namespace (NetworkMode container:<id>, NET_ADMIN), as Pumba does;
// kill is SIGKILL of the container's main process and a restart, pause the cgroup freezer.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type Docker from 'dockerode';
import { UsageError } from '../../errors.ts';
import type { ClockControl, Cluster, ClusterSpec, Grudge, LinkBehaviour, Net, NodeHandle, NodeService } from '../../types.ts';
import { LinuxNet, RemoteClocks, chainName } from '../../control/index.ts';
import { LABEL, RUN_LABEL, connectDocker, removeLabelled } from './engine.ts';
import { ensureNodeImage } from './image.ts';
import { containerRemote } from './remote.ts';
import { buildImage, containerOutput, ensureImage } from './containers.ts';
import { loadCompose, words, type ComposeMount, type ComposeService } from './compose.ts';
import { FT_DIR, fillFaketimeVolume, injectedEnv, offsetFile, requireGlibc } from './faketime.ts';
import type { Remote } from '../../types.ts';
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
/** Each node's directory for the system's data (node image). */
export const NODE_DIR = '/var/lib/jepsen';

const DEFAULT_SUBNETS = Array.from({ length: 16 }, (_, i) => `10.213.${i * 16}.0/24`);

/** One container to run: a node (faulted, fixed address) or a compose helper service. */
interface ContainerSpec {
  name: string;
  image: string;
  cmd?: string[];
  entrypoint?: string[];
  env: Record<string, string>;
  mounts: ComposeMount[];
  workingDir?: string;
  user?: string;
  node: boolean;
  dependsOn: ComposeService['dependsOn'];
}

export type DockerMode = 'node-image' | 'image' | 'compose';

export function dockerMode(opts: Readonly<Record<string, unknown>>): DockerMode {
  return opts.compose ? 'compose' : opts.image ? 'image' : 'node-image';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DockerCluster implements Cluster {
  readonly provider = 'docker';
  nodes: DockerNodeHandle[] = [];
  net: Net;
  clock?: ClockControl;
  readonly mode: DockerMode;
  private reaper: ChildProcess | null = null;
  private linux: LinuxNet;
  private readonly containers = new Map<string, Docker.Container>();
  private readonly helpers = new Map<string, Docker.Container>();
  private netName = '';
  private nodeImage = '';
  /** The run's libfaketime volume, when clock faults are injected into user images. */
  private faketimeVolume: string | null = null;

  private constructor(private readonly docker: Docker, private readonly spec: ClusterSpec, readonly runId: string) {
    this.mode = dockerMode(spec.opts);
    this.linux = new LinuxNet(() => this.nodes.map((n) => ({
      name: n.name, address: n.ip, remote: this.mode === 'node-image' ? n.remote : this.helperRemote(n.name),
    })), chainName(runId));
    this.net = {
      partition: (g: Grudge) => this.linux.partition(g),
      heal: () => this.linux.heal(),
      shape: (links: Array<[string, string]>, b: LinkBehaviour | null) => this.linux.shape(links, b),
    };
  }

  static async create(spec: ClusterSpec): Promise<DockerCluster> {
    const docker = await connectDocker();
    const runId = path.basename(spec.storeDir).replace(/[^a-zA-Z0-9_.-]/g, '-').toLowerCase();
    const c = new DockerCluster(docker, spec, runId);
    try {
      c.nodeImage = await ensureNodeImage(docker, spec.log);
      c.startReaper();
      await c.up();
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

  private async createNetwork(): Promise<string> {
    const name = `jepsen-ts-${this.runId}`;
    const explicit = this.spec.opts.dockerSubnet as string | undefined;
    const candidates = explicit ? [explicit] : DEFAULT_SUBNETS;
    let lastError: unknown = null;
    for (const subnet of candidates) {
      // Nodes take fixed addresses from .11; the engine hands out the upper half to helpers.
      const prefix = subnet.split('/')[0].split('.').slice(0, 3).join('.');
      const range = Number(subnet.split('/')[1]) <= 24 ? `${prefix}.128/25` : undefined;
      try {
        await this.docker.createNetwork({
          Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: this.labels(),
          IPAM: { Driver: 'default', Config: [{ Subnet: subnet, ...(range ? { IPRange: range } : {}) }] },
        });
        this.netName = name;
        return subnet;
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

  /** The containers this run makes, from the mode and its options. */
  private async specs(): Promise<ContainerSpec[]> {
    const o = this.spec.opts;
    if (this.mode === 'node-image') {
      return this.spec.nodes.map((name) => ({ name, image: this.nodeImage, cmd: ['sleep', 'infinity'], env: {}, mounts: [], node: true, dependsOn: [] }));
    }
    if (this.mode === 'image') {
      const image = String(o.image);
      await ensureImage(this.docker, image, this.spec.log, '--image');
      const cmd = o.nodeCommand === undefined ? undefined : words(String(o.nodeCommand), '--node-command');
      const env = Object.fromEntries(((o.nodeEnv as string[] | undefined) ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      return this.spec.nodes.map((name) => ({ name, image, cmd, env, mounts: [], node: true, dependsOn: [] }));
    }
    const project = loadCompose(String(o.compose));
    if (project.ignored.length) this.spec.log.info(`compose: not acted upon: ${project.ignored.join(', ')}`);
    const out: ContainerSpec[] = [];
    const built = new Set<string>();
    for (const name of project.startOrder) {
      const s = project.services.find((x) => x.name === name)!;
      const who = `${path.basename(project.file)}: services.${name}`;
      // Unnamed builds get a tag of the compose file and service: rebuilt (from the layer cache)
      // by each run, never piling up.
      const image = s.image ?? `jepsen-ts-compose-${crypto.createHash('sha256').update(`${project.file}\0${name}`).digest('hex').slice(0, 12)}`;
      // Services sharing one image and build (YAML anchors) build it once.
      const key = `${image}\0${JSON.stringify(s.build ?? null)}`;
      if (!built.has(key)) {
        if (s.build) await buildImage(this.docker, s.build, image, this.spec.log, who);
        else if (!built.has(`${image}\0null`) && ![...built].some((k) => k.startsWith(`${image}\0`))) await ensureImage(this.docker, image, this.spec.log, who);
        built.add(key);
      }
      out.push({ name, image, cmd: s.command, entrypoint: s.entrypoint, env: s.environment, mounts: s.mounts, workingDir: s.workingDir, user: s.user, node: s.node, dependsOn: s.dependsOn });
    }
    return out;
  }

  private async up(): Promise<void> {
    const specs = await this.specs();
    const subnet = await this.createNetwork();
    const prefix = subnet.split('/')[0].split('.').slice(0, 3).join('.');
    // In the order the run names the nodes (x-jepsen.nodes): the first is the primary of many systems.
    const nodeSpecs = specs.filter((s) => s.node).sort((a, b) => this.spec.nodes.indexOf(a.name) - this.spec.nodes.indexOf(b.name));
    const ipOf = new Map(nodeSpecs.map((s, i) => [s.name, `${prefix}.${11 + i}`]));
    const own = this.mode === 'node-image';
    const hosts = own ? nodeSpecs.map((s) => `${s.name}:${ipOf.get(s.name)}`) : undefined;
    const volumes = new Set(specs.flatMap((s) => s.mounts.filter((m) => m.kind === 'volume' && m.source).map((m) => m.source)));
    for (const v of volumes) await this.docker.createVolume({ Name: this.volumeName(v), Labels: this.labels() });
    if (!own && this.spec.needs.clock) {
      this.faketimeVolume = this.volumeName('faketime');
      await this.docker.createVolume({ Name: this.faketimeVolume, Labels: this.labels() });
      await fillFaketimeVolume(this.docker, this.nodeImage, FAKETIME_LIB, this.faketimeVolume, this.labels(), nodeSpecs.map((s) => s.name));
    }

    for (const s of specs) {
      const ip = ipOf.get(s.name);
      const clock = this.faketimeVolume !== null && s.node;
      const env = clock ? { ...s.env, ...injectedEnv(s.name) } : s.env;
      const mounts: Docker.MountSettings[] = s.mounts.map((m) => ({
        Type: m.kind, Target: m.target, ReadOnly: m.readOnly,
        Source: m.kind === 'bind' ? m.source : m.source ? this.volumeName(m.source) : '',
      }));
      if (clock) mounts.push({ Type: 'volume', Source: this.faketimeVolume!, Target: FT_DIR, ReadOnly: true });
      const container = await this.docker.createContainer({
        Image: s.image, name: `jepsen-ts-${this.runId}-${s.name}`, Hostname: s.name, Labels: this.labels(),
        ...(s.cmd ? { Cmd: s.cmd } : {}), ...(s.entrypoint ? { Entrypoint: s.entrypoint } : {}),
        Env: Object.entries(env).map(([k, v]) => `${k}=${v}`), WorkingDir: s.workingDir, User: s.user,
        HostConfig: {
          NetworkMode: this.netName, ExtraHosts: hosts,
          ...(own ? { CapAdd: ['NET_ADMIN'], Init: true } : {}),
          Mounts: mounts,
        },
        NetworkingConfig: { EndpointsConfig: { [this.netName]: { ...(ip ? { IPAMConfig: { IPv4Address: ip } } : {}), Aliases: [s.name] } } },
      });
      this.containers.set(s.name, container);
      if (clock) await requireGlibc(container, s.image, s.name);
    }
    for (const s of specs) {
      await this.waitForDependencies(s);
      await this.containers.get(s.name)!.start();
    }
    this.nodes = nodeSpecs.map((s) => {
      const container = this.containers.get(s.name)!;
      const ip = ipOf.get(s.name)!;
      const handle: DockerNodeHandle = {
        name: s.name, host: ip, ip, container, remote: containerRemote(container), dir: own ? NODE_DIR : '/tmp/jepsen',
        ...(own ? {} : { service: this.serviceOf(s.name) }),
      };
      return handle;
    });
    if (!own) await Promise.all(this.nodes.map((n) => this.attachHelper(n.name)));
    await this.linux.setup();
    if (this.spec.needs.packet) {
      const why = await this.linux.probeShaping();
      if (why) {
        throw new UsageError(`The packet nemesis needs the kernel's prio and netem queueing disciplines, which this Docker host's kernel lacks (${why}): load sch_netem and sch_prio (modprobe sch_netem sch_prio) on the host, or use packet faults on the local provider.`);
      }
    }
    if (own && this.spec.needs.clock) {
      const clocks = new RemoteClocks(this.nodes.map((n) => ({ name: n.name, remote: n.remote, lib: FAKETIME_LIB, file: CLOCK_FILE })));
      await clocks.init();
      this.clock = clocks;
    } else if (this.spec.needs.clock) {
      // Offsets written through each node's helper, which mounts the volume writable.
      this.clock = new RemoteClocks(this.nodes.map((n) => ({ name: n.name, remote: this.helperRemote(n.name), lib: `${FT_DIR}/libfaketimeMT.so.1`, file: offsetFile(n.name) })));
    }
    const helpers = specs.filter((s) => !s.node).map((s) => s.name);
    this.spec.log.info(`docker: network ${this.netName} (${subnet}), nodes ${this.nodes.map((n) => `${n.name}=${n.ip}`).join(' ')}${helpers.length ? `, helper services ${helpers.join(' ')}` : ''}`);
  }

  private volumeName(v: string): string {
    return `jepsen-ts-${this.runId}-${v}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
  }

  /** Waits for what a service's depends_on asks of the services started before it. */
  private async waitForDependencies(s: ContainerSpec): Promise<void> {
    for (const d of s.dependsOn) {
      if (d.condition === 'service_started') continue;
      const c = this.containers.get(d.service)!;
      const deadline = Date.now() + 120_000;
      for (;;) {
        const st = (await c.inspect()).State;
        if (d.condition === 'service_healthy' && st.Health?.Status === 'healthy') break;
        if (d.condition === 'service_completed_successfully' && !st.Running && st.ExitCode === 0 && st.Status === 'exited') break;
        if (d.condition === 'service_healthy' && !st.Health) throw new UsageError(`services.${s.name} waits for ${d.service} to be healthy, but ${d.service}'s image has no health check.`);
        if (!st.Running && st.Status === 'exited' && d.condition === 'service_healthy') throw new UsageError(`services.${s.name} waits for ${d.service} to be healthy, but ${d.service} exited (code ${st.ExitCode}).`);
        if (Date.now() > deadline) throw new UsageError(`services.${s.name} waited 120 s for ${d.service} (${d.condition}) in vain.`);
        await sleep(500);
      }
    }
  }

  /** The node's current helper (a new one after each restart of the node). */
  private helperRemote(name: string): Remote {
    const current = () => containerRemote(this.helpers.get(name)!);
    return {
      exec: (argv, o) => current().exec(argv, o),
      upload: (l, r) => current().upload(l, r),
      download: (r, l) => current().download(r, l),
    };
  }

  /** A helper of the node image in the node's network namespace: it runs iptables and tc for a
   *  node whose image lacks them. Made anew when the node's container restarts. */
  private async attachHelper(name: string): Promise<void> {
    await this.helpers.get(name)?.remove({ force: true }).catch(() => undefined);
    const target = this.containers.get(name)!;
    const helper = await this.docker.createContainer({
      Image: this.nodeImage, name: `jepsen-ts-${this.runId}-${name}-net`, Labels: { ...this.labels(), 'jepsen-ts.helper': name },
      Cmd: ['sleep', 'infinity'],
      HostConfig: {
        NetworkMode: `container:${target.id}`, CapAdd: ['NET_ADMIN'], Init: true,
        ...(this.faketimeVolume ? { Mounts: [{ Type: 'volume' as const, Source: this.faketimeVolume, Target: FT_DIR }] } : {}),
      },
    });
    await helper.start();
    this.helpers.set(name, helper);
  }

  /** Kill, restart and pause of a node whose main process is the system. */
  private serviceOf(name: string): NodeService {
    const c = () => this.containers.get(name)!;
    return {
      kill: async () => {
        const st = (await c().inspect()).State;
        if (st.Paused) await c().unpause();
        if (st.Running) await c().kill({ signal: 'SIGKILL' }).catch(() => undefined);
        await c().wait({ condition: 'not-running' }).catch(() => undefined);
      },
      start: async () => {
        const st = (await c().inspect()).State;
        if (st.Running) return;
        await c().start();
        // A restarted container has a new network namespace: a new helper, the faults again.
        await this.attachHelper(name);
        await this.linux.reapply(name);
      },
      pause: async () => {
        if (!(await c().inspect()).State.Paused) await c().pause();
      },
      resume: async () => {
        if ((await c().inspect()).State.Paused) await c().unpause();
      },
    };
  }

  node(name: string): DockerNodeHandle {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  async partition(grudge: Grudge): Promise<void> {
    await this.linux.partition(grudge);
  }

  async heal(): Promise<void> {
    await this.linux.heal();
  }

  /** The output of containers that ran the user's images, into the store. */
  private async saveOutputs(): Promise<void> {
    if (this.mode === 'node-image') return;
    const nodeNames = new Set(this.nodes.map((n) => n.name));
    await Promise.all([...this.containers].map(async ([name, c]) => {
      const text = await containerOutput(c).catch(() => null);
      if (text === null) return;
      const dir = path.join(this.spec.storeDir, nodeNames.has(name) ? 'nodes' : 'services', name);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'container.log'), text);
    }));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.saveOutputs().catch(() => undefined);
    const r = await removeLabelled(this.docker, this.runId).catch(() => null);
    this.spec.log.info(`docker: removed ${r?.containers ?? '?'} containers, ${r?.networks ?? '?'} networks and ${r?.volumes ?? '?'} volumes`);
    this.reaper?.stdin?.end();
    this.nodes = [];
    this.containers.clear();
    this.helpers.clear();
  }
}
