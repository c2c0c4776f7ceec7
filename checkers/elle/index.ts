// Elle-class transactional isolation checking (list-append and rw-register), in TypeScript.
// See check.ts for the pipeline and the other files of this directory for each idea.
import type { Checker, History } from '../../src/types.ts';
import { type ElleOptions, type ElleResult, checkElle } from './check.ts';
import type { WorkloadKind } from './history.ts';
import { validateModels } from './models.ts';

export type { ElleOptions, ElleResult } from './check.ts';
export type { Explanation, ExplanationGraph } from './explain.ts';
export type { WorkloadKind } from './history.ts';
export { knownModels } from './models.ts';
export { type TxnGenOptions, txnGenerator } from './generator.ts';
export { type SimIsolation, type SimulateOptions, simulateTxnHistory } from './simulate.ts';

/** Checks a list-append history (micro-ops ['r', k, list] and ['append', k, v]). */
export function checkListAppend(history: History, opts: ElleOptions = {}): ElleResult {
  return checkElle(history, 'list-append', opts);
}

/** Checks an rw-register history (micro-ops ['r', k, v] and ['w', k, v]). */
export function checkRwRegister(history: History, opts: ElleOptions = {}): ElleResult {
  return checkElle(history, 'rw-register', opts);
}

/** A Checker for runs; unknown model names are a UsageError here, before any run. */
export function elleChecker(opts: ElleOptions & { kind: WorkloadKind }): Checker<ElleResult> {
  validateModels(opts.consistencyModels ?? []);
  return { check: (_test, history) => checkElle(history, opts.kind, opts) };
}
