// What a run prints when it ends: the verdict, each checker's verdict with its headline figures,
// the report's path and the seed to replay it.
import { EXIT } from '../errors.ts';
import type { RunOutcome } from '../run.ts';
import type { CheckResult } from '../types.ts';
import { toJson } from '../util/values.ts';

export function summary(out: RunOutcome): string {
  const lines: string[] = [];
  const word = (v: CheckResult['valid']) => (v === true ? 'valid' : v === false ? 'INVALID' : 'unknown');
  for (const [name, r] of Object.entries(out.results)) {
    if (name === 'valid' || !r || typeof r !== 'object') continue;
    const res = r as CheckResult;
    const extra: string[] = [];
    // A composed workload checker: name its failing parts.
    for (const [sub, v] of Object.entries(res)) {
      // Only verdicts: tallies such as the linearizable checker's key-counts ({valid: 0, ...}) also have a `valid` field.
      const valid = v && typeof v === 'object' ? (v as { valid?: unknown }).valid : undefined;
      if (valid === false || valid === 'unknown') extra.push(`${sub} ${word(valid)}`);
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
    if (culprit) extra.push(`cannot linearize process ${String(culprit.process)}'s ${culprit.f} of ${toJson(culprit.value)} at index ${culprit.index}${lin!.key !== undefined ? ` on key ${String(lin!.key)}` : ''}`);
    // A checker's own one-line summary of its figures (Maelstrom's msgs-per-op, stable latencies...).
    if (typeof res.headline === 'string') extra.push(res.headline);
    if (typeof res.reason === 'string') extra.push(res.reason);
    if (typeof res.error === 'string') extra.push(res.error);
    lines.push(`  ${name.padEnd(12)} ${word(res.valid)}${extra.length ? ` (${extra.join('; ')})` : ''}`);
  }
  const verdict = out.interrupted && out.valid !== false ? 'Interrupted: no anomalies in what was recorded, but the run did not finish.' : out.valid === true ? 'Everything looks good! ヽ(‘ー`)ノ' : out.valid === false ? 'Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻' : 'No anomalies found, but the run could not be fully judged (see what is unknown above). ಠ~ಠ';
  // The explanation's headline, unless a checker's line above already says it (a node's crash).
  const headline = out.explanation.headline;
  const why = out.valid === true || lines.some((l) => l.includes(headline.replace(/^[^:]*: (unknown: )?/, ''))) ? [] : [`  ${headline}`];
  return [`Verdict: ${word(out.valid)}${out.interrupted ? ' (interrupted)' : ''}`, ...lines, ...why, verdict, `Report: ${out.reportPath}`, `Seed: ${out.seed} (replay with --seed ${out.seed})`].join('\n');
}

export function exitCodeFor(valids: Array<CheckResult['valid']>): number {
  if (valids.includes(false)) return EXIT.invalid;
  if (valids.includes('unknown')) return EXIT.unknown;
  return EXIT.valid;
}


/** The final table of a --test-count run: one row per run (seed, verdict, headline). */
export function runsTable(outs: readonly RunOutcome[]): string {
  const rows = outs.map((o, i) => [String(i + 1), String(o.seed), o.summary.verdict, o.explanation.headline]);
  const w = [3, Math.max(4, ...rows.map((r) => r[1].length)), 7];
  const line = (r: string[]) => `${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${r[3].length > 160 ? `${r[3].slice(0, 157)}...` : r[3]}`;
  const counts = ['valid', 'invalid', 'unknown'].map((v) => `${outs.filter((o) => o.summary.verdict === v).length} ${v}`).join(', ');
  return [`${outs.length} runs: ${counts}`, line(['run', 'seed', 'verdict', 'headline']), ...rows.map(line)].join('\n');
}
