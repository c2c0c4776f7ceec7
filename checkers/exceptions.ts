// exceptions: client errors grouped by message, with counts and one example op each.
// Error texts come from the system under test and may be any size: a group keeps the first
// MAX_TEXT characters of its text (and says how long it was), and groups by them; the full text
// stays in history.jsonl. (18 distinct 8 MB texts once made results.json 288 MB.)
import type { CheckResult, Checker, History, Op, OpError } from '../src/types.ts';
import { errorText } from '../src/op-errors.ts';

export const MAX_TEXT = 2000;

/** text, cut to MAX_TEXT characters with its full length shown when longer. */
function bounded(text: string, length = text.length): string {
  return length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${length} characters)` : text;
}

/** The first MAX_TEXT characters of an error's text (code and name first), and its full length,
 *  without building the full text (slicing a concatenation of megabytes copies all of it). */
function errorHead(err: OpError): { head: string; length: number } {
  const cut = err.text.length > MAX_TEXT;
  const head = errorText(cut ? { ...err, text: err.text.slice(0, MAX_TEXT) } : err);
  return { head, length: head.length + (cut ? err.text.length - MAX_TEXT : 0) };
}

export function checkExceptions(history: History): CheckResult & { groups: Array<{ error: string; count: number; fs: string[]; example: Op }> } {
  const groups = new Map<string, { error: string; count: number; fs: Set<string>; example: Op }>();
  for (const op of history) {
    if (op.type === 'invoke' || op.type === 'ok' || op.process === 'nemesis' || !op.error) continue;
    // Group by the message with numbers blanked, so "n3 timed out after 1000 ms" groups across nodes.
    const { head, length } = errorHead(op.error);
    const key = head.slice(0, MAX_TEXT).replace(/\d+/g, 'N');
    let g = groups.get(key);
    if (!g) {
      const example = op.error.text.length > MAX_TEXT ? { ...op, error: { ...op.error, text: bounded(op.error.text) } } : op;
      g = { error: bounded(head, length), count: 0, fs: new Set<string>(), example };
      groups.set(key, g);
    }
    g.count++;
    g.fs.add(op.f);
  }
  return {
    valid: true,
    groups: [...groups.values()].sort((a, b) => b.count - a.count).map((g) => ({ ...g, fs: [...g.fs] })),
  };
}

export const exceptionsChecker: Checker = { check: (_t, h) => checkExceptions(h) };
