// What the checker's worker threads tell the thread that started them, and how an error crosses
// the thread boundary keeping its kind: a ModelError stays the model's fault, a
// HistoryMismatchError the history's, a UsageError a sentence for the user; anything else is ours.
import { UsageError } from '../../src/errors.ts';
import type { LinearizableResult, PartReport } from './check.ts';
import { HistoryMismatchError, ModelError, restoreModelError, type OpRef } from './errors.ts';

export type WorkerMessage =
  | { type: 'parts'; keys: Array<{ key: string; ops: number }> }
  | { type: 'report'; index: number; report: PartReport }
  | { type: 'result'; result: LinearizableResult }
  | ({ type: 'error' } & ErrorMessage);

export type ErrorMessage =
  | { kind: 'model'; model: string; message: string; stack?: string }
  | { kind: 'mismatch'; model: string; op?: OpRef; reason: string }
  | { kind: 'usage'; message: string }
  | { kind: 'internal'; message: string; stack?: string };

export function errorToMessage(e: unknown): ErrorMessage {
  if (e instanceof ModelError) return { kind: 'model', model: e.model, message: e.message, stack: e.originalStack };
  if (e instanceof HistoryMismatchError) return { kind: 'mismatch', model: e.model, op: e.op, reason: e.reason };
  if (e instanceof UsageError) return { kind: 'usage', message: e.message };
  return { kind: 'internal', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined };
}

export function errorFromWorker(m: ErrorMessage): Error {
  switch (m.kind) {
    case 'model':
      return restoreModelError(m.model, m.message, m.stack);
    case 'mismatch':
      return new HistoryMismatchError(m.model, m.op, m.reason);
    case 'usage':
      return new UsageError(m.message);
    default: {
      const e = new Error(`linearizability checker worker: ${m.message}`);
      if (m.stack) e.stack = `${e.message}\n  in the worker: ${m.stack}`;
      return e;
    }
  }
}
