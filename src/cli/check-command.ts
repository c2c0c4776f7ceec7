// `jepsen-ts check <file|dir|glob ...> --model <name>`: checks histories recorded anywhere (Jepsen
// EDN or our history.jsonl) for linearizability, in one process — one history with its full
// counterexample, or many with a verdict line each and a summary. Exit code: 1 if any history is
// not linearizable, else 254 if any could not be read, else 2 if any is unknown, else 0.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { isModelPath } from '../../checkers/linearizable/index.ts';
import { MODELS } from '../../checkers/linearizable/models.ts';
import { EXIT, UsageError } from '../errors.ts';
import { shortText, toJson } from '../util/values.ts';
import { sibling, workerUrl } from '../util/paths.ts';
import { checkFile, type CheckJob, type FileOutcome } from './check-file.ts';
import { expandPaths } from './paths.ts';
import { checkSuite, writeJunit } from './junit-files.ts';
import { outputFileProblem } from '../store.ts';
import { JsonSyntaxError, parseJsonLine } from '../json-exact.ts';

export interface CheckArgs {
  files: string[];
  model: string;
  init?: string;
  json: boolean;
  checkTimeout: number;
  report?: string;
  jobs: number;
  independent: boolean;
  /** Write the verdicts as JUnit XML here (a testsuite per history). */
  junit?: string;
}

const MAX_INIT = 1_000_000;

function parseInit(s: string | undefined): unknown {
  if (s === undefined) return undefined;
  if (s.length > MAX_INIT) throw new UsageError(`--init: ${s.length} characters is more than an initial state needs (at most ${MAX_INIT}).`);
  try {
    // Exact integers and bounded depth, as for the histories it will be compared with.
    return parseJsonLine(s);
  } catch (e) {
    throw new UsageError(`--init ${shortText(s, 40)}: ${e instanceof JsonSyntaxError ? e.message : 'not valid JSON'} (e.g. --init 0, --init null, --init '{"x":0}').`);
  }
}

const describeOp = (op: { process: unknown; f: string; type: string; value: unknown; index: number }) =>
  `process ${String(op.process)}'s ${op.f} ${op.type === 'invoke' ? '' : `(${op.type}) `}of ${shortText(op.value, 60)} at index ${op.index}`;

/** The full account of one history, as one history's check prints it. */
function explain(o: FileOutcome, model: string, init: unknown, report?: string): string {
  if (o.refused) return o.refused;
  const r = o.result!;
  const lines = [`${o.file}: ${o.ops} operations, model ${model}${init !== undefined ? ` (initial ${shortText(init, 40)})` : ''}`];
  if (r.valid === true) lines.push('Linearizable.');
  else if (r.valid === 'unknown') lines.push(`Unknown: ${String(r.reason ?? 'the checker gave up')}.`);
  else {
    lines.push('NOT linearizable.');
    const culprit = r.culprit as Parameters<typeof describeOp>[0];
    lines.push(`  The op that cannot be linearized: ${describeOp(culprit)}${r.key !== undefined ? ` (key ${shortText(r.key, 40)})` : ''}.`);
    const states = (r['last-states'] as string[] | undefined) ?? [];
    lines.push(`  Possible states just before it: ${states.map((s) => shortText(s, 60).slice(1, -1)).join(', ') || '(none)'}; ${String(r['linearized-prefix'])} ops could be linearized before it.`);
    const window = (r.window as Array<{ process: unknown; f: string; value: unknown; output?: unknown; type: string; 'invoke-index': number; 'complete-index': number | null; culprit?: boolean }>) ?? [];
    if (window.length) {
      lines.push('  The ops around it (concurrent with it, or just before it):');
      for (const w of window) {
        const out = w.output !== undefined && toJson(w.output) !== toJson(w.value) ? ` -> ${shortText(w.output, 40)}` : '';
        lines.push(`    ${w.culprit ? '>' : ' '} process ${String(w.process)} ${w.f} ${shortText(w.value, 40)}${out} [${w['invoke-index']}..${w['complete-index'] ?? '?'}]${w.type === 'info' ? ' (indeterminate)' : ''}`);
      }
    }
  }
  lines.push(`Checked in ${String(r['time-ms'])} ms (${String(r.configurations)} configurations explored${Number(r.parts) > 1 ? `, ${String(r.parts)} independent keys` : ''}).`);
  if (report) lines.push(`Report: ${path.resolve(report)}`);
  return lines.join('\n');
}

/** One line per history in a batch. */
function verdictLine(o: FileOutcome): string {
  if (o.refused) return `${o.file}: refused: ${o.refused.startsWith(o.file) ? o.refused.slice(o.file.length).replace(/^:\s*/, '') : o.refused}`;
  const r = o.result!;
  const word = r.valid === true ? 'linearizable' : r.valid === false ? 'NOT linearizable' : 'unknown';
  const why = r.valid === false ? `: ${describeOp(r.culprit as Parameters<typeof describeOp>[0])}` : r.valid === 'unknown' ? `: ${String(r.reason)}` : '';
  return `${o.file}: ${word} (${o.ops} ops, ${String(r['time-ms'])} ms)${why}`;
}

function exitCode(outcomes: readonly FileOutcome[]): number {
  if (outcomes.some((o) => o.result?.valid === false)) return EXIT.invalid;
  if (outcomes.some((o) => o.refused)) return EXIT.badInput;
  if (outcomes.some((o) => o.result?.valid === 'unknown')) return EXIT.unknown;
  return EXIT.valid;
}

/** Checks jobs on up to n worker threads, in the order given. */
async function inWorkers(jobs: CheckJob[], n: number): Promise<FileOutcome[]> {
  const out: FileOutcome[] = new Array(jobs.length);
  let next = 0;
  const entry = workerUrl(sibling(import.meta.url, './check-worker'));
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, () => new Promise<void>((resolve, reject) => {
    const w = new Worker(entry);
    const feed = () => {
      if (next >= jobs.length) {
        void w.terminate().then(() => resolve());
        return;
      }
      const i = next++;
      w.once('message', (o: FileOutcome) => {
        out[i] = o;
        feed();
      });
      w.postMessage(jobs[i]);
    };
    w.on('error', reject);
    feed();
  })));
  return out;
}

export async function checkCommand(a: CheckArgs): Promise<number> {
  if (!isModelPath(a.model) && !Object.hasOwn(MODELS, a.model)) {
    throw new UsageError(`Unknown model "${shortText(a.model, 40).slice(1, -1)}"; built-in models are: ${Object.keys(MODELS).join(', ')} (or a path to your own model module).`);
  }
  const init = parseInit(a.init);
  if (a.junit) {
    const why = outputFileProblem(a.junit);
    if (why) throw new UsageError(`--junit ${shortText(a.junit, 60)}: ${why}.`);
  }
  const files = expandPaths(a.files);
  if (files.length === 0) throw new UsageError(`No history files (.edn, .jsonl, .json) found in ${a.files.map((f) => shortText(f, 60)).join(', ')}.`);
  const many = files.length > 1;
  if (a.report && many && !(fs.existsSync(a.report) && fs.statSync(a.report).isDirectory())) {
    throw new UsageError(`--report ${shortText(a.report, 60)}: with several histories, give an existing directory to write one report per history into.`);
  }
  const reportOf = (file: string) => (!a.report ? undefined : many ? path.join(a.report, `${path.basename(file).replace(/[^\w.-]/g, '_')}.html`) : a.report);
  const jobs: CheckJob[] = files.map((file) => ({ file, model: a.model, init, timeout: a.checkTimeout, independent: a.independent, report: reportOf(file) }));
  const workers = Math.max(1, Math.min(a.jobs, os.availableParallelism()));
  // One history, or one job at a time: in this process (no worker start-up to pay).
  const outcomes = workers > 1 && files.length > 1 ? await inWorkers(jobs, workers) : await sequential(jobs);

  const crashed = outcomes.find((o) => o.crashed);
  if (crashed) throw new Error(`checking ${crashed.file} failed: ${crashed.crashed}`);
  if (a.junit) {
    writeJunit(a.junit, outcomes.map((o) => checkSuite(o.file, o.refused ? 'refused' : o.result!.valid, verdictLine(o).slice(o.file.length + 2), Number(o.result?.['time-ms'] ?? 0), reportOf(o.file))));
  }
  if (!many && outcomes[0].refused && !a.json) throw new UsageError(outcomes[0].refused);
  if (a.json) {
    const body = many ? outcomes.map((o) => ({ file: o.file, ops: o.ops, ...(o.refused ? { refused: o.refused } : { result: o.result }) })) : outcomes[0].refused ? { refused: outcomes[0].refused } : outcomes[0].result;
    process.stdout.write(`${toJson(body, 2)}\n`);
  } else if (!many) {
    process.stdout.write(`${explain(outcomes[0], a.model, init, a.report)}\n`);
  } else {
    for (const o of outcomes) process.stdout.write(`${verdictLine(o)}\n`);
    const count = (p: (o: FileOutcome) => boolean) => outcomes.filter(p).length;
    process.stdout.write(`${outcomes.length} histories: ${count((o) => o.result?.valid === true)} linearizable, ${count((o) => o.result?.valid === false)} not, ${count((o) => o.result?.valid === 'unknown')} unknown, ${count((o) => !!o.refused)} refused.\n`);
  }
  return exitCode(outcomes);
}

async function sequential(jobs: CheckJob[]): Promise<FileOutcome[]> {
  const out: FileOutcome[] = [];
  for (const j of jobs) out.push(await checkFile(j));
  return out;
}

