// The JUnit files the CLI writes: `run --junit` (a testsuite per run, a testcase per checker) and
// `check --junit` (a testsuite per history).
import fs from 'node:fs';
import { UsageError } from '../errors.ts';
import { junitXml, type JunitCase, type JunitSuite } from '../junit.ts';
import type { RunOutcome } from '../run.ts';
import type { CheckResult } from '../types.ts';
import { shortText } from '../util/values.ts';

function caseFor(classname: string, name: string, valid: CheckResult['valid'], headline: string, body: string): JunitCase {
  if (valid === true) return { name, classname };
  return valid === false ? { name, classname, failure: { message: headline, body } } : { name, classname, error: { message: headline || 'no verdict', body } };
}

export function runSuite(out: RunOutcome): JunitSuite {
  const s = out.summary;
  const body = `See the report: ${out.reportPath}\nReplay: --seed ${out.seed}`;
  return {
    name: `${s.test} ${s.runId}`,
    timestamp: s.started ?? s.ended,
    time: s['duration-s'] ?? 0,
    properties: { seed: String(out.seed), dir: out.dir, report: out.reportPath, verdict: s.verdict },
    cases: out.explanation.checkers.map((c) => caseFor(s.test, c.name, c.valid, c.headline, body)),
  };
}

export function writeJunit(file: string, suites: readonly JunitSuite[]): void {
  try {
    fs.writeFileSync(file, junitXml(suites));
  } catch (e) {
    throw new UsageError(`--junit ${shortText(file, 60)}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}

/** A history checked by `check`: one testsuite, one testcase. */
export function checkSuite(file: string, valid: CheckResult['valid'] | 'refused', headline: string, ms: number, report?: string): JunitSuite {
  const body = report ? `See the report: ${report}` : file;
  const c: JunitCase = valid === 'refused'
    ? { name: 'linearizable', classname: 'check', error: { message: headline, body } }
    : caseFor('check', 'linearizable', valid, headline, body);
  return { name: file, timestamp: new Date().toISOString(), time: ms / 1000, cases: [c] };
}
