// The history of a run: ops in memory, streamed to history.jsonl as they happen. Writes are
// batched and flushed at least every 200 ms, so a controller crash loses under a second of ops.
import fs from 'node:fs';
import type { History, Op } from './types.ts';
import { toJson } from './util/values.ts';

export class HistoryRecorder {
  readonly ops: Op[] = [];
  private buf: string[] = [];
  private fd: number | null;
  private timer: NodeJS.Timeout | null = null;
  private listeners: Array<(op: Op) => void> = [];

  constructor(path: string | null, private readonly flushMs = 200) {
    this.fd = path ? fs.openSync(path, 'w') : null;
  }

  /** Appends an op, assigning its index. */
  append(op: Omit<Op, 'index'>): Op {
    const full = { index: this.ops.length, ...op } as Op;
    full.index = this.ops.length;
    this.ops.push(full);
    if (this.fd !== null) {
      this.buf.push(jsonLine(full));
      if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.flushMs);
    }
    for (const l of this.listeners) l(full);
    return full;
  }

  onOp(listener: (op: Op) => void): void {
    this.listeners.push(listener);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.fd === null || this.buf.length === 0) return;
    fs.writeSync(this.fd, this.buf.join('\n') + '\n');
    this.buf = [];
  }

  close(): void {
    this.flush();
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

/** Reads a history.jsonl written by a run (no validation: see the importer for untrusted files). */
export function readHistoryJsonl(path: string): Op[] {
  const text = fs.readFileSync(path, 'utf8');
  const out: Op[] = [];
  for (const line of text.split('\n')) if (line.trim()) out.push(JSON.parse(line) as Op);
  return out;
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

/** JSON for one op: the fast path, or exact digits when a node answered with an integer beyond 2^53. */
function jsonLine(op: Op): string {
  try {
    return JSON.stringify(op);
  } catch {
    return toJson(op);
  }
}
