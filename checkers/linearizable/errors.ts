// The two ways a linearizability check is refused rather than judged. Both are the user's to fix
// (exit 254, one sentence): a history that does not fit its model, and a user's model that throws
// or answers nonsense. Anything else thrown by the checker is ours.
import { UsageError } from '../../src/errors.ts';
import { shortText } from '../../src/util/safe-text.ts';
import type { Op } from '../../src/types.ts';

/** Where in the history an op is, for messages: its index, process, f and value. */
export interface OpRef {
  index: number;
  process: number | string;
  f: string;
  value: unknown;
  type?: string;
}

export function describeOpRef(op: OpRef): string {
  const type = op.type && op.type !== 'invoke' ? ` (${op.type})` : '';
  return `process ${shortText(op.process, 40)}'s ${word(op.f)}${type} of ${shortText(op.value)} at index ${op.index}`;
}

/** An f as a word when it is one, else quoted and escaped. */
export const word = (f: unknown) => (typeof f === 'string' && /^[\w.:-]{1,40}$/.test(f) ? f : shortText(f, 40));

/** The history holds an op the model cannot judge: an unknown f, a malformed value, an
 *  invocation completed as another f. Names the op and what is wrong with it. */
export class HistoryMismatchError extends UsageError {
  readonly model: string;
  readonly op: OpRef | undefined;
  readonly reason: string;
  constructor(model: string, op: OpRef | undefined, reason: string) {
    super(`The history does not fit the ${model} model: ${op ? `${describeOpRef(op)}: ` : ''}${reason}.`);
    this.name = 'HistoryMismatchError';
    this.model = model;
    this.op = op ? { index: op.index, process: op.process, f: op.f, value: op.value, ...(op.type ? { type: op.type } : {}) } : undefined;
    this.reason = reason;
  }
}

/** A user's model threw, or returned something that is not [boolean, state]. The message names
 *  the model and what threw; the original stack is kept (shown with JEPSEN_DEBUG=1). */
export class ModelError extends UsageError {
  readonly model: string;
  readonly originalStack: string | undefined;
  constructor(model: string, what: string, cause?: unknown, originalStack?: string) {
    const detail = cause === undefined ? '' : `: ${causeText(cause)}`;
    super(`Model ${model}: ${what}${detail}`, cause === undefined ? undefined : { cause });
    this.name = 'ModelError';
    this.model = model;
    this.originalStack = originalStack ?? (cause instanceof Error ? cause.stack : undefined);
    if (this.originalStack) this.stack = `${this.name}: ${this.message}\n  caused by: ${this.originalStack}`;
  }
}

/** A ModelError as it arrives from a worker thread: its message and the original stack. */
export function restoreModelError(model: string, message: string, originalStack: string | undefined): ModelError {
  const e = new ModelError(model, '');
  e.message = message;
  (e as { originalStack: string | undefined }).originalStack = originalStack;
  e.stack = `${e.name}: ${message}${originalStack ? `\n  caused by: ${originalStack}` : ''}`;
  return e;
}

function causeText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${shortText(e.message, 300).replace(/^"|"$/g, '')}`;
  return `threw ${shortText(e)}`;
}

/** An op of the history as an OpRef. */
export const opRef = (op: Op): OpRef => ({ index: op.index, process: op.process, f: op.f, value: op.value, type: op.type });
