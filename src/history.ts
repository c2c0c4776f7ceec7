// The history of a run: ops in memory, streamed to history.jsonl as they happen. Writes are
// batched and flushed at least every 200 ms, so a controller crash loses under a second of ops.
import type { History, Op } from './types.ts';
import { JsonlFile } from './util/jsonl-file.ts';
import { toJson } from './util/values.ts';

export class HistoryRecorder {
  readonly ops: Op[] = [];
  private readonly file: JsonlFile;
  private listeners: Array<(op: Op) => void> = [];

  constructor(path: string | null, flushMs = 200) {
    this.file = new JsonlFile(path, flushMs);
  }

  /** Appends an op, assigning its index. */
  append(op: Omit<Op, 'index'>): Op {
    // Built field by field: the history's fields only, in the order they are written.
    const full: Op = { index: this.ops.length, time: op.time, type: op.type, process: op.process, f: op.f, value: op.value };
    if (op.node !== undefined) full.node = op.node;
    if (op.error !== undefined) full.error = op.error;
    this.ops.push(full);
    if (this.file.writing) this.file.push(toJson(full));
    for (const l of this.listeners) l(full);
    return full;
  }

  onOp(listener: (op: Op) => void): void {
    this.listeners.push(listener);
  }

  flush(): void {
    this.file.flush();
  }

  close(): void {
    this.file.close();
  }
}

/** Pairs each invocation with its completion (by process); null when it never completed. */
export function pairIndex(history: History): Int32Array {
  const pair = new Int32Array(history.length).fill(-1);
  const open = new Map<string | number, number>();
  for (let i = 0; i < history.length; i++) {
    const op = history[i];
    if (op.type === 'invoke') {
      open.set(op.process, i);
    } else {
      const inv = open.get(op.process);
      if (inv !== undefined) {
        pair[inv] = i;
        pair[i] = inv;
        open.delete(op.process);
      }
    }
  }
  return pair;
}
