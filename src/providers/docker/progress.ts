// Small helpers over the engine's image API that both the node image (image.ts) and users' images
// (containers.ts) need: whether an image is present, and a pull or build followed to its end.
import type Docker from 'dockerode';
import type { Logger } from '../../log.ts';

export async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Follows a pull or build stream to its end, logging its lines as `what: line`; rejects with the
 *  engine's error text when it reports one. */
export function followProgress(docker: Docker, stream: NodeJS.ReadableStream, log: Logger, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, events: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
      const bad = events?.find((e) => e.error || e.errorDetail);
      if (err || bad) reject(new Error(err?.message ?? bad?.errorDetail?.message ?? bad?.error));
      else resolve();
    }, (e: { stream?: string; status?: string }) => {
      const line = (e.stream ?? e.status ?? '').trim();
      if (line) log.info(`${what}: ${line}`);
    });
  });
}
