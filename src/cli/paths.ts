// Expands the paths given to `check`: files as they are, directories to the histories they hold
// (recursively, sorted), and simple globs (* ? in any path segment) for shells that pass them on.
import fs from 'node:fs';
import path from 'node:path';

const HISTORY = /\.(edn|jsonl|json|ndjson)$/i;
const GLOB = /[*?]/;

function walk(dir: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (HISTORY.test(e.name)) out.push(p);
  }
}

function segmentRegex(seg: string): RegExp {
  return new RegExp(`^${seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
}

function glob(pattern: string): string[] {
  const abs = path.isAbsolute(pattern);
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  let found = [abs ? '/' : '.'];
  for (const part of parts) {
    if (part === '') continue;
    const next: string[] = [];
    for (const base of found) {
      if (!GLOB.test(part)) {
        const p = path.join(base, part);
        if (fs.existsSync(p)) next.push(p);
        continue;
      }
      let entries: string[] = [];
      try {
        entries = fs.readdirSync(base).sort();
      } catch {
        continue;
      }
      const re = segmentRegex(part);
      for (const e of entries) if (re.test(e)) next.push(path.join(base, e));
    }
    found = next;
  }
  return found.map((p) => (abs ? p : path.relative('.', p) || p));
}

export function expandPaths(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (a === '-') out.push(a);
    else if (fs.existsSync(a) && fs.statSync(a).isDirectory()) walk(a, out);
    else if (GLOB.test(a) && !fs.existsSync(a)) out.push(...glob(a).filter((p) => fs.statSync(p).isFile()));
    else out.push(a);
  }
  return out;
}
