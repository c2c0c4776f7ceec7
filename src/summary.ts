// summary.json (DESIGN.md §8): what CI and `serve` read of a run without parsing its results —
// the verdict and each checker's one-line explanation, seed, options, counts, duration, report.
// Its JSON Schema ships in the package (schemas/summary.schema.json).
import type { CheckResult, History, RunOptions } from './types.ts';

/** The part of a run's explanation the engine passes on (the report's explainer makes it). */
export interface RunExplanation {
  valid: CheckResult['valid'];
  headline: string;
  checkers: ReadonlyArray<{ name: string; valid: CheckResult['valid']; headline: string }>;
}

export type VerdictWord = 'valid' | 'invalid' | 'unknown';
export const verdictWord = (v: CheckResult['valid']): VerdictWord => (v === true ? 'valid' : v === false ? 'invalid' : 'unknown');

export interface Summary {
  schema: 'jepsen-ts/summary/1';
  test: string;
  runId: string;
  verdict: VerdictWord;
  valid: CheckResult['valid'];
  interrupted: boolean;
  headline: string;
  checkers: Array<{ name: string; verdict: VerdictWord; headline: string }>;
  seed: number;
  started: string | null;
  ended: string;
  'duration-s': number | null;
  counts: { ops: number; ok: number; fail: number; info: number; 'nemesis-ops': number };
  report: string;
  options: Record<string, unknown>;
}

export function summarize(o: {
  test: string; runId: string; seed: number; opts: RunOptions; history: History; explanation: RunExplanation;
  valid: CheckResult['valid']; interrupted: boolean; started: string | null; ended?: Date;
}): Summary {
  const counts = { ops: 0, ok: 0, fail: 0, info: 0, 'nemesis-ops': 0 };
  for (const op of o.history) {
    if (op.process === 'nemesis') {
      if (op.type === 'invoke') counts['nemesis-ops']++;
    } else if (op.type === 'invoke') counts.ops++;
    else counts[op.type]++;
  }
  const ended = o.ended ?? new Date();
  const startMs = o.started ? Date.parse(o.started) : NaN;
  return {
    schema: 'jepsen-ts/summary/1',
    test: o.test,
    runId: o.runId,
    verdict: verdictWord(o.valid),
    valid: o.valid,
    interrupted: o.interrupted,
    headline: o.explanation.headline,
    checkers: o.explanation.checkers.map((c) => ({ name: c.name, verdict: verdictWord(c.valid), headline: c.headline })),
    seed: o.seed,
    started: o.started,
    ended: ended.toISOString(),
    'duration-s': Number.isFinite(startMs) ? Math.round((ended.getTime() - startMs) / 100) / 10 : null,
    counts,
    report: 'report.html',
    options: { ...o.opts },
  };
}
