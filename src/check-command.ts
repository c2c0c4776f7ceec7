// `jepsen-ts check <file> --model <name>`: checks a history recorded anywhere (Jepsen EDN or our
// history.jsonl) for linearizability, prints the verdict and the counterexample, exits 0/1/2/254.
import fs from 'node:fs';
import path from 'node:path';
import { EXIT, UsageError } from './errors.ts';
import { readHistoryFile } from './history-import.ts';
import type { CheckResult, History, Op, RunOptions } from './types.ts';
import type { ReportInput } from './run.ts';

export interface CheckRegistry {
  models: string[];
  isModelPath(name: string): boolean;
  check(history: History, spec: { name: string; init?: unknown }, opts: { timeout?: number }): Promise<CheckResult>;
  renderReport(input: ReportInput): string;
}

export interface CheckArgs {
  file: string;
  model: string;
  init?: string;
  json: boolean;
  checkTimeout?: number;
  report?: string;
}

function parseInit(s: string | undefined): unknown {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    throw new UsageError(`--init ${s}: not valid JSON (e.g. --init 0, --init null, --init '{"x":0}').`);
  }
}

const describeOp = (op: Op) => `process ${op.process}'s ${op.f} ${op.type === 'invoke' ? '' : `(${op.type}) `}of ${JSON.stringify(op.value)} at index ${op.index}`;

export async function checkCommand(a: CheckArgs, reg: CheckRegistry): Promise<number> {
  if (!reg.isModelPath(a.model) && !reg.models.includes(a.model)) {
    throw new UsageError(`Unknown model "${a.model}"; built-in models are: ${reg.models.join(', ')} (or a path to your own model module).`);
  }
  if (a.checkTimeout !== undefined && !(a.checkTimeout > 0)) throw new UsageError(`--check-timeout ${a.checkTimeout}: must be a positive number of seconds.`);
  const init = parseInit(a.init);
  const history = readHistoryFile(a.file);
  let result: CheckResult;
  try {
    result = await reg.check(history, { name: a.model, init }, { timeout: a.checkTimeout });
  } catch (e) {
    // A user's model module that fails to load or throws is bad configuration, not our crash.
    if (reg.isModelPath(a.model)) throw new UsageError(`Model ${a.model}: ${e instanceof Error ? e.message : String(e)}.`);
    throw e;
  }
  if (a.report) {
    const testName = `check ${path.basename(a.file)}`;
    const procs = new Set(history.filter((o) => o.process !== 'nemesis').map((o) => o.process)).size;
    const html = reg.renderReport({
      test: { name: testName, runId: path.basename(a.file), seed: 0, nodes: [], concurrency: procs, opts: { file: a.file, model: a.model, init } as unknown as RunOptions },
      history,
      results: { valid: result.valid, linearizable: result },
      perf: [],
    });
    fs.writeFileSync(a.report, html);
  }
  if (a.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const ops = history.filter((o) => o.type === 'invoke' && o.process !== 'nemesis').length;
    const lines = [`${a.file}: ${ops} operations, model ${a.model}${init !== undefined ? ` (initial ${JSON.stringify(init)})` : ''}`];
    if (result.valid === true) lines.push('Linearizable.');
    else if (result.valid === 'unknown') lines.push(`Unknown: ${String(result.reason ?? 'the checker gave up')}.`);
    else {
      const culprit = result.culprit as Op;
      const states = (result['last-states'] as string[]) ?? [];
      lines.push('NOT linearizable.');
      lines.push(`  The op that cannot be linearized: ${describeOp(culprit)}${result.key ? ` (key ${String(result.key)})` : ''}.`);
      lines.push(`  Possible states just before it: ${states.join(', ') || '(none)'}; ${String(result['linearized-prefix'])} ops could be linearized before it.`);
      const window = (result.window as Array<{ process: unknown; f: string; value: unknown; output?: unknown; type: string; 'invoke-index': number; 'complete-index': number | null; culprit?: boolean }>) ?? [];
      if (window.length) {
        lines.push('  The ops around it (concurrent with it, or just before it):');
        for (const w of window) {
          lines.push(`    ${w.culprit ? '>' : ' '} process ${String(w.process)} ${w.f} ${JSON.stringify(w.value)}${w.output !== undefined && JSON.stringify(w.output) !== JSON.stringify(w.value) ? ` -> ${JSON.stringify(w.output)}` : ''} [${w['invoke-index']}..${w['complete-index'] ?? '?'}]${w.type === 'info' ? ' (indeterminate)' : ''}`);
        }
      }
    }
    lines.push(`Checked in ${String(result['time-ms'])} ms (${String(result.configurations)} configurations explored${Number(result.parts) > 1 ? `, ${String(result.parts)} independent keys` : ''}).`);
    if (a.report) lines.push(`Report: ${path.resolve(a.report)}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return result.valid === true ? EXIT.valid : result.valid === false ? EXIT.invalid : EXIT.unknown;
}
