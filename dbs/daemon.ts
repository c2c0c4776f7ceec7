// A server run as a daemon on every node, through the node's Remote — so the same system runs on
// local, docker and ssh nodes: started in its own session and process group under the clock
// wrapper (when the clock nemesis runs), its pid in a file, its output in a log that is copied into
// the store at teardown. kill = SIGKILL of its process group, start = the same command again (the
// node's directory is kept), pause/resume = SIGSTOP/SIGCONT. Shared by etcd, Redis and users' own
// systems (dbs.daemon).
import path from 'node:path';
import net from 'node:net';
import { RunAbortedError } from '../src/errors.ts';
import type { ClientFactory, Db, NodeHandle, TestInfo } from '../src/types.ts';
import { sh, shq } from '../src/remote-shell.ts';
import { collectLogs, ensurePackages, isAlive, signalGroup, startScript, type Requirement, type Signal } from '../src/control/index.ts';

export interface DaemonSpec {
  name: string;
  /** The server's argv on this node; it runs in the node's directory (node.dir). */
  command(test: TestInfo, node: NodeHandle): string[];
  /** Extra environment for the server. */
  env?(test: TestInfo, node: NodeHandle): Record<string, string>;
  /** A TCP port the server listens on at node.host: it is ready once that port accepts. */
  port?: number;
  /** Waits until the server on this node answers (throws a clear Error if it never does);
   *  default: the port accepts connections. */
  ready?(test: TestInfo, node: NodeHandle): Promise<void>;
  /** How long a server may take to become ready, in ms (default 30 s). */
  readyTimeoutMs?: number;
  /** Runs on every node before the first start (config files, packages). */
  prepare?(test: TestInfo, node: NodeHandle): Promise<void>;
  clients?: Partial<Record<string, ClientFactory>>;
  primaries?(test: TestInfo): Promise<string[]>;
  /** Providers it runs on (default: any). */
  providers?: readonly string[];
  /** Commands the server needs on the node and the Debian packages that bring them: installed
   *  with the node's apt-get when missing (e.g. { command: 'etcd', pkg: 'etcd-server' }). */
  packages?: readonly Requirement[];
  /** Services of the machine's init system that hold the server's ports (a packaged etcd or
   *  redis-server started at boot): stopped before the first start. */
  stopServices?: readonly string[];
}

/** Stops init-system services by name (systemd, or SysV service), where they run. */
function stopServicesScript(names: readonly string[]): string {
  return names.map((n) => `if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet ${shq(n)} 2>/dev/null; then systemctl stop ${shq(n)}; `
    + `elif command -v service >/dev/null 2>&1 && [ -x /etc/init.d/${n} ]; then service ${shq(n)} stop >/dev/null 2>&1; fi`).join('; ') + '; true';
}

/** Where the daemon's pid and log live on the node: beside its directory, so a wipe of the data keeps them. */
const ctl = (node: NodeHandle) => `${node.dir}.jepsen`;
const pidFile = (node: NodeHandle) => `${ctl(node)}/pid`;
export const logFile = (node: NodeHandle) => `${ctl(node)}/daemon.log`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until host:port accepts a TCP connection. */
export async function waitForPort(host: string, port: number, timeoutMs: number, alive: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port, timeout: 1000 }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', (e) => {
        last = e.message;
        resolve(false);
      });
      s.on('timeout', () => {
        last = 'timed out';
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (!(await alive())) throw new Error(`it exited before listening on ${host}:${port}`);
    await sleep(200);
  }
  throw new Error(`it did not listen on ${host}:${port} within ${Math.round(timeoutMs / 1000)} s (${last})`);
}

export function daemonDb(spec: DaemonSpec): Db {
  const alive = (node: NodeHandle) => isAlive(node.remote, pidFile(node));
  const start = async (test: TestInfo, node: NodeHandle) => {
    const env = { ...test.cluster?.clock?.env(node.name), ...spec.env?.(test, node) };
    // Already running (a start after a kill that did not happen): left alone. setsid makes the
    // server the leader of its own process group, so kill and pause reach all of it.
    await sh(node, startScript({ argv: spec.command(test, node), env, dir: node.dir, log: logFile(node), pidFile: pidFile(node) }));
  };
  const signal = (sig: Signal) => async (_test: TestInfo, node: NodeHandle) => signalGroup(node.remote, pidFile(node), sig);
  const ready = async (test: TestInfo, node: NodeHandle) => {
    if (spec.ready) return spec.ready(test, node);
    if (spec.port !== undefined) return waitForPort(node.host, spec.port, spec.readyTimeoutMs ?? 30_000, () => alive(node));
  };
  return {
    name: spec.name,
    clients: spec.clients,
    primaries: spec.primaries,
    providers: spec.providers,
    async setup(test, node) {
      if (spec.packages?.length) await ensurePackages(node.remote, node.name, spec.packages, spec.name);
      if (spec.stopServices?.length) await sh(node, stopServicesScript(spec.stopServices));
      await spec.prepare?.(test, node);
      await start(test, node);
      try {
        await ready(test, node);
      } catch (e) {
        // The run cannot go on: one sentence, with what the server said last.
        const tail = await node.remote.exec(['tail', '-n', '3', logFile(node)]).then((r) => r.stdout.trim().replace(/\s*\n\s*/g, ' | ')).catch(() => '');
        throw new RunAbortedError(`${spec.name} on ${node.name}: ${(e as Error).message}${tail ? `; its log ends: ${tail}` : ''}`);
      }
    },
    async teardown(test, node) {
      await signal('CONT')(test, node);
      await signal('KILL')(test, node);
      // The server's log goes into the store before the node's directory is wiped.
      await collectLogs(node.remote, [logFile(node)], path.join(test.storeDir, 'nodes', node.name), () => 'db.log').catch(() => []);
      await sh(node, `rm -rf ${shq(node.dir)} ${shq(ctl(node))}`).catch(() => {});
    },
    async kill(test, node) {
      await signal('CONT')(test, node);
      await signal('KILL')(test, node);
      await sh(node, `rm -f ${shq(pidFile(node))}`);
    },
    async start(test, node) {
      await start(test, node);
      await ready(test, node).catch(() => {}); // a restart that is slow to listen is the history's to show
    },
    pause: signal('STOP'),
    resume: signal('CONT'),
    async logFiles(_test, node) {
      return [logFile(node)];
    },
  };
}

/** A user's own server as the system under test, started on every node by command. */
export const daemon = daemonDb;
