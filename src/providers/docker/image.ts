// The node image (docker/): built once per content of docker/ and cached under a tag carrying
// that content's hash, so an unchanged directory is never rebuilt. FROM debian:bookworm-slim
// when a registry answers; otherwise FROM a base image made here with debootstrap and imported
// (no registry needed, only a Debian mirror).
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../util/paths.ts';
import type Docker from 'dockerode';
import tar from 'tar-fs';
import { followProgress, imageExists } from './progress.ts';
import { UsageError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { IMAGE_LABEL } from './engine.ts';

export const DOCKER_DIR = path.join(packageRoot(), 'docker') + path.sep;
const REGISTRY_BASE = 'debian:bookworm-slim';
const LOCAL_BASE = 'jepsen-ts-base:bookworm';

/** sha256 over docker/'s files (names and contents), first 12 hex digits. */
export function contextHash(dir = DOCKER_DIR): string {
  const h = crypto.createHash('sha256');
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  for (const f of walk(dir)) {
    h.update(path.relative(dir, f));
    h.update('\0');
    h.update(fs.readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 12);
}

export const nodeImageTag = (hash = contextHash()) => `jepsen-ts-node:${hash}`;

/** A pull or build followed to its end; its error names the step (`pull …: reason`). */
const follow = (docker: Docker, stream: NodeJS.ReadableStream, log: Logger, what: string): Promise<void> =>
  followProgress(docker, stream, log, what).catch((e: Error) => {
    throw new Error(`${what}: ${e.message}`);
  });

async function tryPull(docker: Docker, ref: string, log: Logger, timeoutMs = 30_000): Promise<boolean> {
  try {
    const stream = await Promise.race([
      docker.pull(ref),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), timeoutMs)),
    ]);
    await follow(docker, stream, log, `pull ${ref}`);
    return true;
  } catch (e) {
    log.info(`cannot pull ${ref} (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); building a base image with debootstrap`);
    return false;
  }
}

function run(argv: string[], log: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-2000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => reject(e));
    child.on('exit', (code) => {
      log.info(`${argv[0]} exited ${code}`);
      if (code === 0) resolve();
      else reject(new Error(`${argv.join(' ')} exited ${code}: ${tail.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/** debootstrap (minbase) into a temporary directory, then docker import of it as LOCAL_BASE. */
async function debootstrapBase(docker: Docker, log: Logger): Promise<void> {
  if (process.getuid?.() !== 0) throw new UsageError('No registry is reachable and building the base image with debootstrap needs root: run `jepsen-ts images build` as root once.');
  if (!fs.existsSync('/usr/sbin/debootstrap')) throw new UsageError('No registry is reachable and debootstrap is missing: install it (apt-get install debootstrap), then run `jepsen-ts images build`.');
  const mirror = process.env.JEPSEN_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-rootfs-'));
  try {
    log.info(`debootstrap bookworm into ${root} from ${mirror}`);
    await run(['/usr/sbin/debootstrap', '--variant=minbase', 'bookworm', root, mirror], log);
    // The tar of the root file system is made by tar(1): it knows device nodes and hard links.
    const tarProc = spawn('tar', ['-C', root, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [repo, tag] = LOCAL_BASE.split(':');
    const stream = (await docker.importImage(tarProc.stdout as unknown as string, { repo, tag, changes: ['CMD ["/bin/bash"]'] } as never)) as unknown as NodeJS.ReadableStream;
    await follow(docker, stream, log, 'import base');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** The node image's tag, building it (and its base) first when needed. */
export async function ensureNodeImage(docker: Docker, log: Logger, o: { force?: boolean } = {}): Promise<string> {
  const hash = contextHash();
  const tag = nodeImageTag(hash);
  if (!o.force && (await imageExists(docker, tag))) return tag;
  let base = REGISTRY_BASE;
  if (!(await imageExists(docker, REGISTRY_BASE)) && !(await tryPull(docker, REGISTRY_BASE, log))) {
    base = LOCAL_BASE;
    if (!(await imageExists(docker, LOCAL_BASE))) await debootstrapBase(docker, log);
  }
  log.info(`building ${tag} FROM ${base}`);
  const context = tar.pack(DOCKER_DIR);
  const stream = (await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
    t: tag, buildargs: { BASE: base }, labels: { [IMAGE_LABEL]: 'node', 'jepsen-ts.context': hash },
  } as never)) as unknown as NodeJS.ReadableStream;
  await follow(docker, stream, log, `build ${tag}`);
  return tag;
}
