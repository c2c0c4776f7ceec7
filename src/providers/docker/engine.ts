// The Docker engine, through dockerode: DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH are
// honoured as dockerode (docker-modem) honours them; otherwise the local socket. Every resource we
// create carries the label `jepsen-ts` (and `jepsen-ts.run` = the run id), so `jepsen-ts clean`
// and every exit path can find what is ours and nothing else.
import Docker from 'dockerode';
import { UsageError } from '../../errors.ts';

export const LABEL = 'jepsen-ts';
export const RUN_LABEL = 'jepsen-ts.run';
/** Images carry this instead: a container inherits its image's labels, and one started from our
 *  image by anyone else (a test's SSH host, a user's own container) is not ours to remove. */
export const IMAGE_LABEL = 'jepsen-ts.image';

export function engineAddress(): string {
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

/** A connected engine, or one sentence saying it is unreachable and how to start it. */
export async function connectDocker(timeoutMs = 5000): Promise<Docker> {
  const docker = new Docker();
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)),
    ]);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new UsageError(
      `The Docker daemon at ${engineAddress()} is unreachable (${why}): start it (as root: \`dockerd &\`, or \`systemctl start docker\`; on Debian it comes with \`apt-get install docker.io\`), or point DOCKER_HOST at a running engine.`,
    );
  }
  return docker;
}

/** Removes every container, network and volume labelled by jepsen-ts (of one run, when runId is given). */
export async function removeLabelled(docker: Docker, runId?: string): Promise<{ containers: number; networks: number; volumes: number }> {
  // Every resource of a run carries the run label (the key alone selects all runs').
  const label = runId ? [`${RUN_LABEL}=${runId}`] : [RUN_LABEL];
  const containers = await docker.listContainers({ all: true, filters: { label } });
  // A busy engine can refuse a removal ("removal already in progress", a timeout): list again
  // and retry until none is left, for a while.
  let left = containers;
  for (let attempt = 0; left.length && attempt < 20; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 500));
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {})));
    left = await docker.listContainers({ all: true, filters: { label } });
  }
  const networks = await docker.listNetworks({ filters: { label } });
  // A network whose containers were just removed can still report active endpoints for a moment.
  await Promise.all(networks.map(async (n) => {
    for (let attempt = 0; attempt < 30; attempt++) {
      try {
        await docker.getNetwork(n.Id).remove();
        return;
      } catch (e) {
        if (/not found|no such network/i.test(String((e as Error).message))) return;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }));
  const volumes = (await docker.listVolumes({ filters: { label } })).Volumes ?? [];
  await Promise.all(volumes.map((v) => docker.getVolume(v.Name).remove().catch(() => {})));
  return { containers: containers.length, networks: networks.length, volumes: volumes.length };
}
