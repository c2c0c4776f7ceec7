// One history checked for linearizability: read (bounded, exact), checked against the model,
// optionally drawn as a report. Used in this process and in check's worker threads alike.
import fs from 'node:fs';
import path from 'node:path';
import { checkLinearizable } from '../../checkers/linearizable/index.ts';
import type { LinearizableResult } from '../../checkers/linearizable/check.ts';
import { renderReport } from '../../reports/render.ts';
import { UsageError } from '../errors.ts';
import { readHistory } from '../history-import.ts';
import type { History, RunOptions } from '../types.ts';
import { shortText } from '../util/values.ts';

export interface CheckJob {
  file: string;
  model: string;
  init: unknown;
  /** Seconds. */
  timeout: number;
  independent: boolean;
  /** Where to write this history's HTML report, if anywhere. */
  report?: string;
}

export interface FileOutcome {
  file: string;
  ops: number;
  result?: LinearizableResult;
  /** Why the history could not be checked: one sentence. */
  refused?: string;
  /** A worker thread's crash (our bug): the stack. */
  crashed?: string;
}

/** Errors that are the input's (or the user's model's) fault, not ours. */
function refusal(e: unknown): string | null {
  if (e instanceof UsageError) return e.message;
  const name = (e as Error)?.name;
  if (name === 'ModelError' || name === 'HistoryMismatchError') return (e as Error).message;
  return null;
}

export async function checkFile(job: CheckJob): Promise<FileOutcome & { history?: History }> {
  const label = job.file === '-' ? 'standard input' : job.file;
  let history: History;
  try {
    history = await readHistory(job.file, { independent: job.independent });
  } catch (e) {
    const why = refusal(e);
    if (why === null) throw e;
    return { file: label, ops: 0, refused: why };
  }
  const ops = history.filter((o) => o.type === 'invoke' && o.process !== 'nemesis').length;
  let result: LinearizableResult;
  try {
    result = await checkLinearizable(history, { name: job.model, init: job.init }, { timeout: job.timeout });
  } catch (e) {
    const why = refusal(e);
    if (why === null) throw e;
    return { file: label, ops, refused: why.startsWith(label) ? why : `${label}: ${why}` };
  }
  if (job.report) writeReport(job.report, job, history, result);
  return { file: label, ops, result, history };
}

function writeReport(target: string, job: CheckJob, history: History, result: LinearizableResult): void {
  const procs = new Set(history.filter((op) => op.process !== 'nemesis').map((op) => op.process)).size;
  const html = renderReport({
    test: { name: `check ${path.basename(job.file)}`, runId: path.basename(job.file), seed: 0, nodes: [], concurrency: procs, opts: { file: job.file, model: job.model, init: job.init } as unknown as RunOptions },
    history,
    results: { valid: result.valid, linearizable: result },
    perf: [],
  });
  try {
    fs.writeFileSync(target, html);
  } catch (e) {
    throw new UsageError(`--report ${shortText(target, 60)}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}
