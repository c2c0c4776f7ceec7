// The store (DESIGN.md §5): store/<test>/<YYYYMMDDTHHMMSS.mmmZ>/ with test.json, history.jsonl,
// results.json, report.html, jepsen.log and nodes/<node>/; `latest` links at both levels.
import fs from 'node:fs';
import path from 'node:path';
import { toJson } from './util/values.ts';

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
  fs.mkdirSync(path.join(dir, 'nodes'), { recursive: true });
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
  fs.symlinkSync(target, tmp);
  fs.renameSync(tmp, linkPath); // atomic replace
}

export function writeJson(file: string, data: unknown): void {
  // toJson: results may quote values nodes sent, integers beyond 2^53 included.
  fs.writeFileSync(file, toJson(data, 2) + '\n');
}
