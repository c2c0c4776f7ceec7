// Maelstrom's echo checker: every echo_ok carries back exactly what its request sent (compared
// structurally).
import { pairIndex } from '../../src/history.ts';
import type { CheckResult, History } from '../../src/types.ts';
import { valueEquals } from '../../src/util/values.ts';
import { displayValue, say, type Explanation } from './values.ts';

export interface EchoResult extends CheckResult {
  'ok-count': number;
  errors: Array<{ index: number; expected: unknown; received: unknown }>;
  headline?: string;
  explanations: Explanation[];
}

export function checkEcho(history: History): EchoResult {
  const pair = pairIndex(history);
  const errors: EchoResult['errors'] = [];
  const explanations: Explanation[] = [];
  let oks = 0;
  for (const op of history) {
    if (op.f !== 'echo' || op.type !== 'ok' || op.process === 'nemesis') continue;
    oks++;
    const inv = history[pair[op.index]];
    if (inv && !valueEquals(inv.value, op.value) && errors.length < 100) {
      errors.push({ index: op.index, expected: displayValue(inv.value), received: displayValue(op.value) });
      if (explanations.length < 20) explanations.push({ type: 'wrong-echo', sentence: `The echo completing at index ${op.index} sent ${say(inv.value)} and got back ${say(op.value)}.`, ops: [inv.index, op.index] });
    }
  }
  return {
    valid: errors.length === 0,
    explanations,
    'ok-count': oks,
    errors,
    ...(errors.length ? { headline: `${errors.length} echoes came back different` } : {}),
  };
}
