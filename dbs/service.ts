// The system as each node's own main process: a container of the user's image (--image) or a
// compose service (--compose), started by the provider. Set-up waits until it answers; kill,
// restart and pause go to the provider (SIGKILL of the container's main process and a restart;
// the cgroup freezer), so the image needs no shell, no kill, no tools at all.
import { RunAbortedError } from '../src/errors.ts';
import type { ClientFactory, Db, NodeHandle, NodeService, TestInfo } from '../src/types.ts';
import { waitForPort } from './daemon.ts';

export interface ServiceSpec {
  name?: string;
  /** A TCP port the service listens on at node.host: it is ready once that port accepts. */
  port?: number;
  /** Waits until the service on this node answers (throws a clear Error if it never does). */
  ready?(test: TestInfo, node: NodeHandle): Promise<void>;
  /** How long a service may take to become ready, in ms (default 60 s). */
  readyTimeoutMs?: number;
  clients?: Partial<Record<string, ClientFactory>>;
  primaries?(test: TestInfo): Promise<string[]>;
}

function serviceOf(node: NodeHandle): NodeService {
  if (!node.service) throw new Error(`${node.name} does not run the system as its own process (use --compose or --image on the docker provider)`);
  return node.service;
}

export function serviceDb(spec: ServiceSpec = {}): Db {
  const name = spec.name ?? 'service';
  const ready = async (test: TestInfo, node: NodeHandle) => {
    if (spec.ready) return spec.ready(test, node);
    if (spec.port !== undefined) return waitForPort(node.host, spec.port, spec.readyTimeoutMs ?? 60_000, async () => true);
  };
  return {
    name,
    clients: spec.clients,
    primaries: spec.primaries,
    providers: ['docker'],
    refuse: ({ opts }) => (opts.compose || opts.image
      ? undefined
      : `The ${name} system is each node's own container: give --compose FILE or --image NAME (docker provider).`),
    async setup(test, node) {
      serviceOf(node);
      try {
        await ready(test, node);
      } catch (e) {
        throw new RunAbortedError(`${name} on ${node.name}: ${(e as Error).message} (its output is in the store: nodes/${node.name}/container.log).`);
      }
    },
    async teardown(_test, node) {
      // A frozen container cannot even be removed cleanly: thaw it; the provider removes it.
      await node.service?.resume();
    },
    async kill(_test, node) {
      await serviceOf(node).kill();
    },
    async start(test, node) {
      await serviceOf(node).start();
      await ready(test, node).catch(() => {}); // a restart slow to listen is the history's to show
    },
    async pause(_test, node) {
      await serviceOf(node).pause();
    },
    async resume(_test, node) {
      await serviceOf(node).resume();
    },
  };
}

/** A user's own image or compose service as the system under test. */
export const service = serviceDb;
