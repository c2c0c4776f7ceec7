// What the docker provider does with the engine besides running nodes: user images made present
// (built from a compose build section, or pulled), and a container's output read back for the store.
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import tar from 'tar-fs';
import { UsageError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { IMAGE_LABEL } from './engine.ts';
import type { ComposeBuild } from './compose.ts';
import { followProgress, imageExists } from './progress.ts';

/** Builds a compose service's image (the engine's layer cache makes an unchanged build quick). */
export async function buildImage(docker: Docker, b: ComposeBuild, tag: string, log: Logger, who: string): Promise<void> {
  const dockerfile = b.dockerfile ?? 'Dockerfile';
  if (!fs.existsSync(path.join(b.context, dockerfile))) throw new UsageError(`${who}: the build context ${b.context} has no ${dockerfile}.`);
  const stream = (await docker.buildImage(tar.pack(b.context) as unknown as NodeJS.ReadableStream, {
    t: tag, dockerfile, buildargs: b.args, labels: { [IMAGE_LABEL]: 'compose' }, rm: true, forcerm: true,
  } as never)) as unknown as NodeJS.ReadableStream;
  try {
    await followProgress(docker, stream, log, `build ${tag}`);
  } catch (e) {
    throw new UsageError(`${who}: building ${tag} from ${b.context} failed: ${(e as Error).message.trim().split('\n').pop()}.`);
  }
}

/** Makes an image present: it is, or a pull within the time limit brings it. */
export async function ensureImage(docker: Docker, ref: string, log: Logger, who: string, timeoutMs = 60_000): Promise<void> {
  if (await imageExists(docker, ref)) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.pull(ref).then((s) => followProgress(docker, s as NodeJS.ReadableStream, log, `pull ${ref}`)),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs))),
    ]);
  } catch (e) {
    throw new UsageError(`${who}: the image ${ref} is not on this Docker host and cannot be pulled (${(e as Error).message.split('\n')[0]}): build or load it first (docker build -t ${ref} ..., or docker load).`);
  } finally {
    clearTimeout(timer);
  }
}

/** A stopped or running container's output (stdout and stderr interleaved as the engine framed them). */
export async function containerOutput(container: Docker.Container): Promise<string> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false, timestamps: true })) as unknown as Buffer;
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
  // Frames of [type, 0, 0, 0, size (u32 BE)] + payload when the container has no TTY.
  let out = '';
  let i = 0;
  while (i + 8 <= buf.length && buf[i] <= 2 && buf[i + 1] === 0 && buf[i + 2] === 0 && buf[i + 3] === 0) {
    const size = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + size).toString('utf8');
    i += 8 + size;
  }
  return i === 0 ? buf.toString('utf8') : out;
}
