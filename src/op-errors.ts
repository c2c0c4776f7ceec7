// Errors on completed operations (DESIGN.md §3, §6): structured { code?, text }, with Maelstrom's
// error codes by name. A definite code means the operation certainly did not take effect (→ fail);
// any other error leaves it indeterminate (→ info), unless the op only reads. Generators and
// checkers read codes from here; nothing parses error strings.

export const ErrorCode = {
  timeout: 0,
  nodeNotFound: 1,
  notSupported: 10,
  temporarilyUnavailable: 11,
  malformedRequest: 12,
  crash: 13,
  abort: 14,
  keyDoesNotExist: 20,
  keyAlreadyExists: 21,
  preconditionFailed: 22,
  txnConflict: 30,
} as const;
export type ErrorCodeName = keyof typeof ErrorCode;

/** Codes that say for certain the operation did not happen. */
export const DEFINITE_CODES: ReadonlySet<number> = new Set([1, 10, 11, 12, 14, 20, 21, 22, 30]);

export interface OpError {
  /** A Maelstrom error code (ErrorCode), when the system gave one. */
  code?: number;
  text: string;
}

export function isDefinite(code: number | undefined): boolean {
  return code !== undefined && DEFINITE_CODES.has(code);
}

/** Normalises what a client or a history file says went wrong into an OpError. */
export function toOpError(e: unknown): OpError {
  if (e === null || e === undefined) return { text: 'error' };
  if (typeof e === 'string') return { text: e };
  if (e instanceof Error) return { text: e.message || e.name };
  if (typeof e === 'object' && typeof (e as OpError).text === 'string') {
    const { code, text } = e as OpError;
    return typeof code === 'number' && Number.isInteger(code) ? { code, text } : { text };
  }
  return { text: typeof e === 'object' ? JSON.stringify(e) ?? String(e) : String(e) };
}

/** Whether an op's error carries this code. */
export function hasCode(op: { error?: OpError }, code: number): boolean {
  return op.error?.code === code;
}

/** The one-line text of an op's error: "22 precondition-failed: expected 3". */
export function errorText(err: OpError | undefined): string {
  if (!err) return '';
  if (err.code === undefined) return err.text;
  const name = Object.entries(ErrorCode).find(([, c]) => c === err.code)?.[0];
  return `${err.code}${name ? ` ${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : ''}: ${err.text}`;
}
