// The store (DESIGN.md §5): store/<test>/<YYYYMMDDTHHMMSS.mmmZ>/ with test.json, history.jsonl,
// results.json, report.html, jepsen.log and nodes/<node>/; `latest` links at both levels.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.ts';
import { toJson } from './util/values.ts';

/** Pseudo file systems: directories cannot be made there (and a recursive mkdir on /proc spins). */
const PSEUDO = ['/proc', '/sys', '/dev'];

const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'not permitted', EROFS: 'the file system is read-only', ENOSPC: 'the device is full',
  ENAMETOOLONG: 'a name in the path is too long', ENOTDIR: 'a part of the path is not a directory', EEXIST: 'it exists and is not a directory',
  ELOOP: 'too many symbolic links', EDQUOT: 'the disk quota is exceeded', EIO: 'an I/O error',
};

/** One sentence for a file-system failure on a path: what could not be done, where, and why. */
export function fsProblem(what: string, p: string, e: unknown): UsageError {
  const code = (e as NodeJS.ErrnoException)?.code;
  return new UsageError(`${what} ${p}: ${(code && FS_REASONS[code]) ?? code ?? (e as Error)?.message ?? String(e)}.`);
}

/** Creates dir and its missing parents, one at a time: Node's recursive mkdir reports ENOENT for
 *  what is a read-only file system (EROFS) or a permission (EACCES) on some systems, and the
 *  sentence must say the real cause. Throws the first component's own error. */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let p = path.resolve(dir);
  while (!fs.existsSync(p)) {
    missing.push(p);
    const up = path.dirname(p);
    if (up === p) break;
    p = up;
  }
  for (const m of missing.reverse()) {
    try {
      fs.mkdirSync(m);
    } catch (e) {
      // Made meanwhile by someone else: fine if it is a directory.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(m).isDirectory()) throw e;
    }
  }
}

/** Why runs cannot be stored under this directory, or undefined (creating it if need be).
 *  Checked before anything starts. */
export function storeProblem(storeRoot: string): string | undefined {
  const root = path.resolve(storeRoot);
  if (PSEUDO.some((p) => root === p || root.startsWith(`${p}/`))) return `${root} is on a pseudo file system (${root.split('/')[1]}); give a directory on disk`;
  if (root.split('/').some((seg) => Buffer.byteLength(seg) > 255)) return 'a name in the path is longer than 255 bytes';
  try {
    const st = fs.statSync(root);
    if (!st.isDirectory()) return 'it exists and is not a directory';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return FS_REASONS[(e as NodeJS.ErrnoException).code ?? ''] ?? String(e);
    try {
      makeDirs(root);
    } catch (e2) {
      return `cannot create it (${FS_REASONS[(e2 as NodeJS.ErrnoException).code ?? ''] ?? (e2 as Error).message})`;
    }
  }
  try {
    fs.accessSync(root, fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    const why = FS_REASONS[(e as NodeJS.ErrnoException).code ?? ''];
    return `the directory is not writable${why ? ` (${why})` : ''}`;
  }
  const latest = path.join(root, 'latest');
  try {
    if (!fs.lstatSync(latest).isSymbolicLink()) return `${latest} exists and is not a link (jepsen-ts points it at the newest run): move it away`;
  } catch {
    /* absent: fine */
  }
  return undefined;
}

export function timestampDirName(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.(\d{3})Z$/, '.$1Z');
}

export interface RunDir {
  dir: string;
  root: string;
  testName: string;
}

export function createRunDir(storeRoot: string, testName: string, now = new Date()): RunDir {
  const root = path.resolve(storeRoot);
  let stamp = timestampDirName(now);
  let dir = path.join(root, testName, stamp);
  // Two runs in the same millisecond (tests do this) must not share a directory.
  for (let i = 1; fs.existsSync(dir); i++) {
    stamp = timestampDirName(new Date(now.getTime() + i));
    dir = path.join(root, testName, stamp);
  }
  try {
    makeDirs(path.join(dir, 'nodes'));
  } catch (e) {
    throw fsProblem('Cannot create the run directory', dir, e);
  }
  return { dir, root, testName };
}

/** Points store/latest and store/<test>/latest at this run (relative links, so the store can move). */
export function updateLatest(run: RunDir): void {
  relink(path.join(run.root, 'latest'), path.relative(run.root, run.dir));
  relink(path.join(run.root, run.testName, 'latest'), path.basename(run.dir));
}

function relink(linkPath: string, target: string): void {
  const tmp = `${linkPath}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  try {
    fs.symlinkSync(target, tmp);
    fs.renameSync(tmp, linkPath); // atomic replace
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw fsProblem('Cannot point the link', linkPath, e);
  }
}

/** Why a file cannot be written at this path (its directory missing, or not writable), or undefined. */
export function outputFileProblem(file: string): string | undefined {
  const p = path.resolve(file);
  try {
    if (fs.statSync(p).isDirectory()) return 'it is a directory; give a file name';
  } catch {
    /* absent: fine */
  }
  const dir = path.dirname(p);
  try {
    if (!fs.statSync(dir).isDirectory()) return `${dir} is not a directory`;
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    return code === 'ENOENT' ? `the directory ${dir} does not exist` : `the directory ${dir} is not writable${FS_REASONS[code] ? ` (${FS_REASONS[code]})` : ''}`;
  }
  return undefined;
}

export function writeJson(file: string, data: unknown): void {
  fs.writeFileSync(file, toJson(data, 2) + '\n');
}
