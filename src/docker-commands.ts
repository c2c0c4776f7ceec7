// `jepsen-ts images build` and `jepsen-ts clean`: the docker provider's housekeeping commands.
import { connectDocker, removeLabelled } from './providers/docker/engine.ts';
import { ensureNodeImage } from './providers/docker/image.ts';
import { FileLogger } from './log.ts';

export async function imagesBuildCommand(o: { force: boolean; quiet: boolean }): Promise<number> {
  const docker = await connectDocker();
  const log = new FileLogger(null, (level, msg) => {
    if (!o.quiet || level !== 'info') process.stderr.write(`${msg}\n`);
  });
  const t0 = Date.now();
  const tag = await ensureNodeImage(docker, log, { force: o.force });
  process.stdout.write(`${tag} ready (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  return 0;
}

export async function cleanCommand(): Promise<number> {
  const docker = await connectDocker();
  const r = await removeLabelled(docker);
  process.stdout.write(`Removed ${r.containers} container(s) and ${r.networks} network(s) labelled jepsen-ts.\n`);
  return 0;
}
