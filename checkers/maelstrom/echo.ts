// Maelstrom's echo checker: every echo_ok carries back exactly what its request sent (compared
// structurally).
import { pairIndex } from '../../src/history.ts';
import type { CheckResult, History } from '../../src/types.ts';
import { valueEquals } from '../../src/util/values.ts';
import { displayValue } from './values.ts';

export interface EchoResult extends CheckResult {
  'ok-count': number;
  errors: Array<{ index: number; expected: unknown; received: unknown }>;
  headline?: string;
}

export function checkEcho(history: History): EchoResult {
  const pair = pairIndex(history);
  const errors: EchoResult['errors'] = [];
  let oks = 0;
  for (const op of history) {
    if (op.f !== 'echo' || op.type !== 'ok' || op.process === 'nemesis') continue;
    oks++;
    const inv = history[pair[op.index]];
    if (inv && !valueEquals(inv.value, op.value) && errors.length < 100) {
      errors.push({ index: op.index, expected: displayValue(inv.value), received: displayValue(op.value) });
    }
  }
  return {
    valid: errors.length === 0,
    'ok-count': oks,
    errors,
    ...(errors.length ? { headline: `${errors.length} echoes came back different` } : {}),
  };
}
