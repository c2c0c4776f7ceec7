// The command line (bin/jepsen-ts.js loads the compiled copy of this file). Bad input gets one
// sentence and exit 254; a crash of jepsen-ts itself exit 255 (DESIGN.md §1).
import yargs from 'yargs';
import { checkLinearizable, isModelPath } from '../../checkers/linearizable/index.ts';
import { MODELS } from '../../checkers/linearizable/models.ts';
import { renderReport } from '../../reports/render.ts';
import { checkCommand } from '../check-command.ts';
import { cleanCommand, imagesBuildCommand } from '../docker-commands.ts';
import { EXIT, UsageError, errorMessage, isUserFacing } from '../errors.ts';
import { runCommand } from './run-command.ts';

const checkRegistry = {
  models: Object.keys(MODELS),
  isModelPath,
  check: checkLinearizable,
  renderReport,
};

async function dispatch(args: string[]): Promise<number> {
  // `run` parses its own options: which ones exist depends on the test it runs.
  if (args[0] === 'run') return runCommand(args.slice(1));
  let code: number = EXIT.valid;
  await yargs(args)
    .scriptName('jepsen-ts')
    .usage('$0 <command> [options]')
    .command('run <test>', 'Run a test: a cluster, a workload, faults, a verdict and a report (`run <test> --help` lists its options)')
    .command('check <file>', 'Check a history (Jepsen EDN or history.jsonl) for linearizability', (y) =>
      y
        .positional('file', { type: 'string', describe: 'History file: .edn (Jepsen) or .jsonl (jepsen-ts)' })
        .option('model', { type: 'string', demandOption: 'Name a model with --model.', describe: `${checkRegistry.models.join(', ')}, or a path to a model module` })
        .option('init', { type: 'string', describe: 'Initial model state as JSON (e.g. 0)' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' })
        .option('check-timeout', { type: 'number', describe: 'Seconds before giving up (verdict unknown)' })
        .option('report', { type: 'string', describe: 'Also write a standalone HTML report here' }),
      async (argv) => {
        code = await checkCommand(
          { file: String(argv.file), model: String(argv.model), init: argv.init, json: Boolean(argv.json), checkTimeout: argv.checkTimeout, report: argv.report },
          checkRegistry,
        );
      })
    .command('images <action>', 'Docker provider: build the node image (cached by the content of docker/)', (y) =>
      y
        .positional('action', { type: 'string', choices: ['build'], describe: 'build' })
        .option('force', { type: 'boolean', default: false, describe: 'Rebuild even when an image for this content exists' })
        .option('quiet', { type: 'boolean', default: false, describe: 'Only print the result' }),
      async (argv) => {
        code = await imagesBuildCommand({ force: Boolean(argv.force), quiet: Boolean(argv.quiet) });
      })
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
