// A real server run as a daemon on a docker (or ssh) node: started with nohup under the clock
// wrapper, its pid in a file, its output in a log that is copied into the store at teardown.
// kill = SIGKILL of that pid, start = the same command again (the data directory is kept),
// pause/resume = SIGSTOP/SIGCONT. Shared by the etcd and Redis adapters.
import path from 'node:path';
import { RunAbortedError, UsageError } from '../src/errors.ts';
import { isDockerNode, type DockerCluster } from '../src/providers/docker/index.ts';
import type { Db, ClientFactory, NodeHandle, TestInfo } from '../src/types.ts';
import { sh, shq } from '../src/remote-shell.ts';

export const DATA_DIR = '/var/lib/jepsen';
const PID_FILE = '/run/jepsen/db.pid';
const LOG_FILE = '/var/log/jepsen/db.log';

export interface DaemonSpec {
  name: string;
  /** The server's argv for this node. */
  argv(test: TestInfo, node: NodeHandle): string[];
  /** Waits until the server on this node answers (throws with a clear message if it never does). */
  ready(test: TestInfo, node: NodeHandle): Promise<void>;
  /** Runs once on every node before the first start (config files, directories). */
  prepare?(test: TestInfo, node: NodeHandle): Promise<void>;
  clients: Partial<Record<string, ClientFactory>>;
  primaries?(test: TestInfo): Promise<string[]>;
}

/** The node's address on the run network; a real server runs only on the docker provider. */
export function nodeIp(node: NodeHandle, system: string): string {
  if (!isDockerNode(node)) throw new UsageError(`${system} runs on real nodes: use --provider docker.`);
  return node.ip;
}

function requireDocker(test: TestInfo, node: NodeHandle, name: string): DockerCluster {
  nodeIp(node, name);
  return test.cluster as DockerCluster;
}

export function daemonDb(spec: DaemonSpec): Db {
  const start = async (test: TestInfo, node: NodeHandle) => {
    const cluster = requireDocker(test, node, spec.name);
    const env = Object.entries(cluster.clockEnv()).map(([k, v]) => `${k}=${shq(v)}`).join(' ');
    const cmd = spec.argv(test, node).map(shq).join(' ');
    // Already running (a start after a kill that did not happen): leave it.
    await sh(node, `if [ -f ${PID_FILE} ] && kill -0 "$(cat ${PID_FILE})" 2>/dev/null; then exit 0; fi; `
      + `mkdir -p ${DATA_DIR} $(dirname ${LOG_FILE}) $(dirname ${PID_FILE}); cd ${DATA_DIR}; `
      + `echo "--- start $(date -u +%FT%TZ)" >> ${LOG_FILE}; `
      + `nohup env ${env} ${cmd} >> ${LOG_FILE} 2>&1 < /dev/null & echo $! > ${PID_FILE}`);
  };
  const signal = (sig: string) => async (_test: TestInfo, node: NodeHandle) => {
    await sh(node, `[ -f ${PID_FILE} ] && kill -${sig} "$(cat ${PID_FILE})" 2>/dev/null; true`);
  };
  return {
    name: spec.name,
    clients: spec.clients,
    primaries: spec.primaries,
    async setup(test, node) {
      requireDocker(test, node, spec.name);
      await spec.prepare?.(test, node);
      await start(test, node);
      try {
        await spec.ready(test, node);
      } catch (e) {
        // The run cannot go on: one sentence, with what the server said last.
        const tail = await node.remote.exec(['tail', '-n', '3', LOG_FILE]).then((r) => r.stdout.trim().replace(/\s*\n\s*/g, ' | ')).catch(() => '');
        throw new RunAbortedError(`${(e as Error).message}${tail ? `; its log ends: ${tail}` : ''}`);
      }
    },
    async teardown(test, node) {
      await signal('KILL')(test, node);
      // The server's log goes into the store before the data is wiped.
      await node.remote.download(LOG_FILE, path.join(test.storeDir, 'nodes', node.name, 'db.log')).catch(() => {});
      await sh(node, `rm -rf ${DATA_DIR}/* ${PID_FILE}`).catch(() => {});
    },
    async kill(test, node) {
      await signal('KILL')(test, node);
      await sh(node, `rm -f ${PID_FILE}`);
    },
    async start(test, node) {
      await start(test, node);
    },
    pause: signal('STOP'),
    resume: signal('CONT'),
    async logFiles() {
      return [LOG_FILE];
    },
  };
}
