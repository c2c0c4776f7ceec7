// Where jepsen-ts's own files are, whether it runs from its TypeScript sources (tests, through
// tsx) or from the compiled package (dist/, plain Node): the package root, and how to start one
// of its scripts as a process or a worker thread.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let root: string | null = null;

/** The directory holding jepsen-ts's package.json (above src/ or dist/src/). */
export function packageRoot(): string {
  if (root !== null) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'jepsen-ts') return (root = dir);
    const up = path.dirname(dir);
    if (up === dir) throw new Error('jepsen-ts: cannot find its own package.json');
    dir = up;
  }
}

let version: string | null = null;
export function packageVersion(): string {
  version ??= (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

/** Whether this code is the TypeScript source (run through tsx) rather than the compiled JS. */
export const fromSource = import.meta.url.endsWith('.ts');

/**
 * A sibling module of `metaUrl` by its name without extension: the .ts file when running from
 * source, the .js file when compiled.
 */
export function sibling(metaUrl: string, relative: string): string {
  return fileURLToPath(new URL(`${relative}${metaUrl.endsWith('.ts') ? '.ts' : '.js'}`, metaUrl));
}

/** The argv that runs a script of ours as a Node process (with tsx's loader when it is .ts). */
export function nodeArgv(file: string): string[] {
  return file.endsWith('.ts') ? [process.execPath, '--import', import.meta.resolve('tsx'), file] : [process.execPath, file];
}

/** The URL a worker thread starts from: compiled JS directly; a .ts file through a tiny entry
 *  that registers tsx first (Node 20 does not give workers the parent's loader). */
export function workerUrl(file: string): URL {
  if (!file.endsWith('.ts')) return pathToFileURL(file);
  const entry = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};\nregister();\nawait import(${JSON.stringify(pathToFileURL(file).href)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(entry)}`);
}
