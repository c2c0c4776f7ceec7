// `jepsen-ts run <test> [options]`: the options come from the parts of the chosen test (engine,
// provider, nemeses, workload, system, the test's own), so they are parsed only once the test is
// known; `--help` after the test lists exactly those. Each run prints its verdict, report and seed.
import { Parser } from 'yargs/helpers';
import { applicableOptions, resolveTest, suggestedDefaults } from '../api/resolve.ts';
import type { TestDefinition } from '../api/define.ts';
import { catalogue } from '../catalogue.ts';
import { EXIT, UsageError } from '../errors.ts';
import { flagOf, mergeSpecs, nameOfFlag, type OptionSpec } from '../options.ts';
import { Progress } from '../progress.ts';
import { freshSeed } from '../rng.ts';
import { runTest, type RunOutcome } from '../run.ts';
import type { CheckResult } from '../types.ts';
import { shortText } from '../util/values.ts';
import { loadTest, testSource } from './load-test.ts';
import { exitCodeFor, runsTable, summary } from './summary.ts';
import { runSuite, writeJunit } from './junit-files.ts';

interface Parsed {
  target: string | undefined;
  given: Record<string, unknown>;
  help: boolean;
}

/** Flags whose value is another program's argument: the next word is the value even when it starts
 *  with a dash (as getopt takes an option's argument), so `--bin-arg --flavor --bin-arg stale`
 *  hands the node `--flavor stale` instead of reading `--flavor` as a flag of ours. */
const VERBATIM = new Set(['--bin-arg']);

function joinVerbatim(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (VERBATIM.has(args[i]) && i + 1 < args.length) out.push(`${args[i]}=${args[++i]}`);
    else out.push(args[i]);
  }
  return out;
}

/** Splits argv into the target and the given flags (camelCase names, string values; a repeated
 *  flag gives an array, which the option layer refuses unless the option is repeatable). */
export function parseArgs(args: string[], booleans: readonly string[]): Parsed {
  const raw = Parser(joinVerbatim(args), {
    boolean: [...booleans.map((b) => flagOf(b).slice(2)), 'help'],
    alias: { help: ['h'] },
    configuration: {
      'duplicate-arguments-array': true, 'camel-case-expansion': false, 'parse-numbers': false,
      'parse-positional-numbers': false, 'boolean-negation': true, 'dot-notation': false, 'strip-aliased': true,
    },
  }) as Record<string, unknown> & { _: Array<string | number> };
  const positionals = raw._.map(String);
  if (positionals.length > 1) throw new UsageError(`Unexpected argument ${shortText(positionals[1], 40)}: give one test (or run directory) and options.`);
  const given: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === '_' || k === 'help' || k === 'h' || k === '$0') continue;
    if (k.length === 1) throw new UsageError(`Unknown option -${k}; options are spelled out, e.g. --time-limit.`);
    given[nameOfFlag(k)] = v;
  }
  return { target: positionals[0], given, help: raw.help === true };
}

function allBooleans(specs: readonly OptionSpec[]): string[] {
  return specs.filter((s) => s.type === 'boolean').map((s) => s.name);
}

function catalogueBooleans(): readonly string[] {
  return catalogue.booleanOptions();
}

function helpText(def: TestDefinition, given: Record<string, unknown>): string {
  const groups = applicableOptions(def, given, catalogue, { fromCli: true });
  const suggested = suggestedDefaults(def, given);
  const lines = [`Usage: jepsen-ts run ${def.name} [options]`, ''];
  if (def.description) lines.push(def.description, '');
  for (const g of groups) {
    if (!g.specs.length) continue;
    lines.push(`${g.group} options:`);
    for (const s of g.specs) {
      const flag = `  ${flagOf(s.name)}${s.type === 'boolean' ? '' : s.type === 'list' ? ' A,B' : ' VALUE'}`;
      const d = Object.hasOwn(suggested, s.name) ? suggested[s.name] : s.default;
      const dflt = Object.hasOwn(suggested, s.name) || !s.defaultText ? (d === undefined || (Array.isArray(d) && d.length === 0) ? s.defaultText : Array.isArray(d) ? d.join(',') : String(d)) : s.defaultText;
      const choices = s.choices && !s.choices.filter((c) => c !== 'none').every((c) => s.description.includes(c)) ? ` (${s.choices.join(', ')})` : '';
      lines.push(`${flag.padEnd(30)} ${s.description}${choices}${dflt !== undefined ? ` [default: ${dflt}]` : ''}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export async function runCommand(args: string[]): Promise<number> {
  const first = parseArgs(args, catalogueBooleans());
  if (first.target === undefined) {
    if (first.help) {
      process.stdout.write('Usage: jepsen-ts run <test> [options]\n\n<test> is a built-in test (counter, register, lock, queue, cache) or the path to a test module (./my-test.ts).\n`jepsen-ts run <test> --help` lists the options of that test.\n');
      return EXIT.valid;
    }
    throw new UsageError('Name a test to run: a built-in one (counter, register, lock, queue, cache) or the path to a test module, e.g. `jepsen-ts run counter`.');
  }
  const def = await loadTest(first.target);
  // Parse again knowing every boolean flag of this test.
  const specs = mergeSpecs(applicableOptions(def, {}, catalogue, { fromCli: true }));
  const { given, help } = parseArgs(args, [...allBooleans(specs), ...catalogueBooleans()]);
  if (help) {
    process.stdout.write(helpText(def, given));
    return EXIT.valid;
  }
  const source = testSource(first.target);
  const base = resolveTest(def, { ...given, seed: given.seed ?? String(freshSeed()) }, catalogue, { fromCli: true, source });
  const testCount = Number(base.opts.testCount);

  const stop = new AbortController();
  let sigints = 0;
  const onSigint = () => {
    sigints++;
    if (sigints === 1) {
      process.stderr.write('\nInterrupted: stopping the run and tearing down (Ctrl-C again to quit at once)...\n');
      stop.abort();
    } else {
      process.exit(EXIT.unknown); // the exit hooks still kill every node process
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const valids: Array<CheckResult['valid']> = [];
  const outcomes: RunOutcome[] = [];
  try {
    for (let i = 0; i < testCount && !stop.signal.aborted; i++) {
      const seed = (base.opts.seed + i) >>> 0;
      const t = i === 0 ? base : resolveTest(def, { ...given, seed: String(seed) }, catalogue, { fromCli: true, source });
      const o = t.opts;
      const system = t.db.name === 'none' ? '' : ` on ${t.db.name}`;
      process.stdout.write(`Running ${t.name}${system} with ${o.nodeCount} nodes, nemesis ${o.nemesis.join(',') || 'none'}, seed ${seed}${testCount > 1 ? ` (test ${i + 1} of ${testCount})` : ''}\n`);
      const progress = new Progress(process.stdout, o.timeLimit);
      let outcome: RunOutcome;
      try {
        outcome = await runTest(t, { onOp: progress.onOp, onPhase: progress.onPhase, onBands: progress.setBands }, stop.signal);
      } finally {
        progress.stop();
      }
      process.stdout.write(`${summary(outcome)}\n`);
      if (testCount > 1) process.stdout.write(`Run ${i + 1} of ${testCount}: ${outcome.summary.verdict}, seed ${seed}: ${outcome.explanation.headline}\n\n`);
      valids.push(outcome.interrupted && outcome.valid === true ? 'unknown' : outcome.valid);
      outcomes.push(outcome);
    }
    // A signal that came after checking (while the report was written) reaches its handler only
    // when the event loop turns: let it, before the handlers go, so it is not lost. The run it
    // interrupted counts as interrupted (exit 2), as a Ctrl-C does, though its files were written.
    await new Promise((resolve) => setImmediate(resolve));
    const last = valids.length - 1;
    if (stop.signal.aborted && last >= 0 && !outcomes[last].interrupted && valids[last] === true) valids[last] = 'unknown';
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    if (base.opts.junit && outcomes.length) writeJunit(String(base.opts.junit), outcomes.map(runSuite));
  }
  if (testCount > 1) process.stdout.write(`${runsTable(outcomes)}\n`);
  if (stop.signal.aborted && valids.length === 0) return EXIT.unknown;
  return exitCodeFor(valids);
}
