// stats: how many ops of each f completed ok, fail or info. Valid unless some f never succeeded
// (as Jepsen: a run where nothing worked tells us nothing).
import type { CheckResult, Checker, History } from '../src/types.ts';

export interface Counts { count: number; ok: number; fail: number; info: number }

export function checkStats(history: History): CheckResult & { count: number; 'by-f': Record<string, Counts> } {
  const byF: Record<string, Counts> = {};
  const total: Counts = { count: 0, ok: 0, fail: 0, info: 0 };
  for (const op of history) {
    if (op.type === 'invoke' || op.process === 'nemesis') continue;
    const c = (byF[op.f] ??= { count: 0, ok: 0, fail: 0, info: 0 });
    c.count++;
    c[op.type]++;
    total.count++;
    total[op.type]++;
  }
  const never = Object.entries(byF).filter(([, c]) => c.ok === 0).map(([f]) => f);
  return {
    valid: total.count === 0 || never.length > 0 ? 'unknown' : true,
    ...total,
    'by-f': byF,
    ...(never.length ? { reason: `no ${never.join(', ')} ever succeeded` } : {}),
  };
}

export const statsChecker: Checker = { check: (_t, h) => checkStats(h) };
