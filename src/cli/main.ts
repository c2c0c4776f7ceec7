// The command line (bin/jepsen-ts.js loads the compiled copy of this file). Bad input gets one
// sentence and exit 254; a crash of jepsen-ts itself exit 255 (DESIGN.md §1).
import yargs from 'yargs';
import { MODELS } from '../../checkers/linearizable/models.ts';
import { checkCommand } from './check-command.ts';
import { cleanCommand, imagesBuildCommand } from '../docker-commands.ts';
import { EXIT, UsageError, errorMessage, isUserFacing } from '../errors.ts';
import { runCommand } from './run-command.ts';
import { analyzeCommand } from './analyze-command.ts';
import { serveCommand } from './serve-command.ts';
import { coerce, type OptionSpec } from '../options.ts';

const CHECK_TIMEOUT: OptionSpec = { name: 'checkTimeout', type: 'number', above: 0, unit: 's', description: '' };
const PORT: OptionSpec = { name: 'port', type: 'integer', min: 0, max: 65535, description: '' };
const JOBS: OptionSpec = { name: 'jobs', type: 'integer', min: 1, max: 256, description: '' };

async function dispatch(args: string[]): Promise<number> {
  // `run` parses its own options: which ones exist depends on the test it runs.
  if (args[0] === 'run') return runCommand(args.slice(1));
  if (args[0] === 'analyze') return analyzeCommand(args.slice(1));
  let code: number = EXIT.valid;
  // yargs drops a lone "-" (standard input, for check): carry it through under another name.
  const STDIN = '\u0000stdin';
  await yargs(args.map((a) => (a === '-' ? STDIN : a)))
    .scriptName('jepsen-ts')
    .usage('$0 <command> [options]')
    .command('run <test>', 'Run a test: a cluster, a workload, faults, a verdict and a report (`run <test> --help` lists its options)')
    .command('analyze [dir]', 'Re-check a stored run (default store/latest), with today\'s checkers or other options; rewrites its results and report')
    .command('check <files..>', 'Check histories (Jepsen EDN or history.jsonl; files, directories, globs, - for standard input) for linearizability', (y) =>
      y
        .positional('files', { type: 'string', array: true, describe: 'History files (.edn, .jsonl), directories of them, globs, or - (standard input)' })
        .option('model', { type: 'string', demandOption: 'Name a model with --model.', describe: `${Object.keys(MODELS).join(', ')}, or a path to a model module` })
        .option('init', { type: 'string', describe: 'Initial model state as JSON (e.g. 0)' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' })
        .option('check-timeout', { type: 'string', default: '60', describe: 'Seconds each history may take before its verdict is unknown' })
        .option('jobs', { type: 'string', default: '1', describe: 'Histories checked at once (worker threads)' })
        .option('independent', { type: 'boolean', default: false, describe: "Client ops' values are Jepsen independent [key value] tuples" })
        .option('report', { type: 'string', describe: 'Also write a standalone HTML report here (a directory when checking several histories)' })
        .option('junit', { type: 'string', describe: 'Also write the verdicts as JUnit XML here (a testsuite per history)' }),
      async (argv) => {
        code = await checkCommand({
          files: (argv.files as string[]).map((f) => (String(f) === STDIN ? '-' : String(f))), model: String(argv.model), init: argv.init === undefined ? undefined : String(argv.init),
          json: Boolean(argv.json), report: argv.report === undefined ? undefined : String(argv.report), independent: Boolean(argv.independent),
          junit: argv.junit === undefined ? undefined : String(argv.junit),
          checkTimeout: coerce(CHECK_TIMEOUT, argv.checkTimeout) as number, jobs: coerce(JOBS, argv.jobs) as number,
        });
      })
    .command('images <action>', 'Docker provider: build the node image (cached by the content of docker/)', (y) =>
      y
        .positional('action', { type: 'string', choices: ['build'], describe: 'build' })
        .option('force', { type: 'boolean', default: false, describe: 'Rebuild even when an image for this content exists' })
        .option('quiet', { type: 'boolean', default: false, describe: 'Only print the result' }),
      async (argv) => {
        code = await imagesBuildCommand({ force: Boolean(argv.force), quiet: Boolean(argv.quiet) });
      })
    .command('serve', 'Browse the stored runs and their reports over HTTP (loopback only unless --host says otherwise)', (y) =>
      y
        .option('store', { type: 'string', default: 'store', describe: 'The store to serve' })
        .option('port', { type: 'string', default: '8080', describe: 'Port (0 picks a free one)' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' }),
      async (argv) => {
        code = await serveCommand({ store: String(argv.store), port: coerce(PORT, argv.port) as number, host: String(argv.host) });
      })
    .command('clean', 'Remove every container, network and volume labelled jepsen-ts, and what ssh runs of dead controllers left on their hosts', (y) => y, async () => {
      code = await cleanCommand();
    })
    .demandCommand(1, 'Name a command: run, analyze, check, serve, images or clean.')
    .strict()
    .help()
    .version(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg.endsWith('.') ? msg : `${msg}.`);
    })
    .parseAsync();
  return code;
}

export async function main(args: string[]): Promise<number> {
  try {
    return await dispatch(args);
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
