// compose({name: checker}): runs checkers independently and merges validity with the priority
// false > unknown > true. A checker that throws yields {valid: 'unknown', error} and never sinks
// the run.
import type { CheckOpts, CheckResult, Checker, History, TestInfo } from '../src/types.ts';

export function mergeValid(vs: Array<CheckResult['valid']>): CheckResult['valid'] {
  if (vs.includes(false)) return false;
  if (vs.includes('unknown')) return 'unknown';
  return true;
}

export function compose(checkers: Record<string, Checker>): Checker {
  return {
    async check(test: TestInfo | null, history: History, opts: CheckOpts) {
      const results: Record<string, CheckResult> = {};
      for (const [name, c] of Object.entries(checkers)) {
        try {
          results[name] = await c.check(test, history, opts);
        } catch (e) {
          results[name] = { valid: 'unknown', error: e instanceof Error ? `${e.message}` : String(e) };
        }
      }
      return { valid: mergeValid(Object.values(results).map((r) => r.valid)), ...results };
    },
  };
}
