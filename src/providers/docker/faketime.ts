// Clock faults for images jepsen-ts did not build: libfaketime is injected, not installed. A
// volume of the run holds the node image's libfaketimeMT and one offset file per node; every node
// container mounts it read-only and starts with LD_PRELOAD pointing into it; the node's network
// helper mounts it writable, and the clock nemesis rewrites the offsets there. The image must load
// glibc's shared libraries (a static binary, or a Go program that reads the clock without libc,
// never sees the offset); one without glibc's loader is refused with that reason.
import type Docker from 'dockerode';
import { UsageError } from '../../errors.ts';
import { faketimeEnv, offsetText } from '../../control/faketime.ts';

export const FT_DIR = '/jepsen-faketime';
const LIB = 'libfaketimeMT.so.1';

/** The environment a node's main process starts with. */
export function injectedEnv(node: string): Record<string, string> {
  return faketimeEnv(`${FT_DIR}/${LIB}`, offsetFile(node));
}

export const offsetFile = (node: string) => `${FT_DIR}/${node}.offset`;

/** Fills the volume from the node image: the library, and offset 0 for every node. */
export async function fillFaketimeVolume(docker: Docker, nodeImage: string, libPath: string, volume: string, labels: Record<string, string>, nodes: readonly string[]): Promise<void> {
  const script = [`cp ${libPath} ${FT_DIR}/${LIB}`, ...nodes.map((n) => `printf %s '${offsetText(0).trim()}' > ${offsetFile(n)}`)].join(' && ');
  const c = await docker.createContainer({
    Image: nodeImage, Labels: labels, Cmd: ['sh', '-c', script],
    HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: FT_DIR }] },
  });
  try {
    await c.start();
    const r = (await c.wait()) as { StatusCode: number };
    if (r.StatusCode !== 0) throw new Error(`filling the faketime volume failed (exit ${r.StatusCode})`);
  } finally {
    await c.remove({ force: true }).catch(() => undefined);
  }
}

const LOADERS = ['/lib64/ld-linux-x86-64.so.2', '/lib/ld-linux-aarch64.so.1', '/lib/ld-linux-armhf.so.3', '/lib/ld-linux.so.2'];

/** Refuses a node container whose image has no glibc loader (alpine's musl, scratch, distroless/static). */
export async function requireGlibc(container: Docker.Container, image: string, node: string): Promise<void> {
  for (const p of LOADERS) {
    const ok = await container.infoArchive({ path: p }).then(() => true, () => false);
    if (ok) return;
  }
  throw new UsageError(`Clock faults preload libfaketime into ${node}'s process, but its image ${image} has no glibc loader (${LOADERS[0]}), so nothing could move its clock: drop clock from --nemesis, or use a glibc-based image.`);
}
