// Explanations of a whole (composed) check result: per checker a verdict, a one-line headline
// and its anomalies as plain sentences first, evidence after. Pure: results + history + the
// run's fault bands in, plain data out. The CLI summary, summary.json, JUnit messages and the
// HTML report all say the same thing.
import type { CheckResult, History, PerfBand } from '../../src/types.ts';
import { clip, count } from '../bounded.ts';
import { explainCounter } from './counter.ts';
import { makeCtx, type Ctx } from './describe.ts';
import { explainLinearizable } from './linearizable.ts';
import { explainLock } from './lock.ts';
import { explainExceptions, explainGeneric, explainOwn, explainPerf, explainStats } from './misc.ts';
import { explainQueue } from './queue.ts';
import { explainSession } from './session.ts';
import type { CheckerExplanation, Explanation } from './types.ts';

export type { Anomaly, CheckerExplanation, Evidence, Explanation, GraphView, TimelineFocus, TimelineSpan } from './types.ts';
export { faultIntervals, type FaultInterval } from './faults.ts';

const MAX_HEADLINE = 600;
const MAX_DEPTH = 6;

const has = (r: object, k: string) => Object.hasOwn(r, k);

/** Sub-results of a composed result: own fields (other than valid) that are results themselves. */
function children(r: CheckResult): Array<[string, CheckResult]> {
  return Object.keys(r)
    .filter((k) => k !== 'valid')
    .map((k) => [k, r[k]] as [string, unknown])
    .filter((e): e is [string, CheckResult] => !!e[1] && typeof e[1] === 'object' && !Array.isArray(e[1]) && has(e[1] as object, 'valid'));
}

/** What a result is, recognised by its fields (checker names are the user's choice, shapes are not). */
export function kindOf(r: CheckResult): string {
  if (Array.isArray(r.explanations)) return 'explained';
  if (has(r, 'acknowledged-sum') && has(r, 'possible-final')) return 'counter';
  if (has(r, 'model') && has(r, 'ops-checked')) return 'linearizable';
  if (has(r, 'overlap-count') || has(r, 'fence-violations')) return 'lock';
  if (has(r, 'lost-count') && has(r, 'delivery')) return 'queue';
  if (has(r, 'stale-count') || has(r, 'read-your-writes')) return 'session';
  if (has(r, 'by-f')) return 'stats';
  if (has(r, 'latency-ms')) return 'perf';
  if (Array.isArray(r.groups)) return 'exceptions';
  if (children(r).length) return 'composite';
  return 'generic';
}

const validOf = (v: unknown): CheckResult['valid'] => (v === true || v === false ? v : 'unknown');

function explainOne(r: CheckResult, name: string, ctx: Ctx, depth: number): CheckerExplanation {
  const kind = depth >= MAX_DEPTH ? 'generic' : kindOf(r);
  const valid = validOf(r.valid);
  const base: CheckerExplanation = { name, kind, valid, headline: '', anomalies: [], evidence: [], parts: [], notes: [] };
  let x: Partial<Pick<CheckerExplanation, 'anomalies' | 'evidence' | 'notes' | 'headline'>>;
  switch (kind) {
    case 'counter': x = explainCounter(r, name, ctx); break;
    case 'linearizable': x = explainLinearizable(r, name, ctx); break;
    case 'lock': x = explainLock(r, name, ctx); break;
    case 'queue': x = explainQueue(r, name, ctx); break;
    case 'session': x = explainSession(r, name, ctx); break;
    case 'stats': x = explainStats(r, name); break;
    case 'perf': x = explainPerf(r, name); break;
    case 'exceptions': x = explainExceptions(r, name); break;
    case 'explained': x = explainOwn(r, name, ctx); break;
    case 'composite': {
      const parts = children(r).map(([k, sub]) => explainOne(sub, `${name}.${k}`, ctx, depth + 1));
      x = { anomalies: parts.flatMap((p) => p.anomalies), headline: compositeHeadline(parts, valid) };
      base.parts = parts;
      break;
    }
    default: x = explainGeneric(r, name);
  }
  Object.assign(base, Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)));
  // Without real times, "at position 491 (index 491" says the same thing twice.
  if (!ctx.timed) for (const a of base.anomalies) a.sentence = a.sentence.replace(/ at position (\d+) \(index \1\b/g, ' (index $1');
  if (!base.headline) base.headline = anomalyHeadline(base);
  base.headline = clip(base.headline, MAX_HEADLINE);
  return base;
}

/** The first anomaly's sentence, and how many more there are. */
function anomalyHeadline(c: CheckerExplanation): string {
  const first = c.anomalies[0];
  if (!first) return c.valid === true ? 'valid' : c.valid === false ? 'invalid (no anomaly described)' : 'unknown';
  const total = c.anomalies.reduce((s, a) => s + (a.count ?? 0), 0);
  const more = total - (first.covers ?? 1);
  return `${first.sentence}${more > 0 ? ` (and ${count(more)} more ${more === 1 ? 'anomaly' : 'anomalies'})` : ''}`;
}

function compositeHeadline(parts: CheckerExplanation[], valid: CheckResult['valid']): string {
  const short = (p: CheckerExplanation) => p.name.split('.').pop();
  if (valid === true) return parts.map((p) => `${short(p)}: ${p.headline}`).join('; ');
  const decisive = parts.find((p) => p.valid === false) ?? parts.find((p) => p.valid !== true);
  if (!decisive) return '';
  const others = parts.filter((p) => p !== decisive && p.valid !== true).map((p) => `${short(p)} ${p.valid === false ? 'invalid' : 'unknown'}`);
  return `${short(decisive)}: ${decisive.headline}${others.length ? ` (also ${others.join(', ')})` : ''}`;
}

/**
 * Explains a composed check result. `perf` are the run's fault bands (which nemesis ops start and
 * stop which fault); without them, nemesis ops are paired by name.
 */
export function explainResults(results: CheckResult, history: History, perf: readonly PerfBand[] = []): Explanation {
  const ctx = makeCtx(history, perf);
  const valid = validOf(results.valid);
  const top = kindOf(results) === 'composite' ? children(results) : [['result', results] as [string, CheckResult]];
  const checkers = top.map(([k, r]) => explainOne(r, k, ctx, 1));
  const decisive = checkers.find((c) => c.valid === false) ?? checkers.find((c) => c.valid !== true);
  let headline = decisive
    ? `${decisive.name}: ${decisive.headline}`
    : `valid${checkers.length > 1 ? ` (${checkers.length} checkers)` : ''}${checkers[0] ? ` — ${checkers[0].name}: ${checkers[0].headline}` : ''}`;
  if (results.interrupted === true) headline = `interrupted before the end: ${headline}`;
  return { valid, headline: clip(headline, MAX_HEADLINE), checkers };
}
