// The run lifecycle (DESIGN.md §4): provision, set up, run the generator with faults, final phase,
// teardown (always, also on Ctrl-C or a crash), check, store, report.
// The engine knows nothing of particular workloads, systems or checkers: they come resolved.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { any, clients, eachThread, nemesis, once, phases, stagger, timeLimit, type GenLike } from './generator/index.ts';
import { MAX_TIMER_MS } from './options.ts';
import { HistoryRecorder } from './history.ts';
import { interpret, type WorkerPool } from './interpreter.ts';
import { FileLogger, type Level } from './log.ts';
import { Rng } from './rng.ts';
import { createRunDir, updateLatest, writeJson } from './store.ts';
import { packageVersion } from './util/paths.ts';
import { summarize, type RunExplanation, type Summary } from './summary.ts';
import { parseNetLog, type LoggedMessage } from './providers/local/net-log.ts';
import { RunAbortedError, errorMessage } from './errors.ts';
import { checkedClient, openedClient } from './client-shape.ts';
import type {
  CheckResult, Checker, Client, ClientFactory, Cluster, Db, History, Nemesis, NemesisPackage, NodeFailure, Op, PerfBand, Provider, RunOptions, TestInfo, Workload,
} from './types.ts';

/** A test ready to run: every part chosen, configured and checked (src/api/resolve.ts). */
export interface ResolvedTest {
  name: string;
  opts: RunOptions;
  nodes: string[];
  workload: Workload;
  client: ClientFactory;
  db: Db;
  nemesis: NemesisPackage;
  provider: Provider;
  /** The workload's checker composed with the checks every run gets. */
  checker: Checker;
  renderReport(input: ReportInput): string;
  /** The results in words: a headline for the run and for each checker. */
  explain(results: CheckResult, history: History, perf: readonly PerfBand[]): RunExplanation;
  /** Where the test came from, so a stored run can be re-checked: a built-in test's name, or the
   *  absolute path of its module (null when it was made in code). */
  source?: string | null;
}

export interface ReportInput {
  test: Pick<TestInfo, 'name' | 'seed' | 'nodes' | 'concurrency' | 'runId'> & { opts: RunOptions };
  history: History;
  results: CheckResult;
  perf: readonly PerfBand[];
  /** The results explained (made once per run, for the summary, JUnit and the report alike). */
  explanation?: RunExplanation;
  /** The messages between nodes and clients (local provider's net.jsonl), for a message-flow diagram. */
  net?: readonly LoggedMessage[];
}

export interface RunUi {
  /** Called with every op as it is recorded (progress display). */
  onOp?(op: Op): void;
  onPhase?(phase: string): void;
  /** The fault bands of this run (which nemesis ops start and stop which fault). */
  onBands?(bands: readonly PerfBand[]): void;
  log?(level: Level, msg: string): void;
}

export interface RunOutcome {
  valid: CheckResult['valid'];
  results: CheckResult;
  /** The results in words: the run's headline and each checker's. */
  explanation: RunExplanation;
  /** What summary.json says. */
  summary: Summary;
  dir: string;
  reportPath: string;
  seed: number;
  interrupted: boolean;
  history: History;
}

/** The nemesis op that waits out --recovery-time: its completion marks the start of the final phase. */
export const RECOVER = 'recover';

/** The run's nemesis: the faults' own, plus the recovery wait. */
function withRecovery(n: Nemesis): Nemesis {
  const self: Nemesis = {
    fs: new Set([...n.fs, RECOVER]),
    setup: async (test) => {
      await n.setup(test);
      return self;
    },
    async invoke(test, op) {
      if (op.f !== RECOVER) return n.invoke(test, op);
      await new Promise((r) => setTimeout(r, Number(op.value) * 1000));
      return { ...op, type: 'info' };
    },
    teardown: (test) => n.teardown(test),
  };
  return self;
}

/** Builds a generator for the whole run: main phase with faults, final phase, final reads. */
export function runGenerator(workload: Workload, pkg: NemesisPackage, opts: RunOptions): GenLike {
  // Each worker staggers its own ops (the total is --rate): a worker's planned op times then come
  // from its own seeded stream only, so with --seed the same ops fall inside the time limit.
  const clientGen = opts.rate <= 0 ? workload.generator
    : workload.sharedGenerator ? stagger(1 / opts.rate, workload.generator)
      : eachThread(stagger(opts.concurrency / opts.rate, workload.generator));
  const main = timeLimit(opts.timeLimit, any(clients(clientGen), pkg.generator ? nemesis(pkg.generator) : null));
  return phases(
    main,
    pkg.finalGenerator ? nemesis(pkg.finalGenerator) : null,
    // Faults undone, the system gets time to recover (and replicas to converge) before the final
    // operations, as Maelstrom always gives it. Recorded, so checkers see where the final phase begins.
    workload.finalGenerator && opts.recoveryTime > 0 ? nemesis(once({ f: RECOVER, value: opts.recoveryTime })) : null,
    workload.finalGenerator ? clients(workload.finalGenerator) : null,
  );
}

export async function runTest(t: ResolvedTest, ui: RunUi = {}, stop?: AbortSignal): Promise<RunOutcome> {
  const { opts, workload, db, nodes } = t;
  const run = createRunDir(opts.store, t.name);
  const log = new FileLogger(path.join(run.dir, 'jepsen.log'), ui.log);
  const t0 = performance.now();
  const test: TestInfo = {
    name: t.name,
    runId: path.basename(run.dir),
    seed: opts.seed,
    opts,
    nodes,
    concurrency: opts.concurrency,
    storeDir: run.dir,
    log,
    rng: new Rng(opts.seed).fork(0x7465), // 'te'
    now: () => Math.round((performance.now() - t0) * 1e6),
  };
  const pkg = t.nemesis;
  ui.onBands?.(pkg.perf);
  const started = new Date().toISOString();
  writeJson(path.join(run.dir, 'test.json'), {
    name: test.name, runId: test.runId, seed: opts.seed, nodes, concurrency: opts.concurrency, source: t.source ?? null, opts,
    versions: { 'jepsen-ts': packageVersion(), node: process.version }, started,
  });
  updateLatest(run);
  log.info(`run ${test.runId}: ${t.name} (${workload.name} workload) on ${db.name}, provider ${t.provider.name}, seed ${opts.seed}`);

  const history = new HistoryRecorder(path.join(run.dir, 'history.jsonl'));
  if (ui.onOp) history.onOp(ui.onOp);
  const interrupt = new AbortController();
  const onOuterStop = () => interrupt.abort();
  stop?.addEventListener('abort', onOuterStop, { once: true });
  let cluster: Cluster | null = null;
  const clientsByThread = new Map<number, Promise<Client>>();
  let failure: unknown = null;

  try {
    ui.onPhase?.('provisioning');
    const needs = { clock: pkg.perf.some((b) => b.name === 'clock'), packet: pkg.perf.some((b) => b.name === 'packet') };
    cluster = await t.provider.provision({ nodes, storeDir: run.dir, seed: opts.seed, log, opts, needs, now: test.now });
    test.cluster = cluster;
    test.db = db;
    // A node that crashes or breaks the node protocol fails the run, as Maelstrom fails it: stop,
    // and check what was recorded.
    cluster.failures?.onFailure((f) => {
      log.error(f.text);
      interrupt.abort();
    });
    await Promise.all(cluster.nodes.map((n) => db.teardown(test, n)));
    ui.onPhase?.('setting up');
    await Promise.all(cluster.nodes.map((n) => db.setup(test, n)));
    const early = cluster.failures?.list()[0];
    if (early) throw new RunAbortedError(early.text);
    if (interrupt.signal.aborted) throw new RunAbortedError('Interrupted during set-up.');

    const proto = checkedClient(t.client());
    const handles = cluster.nodes;
    const pool: WorkerPool = {
      nodeOf: (t) => handles[t % handles.length],
      client(t) {
        let c = clientsByThread.get(t);
        if (!c) clientsByThread.set(t, (c = openedClient(proto.open(test, handles[t % handles.length]))));
        return c;
      },
      reopen(t) {
        const old = clientsByThread.get(t);
        clientsByThread.delete(t);
        void old?.then((c) => c.close(test)).catch(() => {});
      },
    };
    const first = await pool.client(0);
    await first.setup?.(test);
    await pkg.nemesis.setup(test);

    ui.onPhase?.('running');
    await interpret({
      test, generator: runGenerator(workload, pkg, opts), pool, nemesis: withRecovery(pkg.nemesis), history,
      opTimeoutMs: opts.opTimeout * 1000, stop: interrupt.signal,
      nemesisTimeoutMs: Math.min(MAX_TIMER_MS, Math.max(120_000, (opts.recoveryTime + 60) * 1000)),
    });
  } catch (e) {
    failure = e;
  } finally {
    ui.onPhase?.('tearing down');
    stop?.removeEventListener('abort', onOuterStop);
    history.close();
    await teardown(test, db, pkg, cluster, clientsByThread, log);
  }

  if (failure) {
    log.error(errorMessage(failure));
    log.close();
    throw failure;
  }

  ui.onPhase?.('checking');
  // What the nodes did wrong (a crash, a protocol violation) stopped the run: not an interruption.
  const failures = cluster?.failures?.list() ?? [];
  const outcome = await checkRun(t, test, history.ops, run.dir, () => (interrupt.signal.aborted && failures.length === 0) || stop?.aborted === true, started, failures);
  log.info(`verdict: ${outcome.valid}`);
  log.close();
  return outcome;
}

/**
 * Checks a run's history and writes what a run leaves: results.json and report.html. Used at the
 * end of a run and by `analyze` (a stored run re-checked, perhaps with other options).
 * `interrupted` is asked after checking: a Ctrl-C that came while checking counts too.
 */
export async function checkRun(
  t: ResolvedTest, test: TestInfo, history: History, dir: string, interrupted: () => boolean, started: string | null, failures: readonly NodeFailure[] = [],
): Promise<RunOutcome> {
  const results = await t.checker.check(test, history, { ...t.opts });
  if (failures.length) {
    // The nodes' own faults: at best unknown (exit 2), invalid if a checker found an anomaly too.
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more: see results.json)` : '';
    (results as Record<string, unknown>).nodes = { valid: 'unknown', error: `${failures[0].text}${more}`, failures };
    if (results.valid === true) results.valid = 'unknown';
  }
  // A signal that came while the checkers ran (synchronously, as most do) reaches its handler only
  // when the event loop turns: let it turn before asking, or the Ctrl-C is lost and the run valid.
  await new Promise((resolve) => setImmediate(resolve));
  const stopped = interrupted();
  if (stopped) {
    (results as Record<string, unknown>).interrupted = true;
    if (results.valid === true) results.valid = 'unknown';
  }
  const perf = t.nemesis.perf;
  const explanation = t.explain(results, history, perf);
  const summary = summarize({ test: test.name, runId: test.runId, seed: t.opts.seed, opts: t.opts, history, explanation, valid: results.valid, interrupted: stopped, started });
  writeJson(path.join(dir, 'results.json'), results);
  writeJson(path.join(dir, 'summary.json'), summary);
  const reportPath = path.join(dir, 'report.html');
  fs.writeFileSync(reportPath, t.renderReport({ test: { ...test, opts: t.opts }, history, results, perf, explanation, net: readNet(dir) }));
  return { valid: results.valid, results, explanation, summary, dir, reportPath, seed: t.opts.seed, interrupted: stopped, history };
}

/** A run's message log, when it has one small enough to draw from. */
function readNet(dir: string): LoggedMessage[] | undefined {
  const file = path.join(dir, 'net.jsonl');
  try {
    if (fs.statSync(file).size > NET_LOG_MAX_BYTES) return undefined;
    return parseNetLog(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

const NET_LOG_MAX_BYTES = 32 * 1024 * 1024;

/** Teardown never throws: each step is attempted, and failures are logged. */
async function teardown(
  test: TestInfo, db: Db, pkg: NemesisPackage, cluster: Cluster | null,
  clientsByThread: Map<number, Promise<Client>>, log: FileLogger,
): Promise<void> {
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      log.warn(`teardown: ${what}: ${errorMessage(e)}`);
    }
  };
  for (const [t, c] of clientsByThread) {
    await attempt(`client ${t}`, async () => {
      const client = await c;
      await client.teardown?.(test);
      await client.close(test);
    });
  }
  if (!cluster) return;
  await attempt('nemesis', () => pkg.nemesis.teardown(test));
  if (!test.opts.leaveDbRunning) {
    await Promise.all(cluster.nodes.map((n) => attempt(`db on ${n.name}`, () => db.teardown(test, n))));
  }
  await attempt('cluster', async () => cluster[Symbol.asyncDispose]());
}

