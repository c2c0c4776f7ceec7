// The command line (yargs). Bad input gets one sentence and exit 254; a run ends with a verdict
// summary, the report's path and the seed, and the exit code CI gates on (DESIGN.md §1).
import yargs from 'yargs';
import { Ajv } from 'ajv';
import { EXIT, RunAbortedError, UsageError, errorMessage, isUserFacing } from './errors.ts';
import { Progress } from './progress.ts';
import { checkCommand, type CheckRegistry } from './check-command.ts';
import { cleanCommand, imagesBuildCommand } from './docker-commands.ts';
import { freshSeed } from './rng.ts';
import { runTest, type Registries, type RunOutcome } from './run.ts';
import type { CheckResult, RunOptions } from './types.ts';

export interface CliRegistries extends Registries {
  checkRegistry: CheckRegistry;
  /** Fills in defaults that depend on the system (flavor, consistency), or refuses the options. */
  resolveDefaults(opts: RunOptions): RunOptions;
  nemesisNames: string[];
  /** A workload's own default for --concurrency (e.g. "4n"), when it has one. */
  defaultConcurrency?(workload: string): string | undefined;
}

const optionSchema = {
  type: 'object',
  properties: {
    nodeCount: { type: 'integer', minimum: 1, maximum: 64 },
    concurrency: { type: 'integer', minimum: 1, maximum: 10_000 },
    rate: { type: 'number', minimum: 0 },
    timeLimit: { type: 'number', exclusiveMinimum: 0 },
    opTimeout: { type: 'number', exclusiveMinimum: 0 },
    nemesisInterval: { type: 'number', exclusiveMinimum: 0 },
    recoveryTime: { type: 'number', minimum: 0 },
    seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
    latency: { type: 'number', minimum: 0 },
    latencyDist: { enum: ['constant', 'uniform', 'exponential'] },
    loss: { type: 'number', minimum: 0, maximum: 1 },
    initTimeout: { type: 'number', exclusiveMinimum: 0 },
    consistency: { enum: ['linearizable', 'eventual'] },
    testCount: { type: 'integer', minimum: 1 },
    keyCount: { type: 'integer', minimum: 1, maximum: 1000 },
    capacity: { type: 'integer', minimum: 1 },
    holdMs: { type: 'number', minimum: 0 },
    leaseMs: { type: 'integer', minimum: 1 },
    delivery: { enum: ['at-least-once', 'exactly-once'] },
    checkTimeout: { type: 'number', exclusiveMinimum: 0 },
  },
} as const;

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function validate(opts: Record<string, unknown>): void {
  const ajv = new Ajv({ allErrors: false });
  const check = ajv.compile(optionSchema);
  if (!check(opts)) {
    const e = check.errors![0];
    const name = e.instancePath.replace(/^\//, '');
    const value = JSON.stringify(opts[name]);
    throw new UsageError(`--${kebab(name)} ${value}: ${e.message}.`);
  }
}

function parseConcurrency(s: string, nodeCount: number): number {
  const m = /^(\d+)(n?)$/.exec(String(s).trim());
  if (!m) throw new UsageError(`--concurrency ${s}: expected a number, or a multiple of the node count such as 2n.`);
  return m[2] ? Number(m[1]) * nodeCount : Number(m[1]);
}

function parseNemeses(s: string | undefined, valid: string[]): string[] {
  const names = String(s ?? '').split(',').map((x) => x.trim()).filter((x) => x && x !== 'none');
  for (const n of names) {
    if (!valid.includes(n)) throw new UsageError(`Unknown nemesis "${n}"; valid nemeses are: ${valid.join(', ')} (or none).`);
  }
  return [...new Set(names)];
}

function summary(out: RunOutcome): string {
  const lines: string[] = [];
  const word = (v: CheckResult['valid']) => (v === true ? 'valid' : v === false ? 'INVALID' : 'unknown');
  for (const [name, r] of Object.entries(out.results)) {
    if (name === 'valid' || !r || typeof r !== 'object') continue;
    const res = r as CheckResult;
    const extra: string[] = [];
    // A composed workload checker: name its failing parts.
    for (const [sub, v] of Object.entries(res)) {
      if (v && typeof v === 'object' && 'valid' in v && (v as CheckResult).valid !== true) extra.push(`${sub} ${word((v as CheckResult).valid)}`);
    }
    const stale = (res.session as CheckResult | undefined)?.['stale-count'];
    if (typeof stale === 'number' && stale > 0) extra.push(`${stale} stale reads`);
    if (typeof res['lost-updates'] === 'number' && res['lost-updates'] > 0) extra.push(`${res['lost-updates']} lost updates`);
    if (typeof res['error-count'] === 'number' && res['error-count'] > 0) extra.push(`${res['error-count']} bad reads`);
    for (const k of ['lost', 'unexpected', 'duplicated'] as const) {
      const n = res[`${k}-count`];
      if (typeof n === 'number' && n > 0) extra.push(`${n} ${k}${k === 'duplicated' && res.delivery === 'at-least-once' ? ' (allowed at-least-once)' : ''}`);
    }
    const overlaps = (res.overlaps as CheckResult | undefined)?.['overlap-count'];
    if (typeof overlaps === 'number' && overlaps > 0) extra.push(`${overlaps} overlapping holds`);
    const lin = (res.culprit ? res : res.linearizable) as CheckResult | undefined;
    const culprit = lin?.culprit as { process?: unknown; f?: string; value?: unknown; index?: number } | undefined;
    if (culprit) extra.push(`cannot linearize process ${String(culprit.process)}'s ${culprit.f} of ${JSON.stringify(culprit.value)} at index ${culprit.index}${lin!.key !== undefined ? ` on key ${String(lin!.key)}` : ''}`);
    if (typeof res.reason === 'string') extra.push(res.reason);
    if (typeof res.error === 'string') extra.push(res.error);
    lines.push(`  ${name.padEnd(12)} ${word(res.valid)}${extra.length ? ` (${extra.join('; ')})` : ''}`);
  }
  const verdict = out.interrupted && out.valid !== false ? 'Interrupted: no anomalies in what was recorded, but the run did not finish.' : out.valid === true ? 'Everything looks good! ヽ(‘ー`)ノ' : out.valid === false ? 'Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻' : 'Errors occurred during analysis, but no anomalies found. ಠ~ಠ';
  return [`Verdict: ${word(out.valid)}${out.interrupted ? ' (interrupted)' : ''}`, ...lines, verdict, `Report: ${out.reportPath}`, `Seed: ${out.seed} (replay with --seed ${out.seed})`].join('\n');
}

export function exitCodeFor(valids: Array<CheckResult['valid']>): number {
  if (valids.includes(false)) return EXIT.invalid;
  if (valids.includes('unknown')) return EXIT.unknown;
  return EXIT.valid;
}

async function runCommand(argv: Record<string, unknown>, reg: CliRegistries): Promise<number> {
  const nodeCount = Number(argv.nodeCount);
  const raw = {
    workload: String(argv.workload),
    db: String(argv.db),
    flavor: argv.flavor === undefined ? undefined : String(argv.flavor),
    bin: argv.bin === undefined ? undefined : String(argv.bin),
    binArgs: ((argv.binArg as unknown[]) ?? []).map(String),
    provider: String(argv.provider),
    nodeCount,
    concurrency: parseConcurrency(String(argv.concurrency ?? reg.defaultConcurrency?.(String(argv.workload)) ?? '2n'), nodeCount),
    rate: Number(argv.rate),
    timeLimit: Number(argv.timeLimit),
    opTimeout: Number(argv.opTimeout),
    nemesis: parseNemeses(argv.nemesis as string | undefined, reg.nemesisNames),
    nemesisInterval: Number(argv.nemesisInterval),
    partitionShape: String(argv.partitionShape),
    killTargets: String(argv.killTargets),
    recoveryTime: Number(argv.recoveryTime),
    seed: argv.seed === undefined ? freshSeed() : Number(argv.seed),
    store: String(argv.store),
    latency: Number(argv.latency),
    latencyDist: String(argv.latencyDist) as RunOptions['latencyDist'],
    loss: Number(argv.loss),
    initTimeout: Number(argv.initTimeout),
    consistency: argv.consistency as RunOptions['consistency'],
    decrements: Boolean(argv.decrements),
    leaveDbRunning: Boolean(argv.leaveDbRunning),
    testCount: Number(argv.testCount),
    pauseTargets: String(argv.pauseTargets),
    packet: String(argv.packet),
    packetTargets: String(argv.packetTargets),
    keyCount: argv.keyCount === undefined ? undefined : Number(argv.keyCount),
    holdMs: Number(argv.holdMs),
    leaseMs: argv.leaseMs === undefined ? undefined : Number(argv.leaseMs),
    capacity: argv.capacity === undefined ? undefined : Number(argv.capacity),
    delivery: String(argv.delivery),
    fifo: Boolean(argv.fifo),
    checkTimeout: Number(argv.checkTimeout),
    dockerSubnet: argv.dockerSubnet === undefined ? undefined : String(argv.dockerSubnet),
  };
  validate(raw);
  const base = reg.resolveDefaults(raw as RunOptions);

  const stop = new AbortController();
  let sigints = 0;
  const onSigint = () => {
    sigints++;
    if (sigints === 1) {
      process.stderr.write('\nInterrupted: stopping the run and tearing down (Ctrl-C again to quit at once)...\n');
      stop.abort();
    } else {
      process.exit(130); // the exit hooks still kill every node process
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const valids: Array<CheckResult['valid']> = [];
  try {
    for (let i = 0; i < raw.testCount && !stop.signal.aborted; i++) {
      const opts = { ...base, seed: (base.seed + i) >>> 0 };
      process.stdout.write(`Running ${opts.workload} on ${opts.db}${opts.flavor ? `/${opts.flavor}` : ''} with ${opts.nodeCount} nodes, nemesis ${opts.nemesis.join(',') || 'none'}, seed ${opts.seed}${raw.testCount > 1 ? ` (test ${i + 1} of ${raw.testCount})` : ''}\n`);
      const progress = new Progress(process.stdout, opts.timeLimit);
      let outcome: RunOutcome;
      try {
        outcome = await runTest(opts, reg, { onOp: progress.onOp, onPhase: progress.onPhase, onBands: progress.setBands }, stop.signal);
      } finally {
        progress.stop();
      }
      process.stdout.write(`${summary(outcome)}\n`);
      valids.push(outcome.interrupted && outcome.valid === true ? 'unknown' : outcome.valid);
    }
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  if (stop.signal.aborted && valids.length === 0) return EXIT.unknown;
  return exitCodeFor(valids);
}

export async function main(args: string[], reg: CliRegistries): Promise<number> {
  let code: number = EXIT.valid;
  const parser = yargs(args)
    .scriptName('jepsen-ts')
    .usage('$0 <command> [options]')
    .command('run <workload>', 'Run a test: a cluster, a workload, faults, a verdict and a report', (y) =>
      y
        .positional('workload', { type: 'string', describe: `One of: ${Object.keys(reg.workloads).join(', ')}` })
        .option('db', { type: 'string', default: 'demo', describe: 'System under test: demo (built in), etcd, redis (--provider docker), or see --bin' })
        .option('flavor', { type: 'string', describe: 'Variant of the built-in system (counter: naive, lock, cas, crdt; default cas)' })
        .option('bin', { type: 'string', describe: 'Run this executable as every node (speaks the Maelstrom node protocol)' })
        .option('bin-arg', { type: 'string', array: true, describe: 'Argument passed to --bin (repeatable)' })
        .option('provider', { type: 'string', default: 'local', describe: 'Where nodes run: local, docker' })
        .option('docker-subnet', { type: 'string', describe: 'Docker provider: the subnet of the run\'s network (default: a free 10.213.x.0/24)' })
        .option('node-count', { type: 'number', default: 5 })
        .option('concurrency', { type: 'string', describe: 'Client workers: a number, or Nn for N per node (default 2n; lock: 4n)' })
        .option('rate', { type: 'number', default: 100, describe: 'Target ops/s over all clients (0 = as fast as possible)' })
        .option('time-limit', { type: 'number', default: 30, describe: 'Seconds of workload before the final phase' })
        .option('op-timeout', { type: 'number', default: 5, describe: 'Seconds before a client op is given up as indeterminate' })
        .option('nemesis', { type: 'string', default: 'none', describe: `Faults, comma-separated: ${reg.nemesisNames.join(', ')}` })
        .option('nemesis-interval', { type: 'number', default: 5, describe: 'Seconds between fault and heal' })
        .option('partition-shape', { type: 'string', default: 'random-halves', describe: 'halves, random-halves, one, majorities-ring, bridge' })
        .option('kill-targets', { type: 'string', default: 'one', describe: 'one, minority, majority, all' })
        .option('pause-targets', { type: 'string', default: 'one', describe: 'one, minority, majority, all' })
        .option('packet', { type: 'string', default: 'delay', describe: 'Packet faults, comma-separated: delay, loss, duplicate, reorder' })
        .option('packet-targets', { type: 'string', default: 'minority', describe: 'Nodes whose links get packet faults: one, minority, majority, all' })
        .option('recovery-time', { type: 'number', default: 3, describe: 'Seconds to wait after healing before final reads' })
        .option('seed', { type: 'number', describe: 'Replay the operation stream and fault schedule of an earlier run' })
        .option('store', { type: 'string', default: 'store', describe: 'Directory for run results' })
        .option('latency', { type: 'number', default: 2, describe: 'Mean network latency in ms (local provider)' })
        .option('latency-dist', { type: 'string', default: 'exponential', describe: 'constant, uniform or exponential' })
        .option('loss', { type: 'number', default: 0, describe: 'Probability of losing a node-to-node message' })
        .option('init-timeout', { type: 'number', default: 10, describe: 'Seconds a node has to answer init' })
        .option('consistency', { type: 'string', describe: 'Counter checking: linearizable or eventual (default from the flavor)' })
        .option('decrements', { type: 'boolean', default: false, describe: 'Counter adds may be negative' })
        .option('test-count', { type: 'number', default: 1, describe: 'Run the test this many times (seeds seed, seed+1, ...)' })
        .option('key-count', { type: 'number', describe: 'Independent keys or locks (register, cache: 5; lock: 10)' })
        .option('hold-ms', { type: 'number', default: 3000, describe: 'Lock workload: hold each lock for a quarter to all of this many ms' })
        .option('lease-ms', { type: 'number', describe: 'Lock lease time to live in ms (demo lease flavor: 300; etcd: 2000; redis: 10000)' })
        .option('capacity', { type: 'number', describe: 'Bound the built-in queue: a full queue refuses enqueues' })
        .option('delivery', { type: 'string', default: 'at-least-once', describe: 'Queue checking: at-least-once or exactly-once' })
        .option('fifo', { type: 'boolean', default: false, describe: 'Queue checking: values of one producer come out in order' })
        .option('check-timeout', { type: 'number', default: 60, describe: 'Seconds the linearizability checker may take (then unknown)' })
        .option('leave-db-running', { type: 'boolean', default: false }),
      async (argv) => {
        code = await runCommand(argv as unknown as Record<string, unknown>, reg);
      },
    )
    .command('check <file>', 'Check a history (Jepsen EDN or history.jsonl) for linearizability', (y) =>
      y
        .positional('file', { type: 'string', describe: 'History file: .edn (Jepsen) or .jsonl (jepsen-ts)' })
        .option('model', { type: 'string', demandOption: 'Name a model with --model.', describe: `${reg.checkRegistry.models.join(', ')}, or a path to a model module` })
        .option('init', { type: 'string', describe: 'Initial model state as JSON (e.g. 0)' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' })
        .option('check-timeout', { type: 'number', describe: 'Seconds before giving up (verdict unknown)' })
        .option('report', { type: 'string', describe: 'Also write a standalone HTML report here' }),
      async (argv) => {
        code = await checkCommand(
          { file: String(argv.file), model: String(argv.model), init: argv.init, json: Boolean(argv.json), checkTimeout: argv.checkTimeout, report: argv.report },
          reg.checkRegistry,
        );
      },
    )
    .command('images <action>', 'Docker provider: build the node image (cached by the content of docker/)', (y) =>
      y
        .positional('action', { type: 'string', choices: ['build'], describe: 'build' })
        .option('force', { type: 'boolean', default: false, describe: 'Rebuild even when an image for this content exists' })
        .option('quiet', { type: 'boolean', default: false, describe: 'Only print the result' }),
      async (argv) => {
        code = await imagesBuildCommand({ force: Boolean(argv.force), quiet: Boolean(argv.quiet) });
      },
    )
    .command('clean', 'Docker provider: remove every container and network labelled jepsen-ts', (y) => y, async () => {
      code = await cleanCommand();
    })
    .demandCommand(1, 'Name a command: run, check, images or clean.')
    .strict()
    .help()
    .version(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg.endsWith('.') ? msg : `${msg}.`);
    });
  try {
    await parser.parseAsync();
    return code;
  } catch (e) {
    if (isUserFacing(e)) {
      process.stderr.write(`${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`jepsen-ts crashed: ${errorMessage(e)}\n`);
    if (process.env.JEPSEN_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    else process.stderr.write('(set JEPSEN_DEBUG=1 for the stack trace)\n');
    return EXIT.crash;
  }
}

export { RunAbortedError };
