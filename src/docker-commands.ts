// `jepsen-ts images build` and `jepsen-ts clean`: housekeeping of the docker provider (its image,
// its labelled resources) and of the ssh provider (what runs whose controller died left on hosts).
import { connectDocker, removeLabelled } from './providers/docker/engine.ts';
import { ensureNodeImage } from './providers/docker/image.ts';
import { FileLogger } from './log.ts';
import { reapStaleRuns } from './providers/ssh/reap.ts';

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
  const ssh = await reapStaleRuns();
  if (ssh.runs) {
    process.stdout.write(`Reaped ${ssh.runs} ssh run(s) whose controller died${ssh.failures.length ? `; not reached: ${ssh.failures.join('; ')}` : ''}.\n`);
  }
  const docker = await connectDocker();
  const r = await removeLabelled(docker);
  process.stdout.write(`Removed ${r.containers} container(s), ${r.networks} network(s) and ${r.volumes} volume(s) of jepsen-ts runs.\n`);
  return 0;
}
