// exceptions: client errors grouped by message, with counts and one example op each.
import type { CheckResult, Checker, History, Op } from '../src/types.ts';
import { errorText } from '../src/op-errors.ts';

export function checkExceptions(history: History): CheckResult & { groups: Array<{ error: string; count: number; fs: string[]; example: Op }> } {
  const groups = new Map<string, { error: string; count: number; fs: Set<string>; example: Op }>();
  for (const op of history) {
    if (op.type === 'invoke' || op.type === 'ok' || op.process === 'nemesis' || !op.error) continue;
    // Group by the message with numbers blanked, so "n3 timed out after 1000 ms" groups across nodes.
    const text = errorText(op.error);
    const key = text.replace(/\d+/g, 'N');
    const g = groups.get(key) ?? { error: text, count: 0, fs: new Set<string>(), example: op };
    g.count++;
    g.fs.add(op.f);
    groups.set(key, g);
  }
  return {
    valid: true,
    groups: [...groups.values()].sort((a, b) => b.count - a.count).map((g) => ({ ...g, fs: [...g.fs] })),
  };
}

export const exceptionsChecker: Checker = { check: (_t, h) => checkExceptions(h) };
