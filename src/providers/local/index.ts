// The local provider (DESIGN.md §6): nodes are child processes on this machine, the controller
// routes every message between them. No Docker, no root.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ClockControl, Cluster, ClusterSpec, ExecResult, Net, NetCounts, NodeFailure, NodeFailures, NodeHandle, Provider, Remote } from '../../types.ts';
import { findLibfaketime } from './faketime.ts';
import type { Logger } from '../../log.ts';
import { claim, reap, recordGroup, sweepOrphans, TMP_PREFIX } from './leftovers.ts';
import { nodeArgv, sibling } from '../../util/paths.ts';
import { Rng } from '../../rng.ts';
import { FaketimeClocks } from './faketime.ts';
import { NetLog } from './net-log.ts';
import { NodeProcess } from './node-process.ts';
import { Router, type LatencyDist } from './router.ts';
import { ClientConnection, SERVICE_IDS, startServices } from './services.ts';

export interface LocalNodeHandle extends NodeHandle {
  proc: NodeProcess;
  /** Opens a client connection to this node through the router. */
  connect(clientId?: string): ClientConnection;
}

export function isLocalNode(node: NodeHandle): node is LocalNodeHandle {
  return (node as LocalNodeHandle).proc instanceof NodeProcess;
}

const localRemote: Remote = {
  exec(argv, opts = {}) {
    return new Promise<ExecResult>((resolve) => {
      const child = execFile(argv[0], argv.slice(1), { env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
      if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
    });
  },
  async upload(localPath, remotePath) {
    await fs.promises.cp(localPath, remotePath, { recursive: true });
  },
  async download(remotePath, localPath) {
    await fs.promises.cp(remotePath, localPath, { recursive: true });
  },
};

/** The node failures of one cluster: kept (the first hundred), and announced as they happen. */
class FailureLog implements NodeFailures {
  private readonly failures: NodeFailure[] = [];
  private readonly listeners: Array<(f: NodeFailure) => void> = [];
  constructor(private readonly log: Logger) {}
  add(f: NodeFailure): void {
    if (this.failures.length >= 100) return;
    this.failures.push(f);
    for (const l of this.listeners) {
      try {
        l(f);
      } catch (e) {
        this.log.warn(`a node-failure listener threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  list(): readonly NodeFailure[] {
    return this.failures;
  }
  onFailure(listener: (f: NodeFailure) => void): void {
    this.listeners.push(listener);
  }
}

/** The watchdog reaps the cluster's directory if this process dies without doing it itself. */
function startWatchdog(dir: string): ChildProcess {
  const [cmd, ...args] = nodeArgv(sibling(import.meta.url, './watchdog'));
  const w = spawn(cmd, [...args, dir], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  w.unref();
  (w.stdin as unknown as { unref?: () => void }).unref?.();
  return w;
}

/** Every live local cluster, so a controller that exits for any reason kills its nodes. */
const live = new Set<LocalCluster>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) c.killNow();
  });
  // What a controller that died without tearing down left behind (and its watchdog missed).
  sweepOrphans();
}

export class LocalCluster implements Cluster {
  readonly provider = 'local';
  readonly nodes: LocalNodeHandle[];
  readonly router: Router;
  readonly net: Net;
  readonly dataRoot: string;
  private readonly watchdog: ChildProcess;
  readonly clock?: ClockControl;
  readonly failures: FailureLog;
  private readonly netLog: NetLog;
  private readonly log: Logger;
  private readonly clients = new Map<string, ClientConnection>();
  private nextClient = 1;

  constructor(spec: ClusterSpec) {
    const o = spec.opts;
    // Checked before anything is started, so a missing libfaketime costs nothing to clean up.
    const clocks = spec.needs.clock ? (dir: string) => new FaketimeClocks(dir, spec.nodes) : null;
    this.dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), TMP_PREFIX));
    claim(this.dataRoot);
    this.watchdog = startWatchdog(this.dataRoot);
    let ft: FaketimeClocks | null = null;
    try {
      ft = clocks?.(path.join(this.dataRoot, 'clocks')) ?? null;
    } catch (e) {
      fs.rmSync(this.dataRoot, { recursive: true, force: true });
      throw e;
    }
    if (ft) this.clock = ft;
    this.log = spec.log;
    this.failures = new FailureLog(spec.log);
    const t0 = performance.now();
    this.netLog = new NetLog(path.join(spec.storeDir, 'net.jsonl'), spec.now ?? (() => Math.round((performance.now() - t0) * 1e6)));
    this.router = new Router({
      latencyMs: Number(o.latency),
      latencyDist: o.latencyDist as LatencyDist,
      loss: Number(o.loss),
      rng: new Rng(spec.seed).fork(0x6e6574), // 'net'
      log: this.netLog,
    });
    startServices(this.router, new Rng(spec.seed).fork(0x737663), spec.log); // 'svc'
    const addresses = describeAddresses(spec.nodes);
    this.nodes = spec.nodes.map((name, i) => {
      const proc = new NodeProcess(
        name, spec.nodes, path.join(this.dataRoot, name), path.join(spec.storeDir, 'nodes', name, 'node.log'),
        this.router, spec.log, Number(o.initTimeout) * 1000,
      );
      if (ft) proc.extraEnv = ft.env(name);
      proc.onFailure = (f) => this.failures.add(f);
      proc.describeAddresses = () => addresses;
      proc.onSpawn = (pid) => recordGroup(this.dataRoot, pid);
      return { name, host: loopbackHost(i), dir: proc.dataDir, remote: localRemote, proc, connect: (id?: string) => this.connect(name, id) };
    });
    this.router.onUndeliverable = (msg) => {
      const client = this.clients.get(msg.src);
      if (client && typeof msg.body.msg_id === 'number') client.refuse(msg.body.msg_id, `node ${msg.dest} is down (connection refused)`);
    };
    const router = this.router;
    this.net = {
      async partition(grudge) {
        router.partition(grudge);
      },
      async heal() {
        router.heal();
      },
      async shape(links, behaviour) {
        router.shape(links, behaviour);
      },
    };
    live.add(this);
    installExitHook();
  }

  connect(node: string, id?: string): ClientConnection {
    const clientId = id ?? `c${this.nextClient++}`;
    const conn = new ClientConnection(clientId, node, this.router);
    conn.onFailure = (f) => this.failures.add(f);
    conn.onWarning = (text) => this.log.warn(text);
    this.clients.set(clientId, conn);
    const close = conn.close.bind(conn);
    conn.close = () => {
      this.clients.delete(clientId);
      close();
    };
    return conn;
  }

  netCounts(): NetCounts {
    return this.netLog.snapshot();
  }

  /** Synchronous last resort (process exit): every node and daemon killed, the directory removed. */
  killNow(): void {
    for (const n of this.nodes) n.proc.killNow();
    reap(this.dataRoot);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const c of [...this.clients.values()]) c.close();
    await Promise.all(this.nodes.map((n) => n.proc.stop()));
    this.router.close();
    this.netLog.close();
    reap(this.dataRoot);
    live.delete(this);
    this.watchdog.stdin?.end();
  }
}

/** ", which exist: n1..n5 and the services lin-kv, ..." for a sentence about a bad address. */
function describeAddresses(nodes: readonly string[]): string {
  const ns = nodes.length > 3 ? `${nodes[0]}..${nodes[nodes.length - 1]}` : nodes.join(', ');
  return ` (the nodes are ${ns}; the services ${SERVICE_IDS.join(', ')})`;
}

/** Each local node gets a loopback address of its own (Linux routes all of 127/8 to lo), so a
 *  system whose nodes listen on TCP can use the same port on every node, as on real hosts. */
export function loopbackHost(i: number): string {
  return `127.0.0.${11 + i}`;
}

const FAULTS_OF_THE_ROUTER = ['partition', 'packet'];

export const localProvider: Provider = {
  name: 'local',
  options: [
    { name: 'latency', type: 'number', default: 2, min: 0, max: 60_000, description: 'Mean message latency in ms (every message: between nodes, and to and from clients and services)' },
    { name: 'latencyDist', type: 'string', default: 'exponential', choices: ['constant', 'uniform', 'exponential'], description: 'Distribution of message latency' },
    { name: 'loss', type: 'number', default: 0, min: 0, max: 1, description: 'Probability of losing a node-to-node message' },
    { name: 'initTimeout', type: 'number', default: 10, above: 0, unit: 's', description: 'Seconds a node has to answer init' },
  ],
  refuse({ nemeses, db, opts }) {
    if (opts.leaveDbRunning) {
      return '--leave-db-running keeps the system running after the run for you to inspect; local nodes are children of this process (and their network is this process), so nothing can outlive it: use --provider docker or ssh.';
    }
    // The controller is the network only for messages of the node protocol.
    const net = nemeses.filter((n) => FAULTS_OF_THE_ROUTER.includes(n));
    if (net.length && !db.speaksNodeProtocol) {
      return `On the local provider the controller routes node-protocol messages only, so --nemesis ${net.join(',')} cannot reach the ${db.name} system's traffic; run it on --provider docker (or ssh), or drop ${net.join(' and ')}.`;
    }
    if (nemeses.includes('clock') && !findLibfaketime()) {
      return 'The clock nemesis needs libfaketime, which is not installed: install the Debian package "faketime" (apt-get install faketime), or set JEPSEN_LIBFAKETIME to the library.';
    }
    return undefined;
  },
  async provision(spec: ClusterSpec): Promise<Cluster> {
    return new LocalCluster(spec);
  },
};
