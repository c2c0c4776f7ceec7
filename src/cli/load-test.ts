// `jepsen-ts run <target>`: a built-in test by name, or a test module by path whose default export
// is a defineTest(...) value. TypeScript modules load through tsx, so users install nothing more.
import fs from 'node:fs';
import Module, { register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register as registerTsxCjs } from 'tsx/cjs/api';
import { register as registerTsxEsm } from 'tsx/esm/api';
import { isTestDefinition, type TestDefinition } from '../api/define.ts';
import { builtinTests } from '../catalogue.ts';
import { UsageError } from '../errors.ts';
import { sibling } from '../util/paths.ts';

const MODULE = /\.(m|c)?(t|j)s$/;

export function isModulePath(target: string): boolean {
  return MODULE.test(target) || target.includes('/') || target.includes(path.sep);
}

let hookInstalled = false;
/** A test module that imports 'jepsen-ts' gets the instance of the library this CLI runs — one
 *  engine, one set of types and classes — whether it is loaded as ESM or compiled to CommonJS. */
async function shareThisInstance(): Promise<void> {
  if (hookInstalled) return;
  hookInstalled = true;
  const indexFile = sibling(import.meta.url, '../index');
  (globalThis as Record<symbol, unknown>)[Symbol.for('jepsen-ts.api')] = await import(pathToFileURL(indexFile).href);
  // TypeScript through tsx, registered for the whole process (not tsImport's namespaced loading,
  // which gives the module private copies of everything it imports — the library included).
  // Registered before our own resolution of 'jepsen-ts', so ours is asked first: tsx applies the
  // `paths` of the tsconfig in the working directory, which may map 'jepsen-ts' to sources.
  registerTsxEsm();
  registerTsxCjs();
  const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'jepsen-ts') return { url: ${JSON.stringify(pathToFileURL(indexFile).href)}, shortCircuit: true };
  return next(specifier, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  const shim = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './api-shim.cts' : './api-shim.cjs', import.meta.url));
  const M = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const original = M._resolveFilename;
  M._resolveFilename = function resolveFilename(request: string, ...rest: unknown[]) {
    return request === 'jepsen-ts' ? shim : original.call(this, request, ...rest);
  };
}

/** How a stored run names its test: a built-in's name, or a module's absolute path. */
export function testSource(target: string): string {
  return isModulePath(target) ? path.resolve(target) : target;
}

export async function loadTest(target: string): Promise<TestDefinition> {
  if (!isModulePath(target)) {
    const t = builtinTests.get(target);
    if (t) return t;
    throw new UsageError(`Unknown workload or test "${target}"; built-in tests are: ${[...builtinTests.keys()].join(', ')} (or the path to a test module, such as ./my-test.ts).`);
  }
  const file = path.resolve(target);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new UsageError(`${target}: no such test module.`);
  }
  if (!st.isFile()) throw new UsageError(`${target}: not a file (a test module is a .ts, .mts, .js or .mjs file).`);
  if (!MODULE.test(file)) throw new UsageError(`${target}: a test module is a .ts, .mts, .js or .mjs file.`);
  await shareThisInstance();
  let mod: Record<string, unknown>;
  try {
    const url = pathToFileURL(file).href;
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${target}: ${e.message}`);
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    if (process.env.JEPSEN_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? msg}\n`);
    throw new UsageError(`${target} could not be loaded: ${msg}${process.env.JEPSEN_DEBUG ? '' : ' (JEPSEN_DEBUG=1 prints the stack)'}.`);
  }
  // A module compiled to CommonJS arrives wrapped once more (default.default).
  let t = mod.default ?? mod.test;
  if (t && typeof t === 'object' && !isTestDefinition(t)) t = (t as Record<string, unknown>).default ?? t;
  if (!isTestDefinition(t)) {
    throw new UsageError(`${target} must export a test as its default export: \`export default defineTest({ name, workload, client, ... })\`.`);
  }
  return t;
}
