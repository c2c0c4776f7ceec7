// `jepsen-ts analyze [RUN_DIR] [options]`: re-checks a stored run — with today's checkers, or other
// options (--consistency eventual, --check-timeout 300…) — from its test.json and history.jsonl,
// and rewrites results.json and the report. The streamed history is enough: a run whose
// controller was killed can be analyzed too. Exit codes as `run`.
import fs from 'node:fs';
import path from 'node:path';
import { resolveTest, applicableOptions } from '../api/resolve.ts';
import { catalogue } from '../catalogue.ts';
import { UsageError } from '../errors.ts';
import { readHistory } from '../history-import.ts';
import { silentLogger } from '../log.ts';
import { mergeSpecs } from '../options.ts';
import { Rng } from '../rng.ts';
import { checkRun } from '../run.ts';
import type { NodeFailure, TestInfo } from '../types.ts';
import { countsOf, parseNetLog } from '../providers/local/net-log.ts';
import { shortText } from '../util/values.ts';
import { loadTest } from './load-test.ts';
import { exitCodeFor, summary } from './summary.ts';
import { parseArgs } from './run-command.ts';

function readJsonMaybe(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

interface StoredTest {
  name: string;
  runId: string;
  seed: number;
  nodes: string[];
  concurrency: number;
  source?: string | null;
  opts: Record<string, unknown>;
}

/** Values in test.json that are derived, not options. */
const DERIVED = new Set(['workload', 'nodes']);

function readStored(dir: string): StoredTest {
  const file = path.join(dir, 'test.json');
  let t: StoredTest;
  try {
    t = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredTest;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT'
      ? `${dir} is not a run directory (it has no test.json); give a directory such as store/latest or store/<test>/<time>.`
      : `${file}: cannot read it (${code ?? (e as Error).message}).`);
  }
  if (typeof t?.name !== 'string' || typeof t.opts !== 'object' || t.opts === null) throw new UsageError(`${file} does not describe a run (no name or options).`);
  return t;
}

/** `analyze [RUN_DIR] [--test PATH] [options]`. */
export async function analyzeCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args, catalogue.booleanOptions());
  if (parsed.help) {
    process.stdout.write('Usage: jepsen-ts analyze [RUN_DIR] [--test ./my-test.ts] [options]\n\nRe-checks a stored run (default store/latest) from its test.json and history.jsonl, with today\'s checkers\nand any options given (e.g. --consistency eventual, --check-timeout 300); rewrites results.json and report.html.\n');
    return 0;
  }
  const { test: testPath, ...overrides } = parsed.given;
  for (const [k, v] of Object.entries(overrides)) if (Array.isArray(v)) throw new UsageError(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is given ${v.length} times; give it once.`);
  return analyze(parsed.target, overrides, testPath === undefined ? undefined : String(testPath));
}

async function analyze(dirArg: string | undefined, overrides: Record<string, unknown>, testPath?: string): Promise<number> {
  const dir = path.resolve(dirArg ?? path.join('store', 'latest'));
  if (!fs.existsSync(dir)) throw new UsageError(`${shortText(dirArg ?? 'store/latest', 80)}: no such run directory.`);
  const stored = readStored(dir);
  const source = testPath ?? stored.source ?? null;
  if (!source) {
    throw new UsageError(`The run in ${dir} was made from code (its test has no module path): give the test module with --test ./my-test.ts.`);
  }
  const def = await loadTest(source);
  // The run's own options, then what is given now; options this test no longer has are dropped.
  const known = new Set(mergeSpecs(applicableOptions(def, { ...stored.opts, ...overrides }, catalogue)).map((s) => s.name));
  const given: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stored.opts)) if (!DERIVED.has(k) && known.has(k)) given[k] = v;
  // The run's store is where it already is (nothing is created elsewhere).
  given.store = path.dirname(path.dirname(dir));
  const resolved = resolveTest(def, { ...given, ...overrides }, catalogue, { source });
  const history = await readHistory(path.join(dir, 'history.jsonl'));
  const test: TestInfo = {
    name: stored.name, runId: stored.runId ?? path.basename(dir), seed: resolved.opts.seed, opts: resolved.opts, nodes: resolved.nodes,
    concurrency: resolved.opts.concurrency, storeDir: dir, log: silentLogger, rng: new Rng(resolved.opts.seed).fork(0x7465), now: () => 0,
  };
  // What the run knew beyond its history: its message counts (net.jsonl) and its nodes' failures.
  const netFile = path.join(dir, 'net.jsonl');
  if (fs.existsSync(netFile)) {
    const counts = countsOf(parseNetLog(fs.readFileSync(netFile, 'utf8')));
    test.cluster = { netCounts: () => counts } as unknown as TestInfo['cluster'];
  }
  const previous = readJsonMaybe(path.join(dir, 'results.json')) as { nodes?: { failures?: NodeFailure[] } } | undefined;
  const failures = Array.isArray(previous?.nodes?.failures) ? previous.nodes.failures : [];
  const outcome = await checkRun(resolved, test, history, dir, () => false, (stored as { started?: string }).started ?? null, failures);
  // No results.json before this: the run's controller died before checking (SIGKILL, a crash).
  const unfinished = previous === undefined ? ' (the run never reached checking: this is what it recorded before its controller stopped)' : '';
  process.stdout.write(`Analyzed ${history.length} events of ${dir}${unfinished}\n${summary(outcome)}\n`);
  return exitCodeFor([outcome.valid]);
}
