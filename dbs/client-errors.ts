// How a real client library's error becomes a completion (DESIGN.md §6): definite when the
// request certainly never took effect (each adapter says which errors those are), otherwise
// indeterminate — except for reads, which change nothing and so simply fail.
import type { Completion, Op } from '../src/types.ts';

export function errorCompletion<O extends Op>(op: O, e: unknown, node: string, readOnly: boolean, definite: (e: unknown) => boolean): Completion<O> {
  const msg = String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200);
  return { ...op, type: readOnly || definite(e) ? 'fail' : 'info', error: { text: msg }, node };
}
