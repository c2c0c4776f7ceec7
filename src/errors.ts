// Errors that end a run with a specific exit code and one clear sentence (DESIGN.md §1, §9).

export const EXIT = { valid: 0, invalid: 1, unknown: 2, badInput: 254, crash: 255 } as const;

/** Bad arguments or configuration: exit 254, no stack trace. */
export class UsageError extends Error {
  readonly exitCode = EXIT.badInput;
}

/** The run itself could not complete (a node would not start, the cluster broke): exit 2. */
export class RunAbortedError extends Error {
  readonly exitCode = EXIT.unknown;
}

export function isUserFacing(e: unknown): e is UsageError | RunAbortedError {
  return e instanceof UsageError || e instanceof RunAbortedError;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
