// A PN-counter CRDT: per-node increment and decrement totals, merged by pointwise maximum.
// This node's own totals go to a write-ahead log before an add is acknowledged, so a SIGKILL
// loses nothing acknowledged; the merged state is snapshotted now and then to speed recovery.
import fs from 'node:fs';
import path from 'node:path';
import { loadJson, saveJson } from './json-file.ts';

export interface PnState {
  p: Record<string, number>;
  n: Record<string, number>;
}

export class PnCounter {
  state: PnState = { p: {}, n: {} };
  private walFd: number;
  private walLines = 0;
  private readonly walPath: string;
  private readonly snapPath: string;

  constructor(private readonly self: string, dataDir: string) {
    this.walPath = path.join(dataDir, 'pn-wal.jsonl');
    this.snapPath = path.join(dataDir, 'pn-snapshot.json');
    this.recover();
    this.walFd = fs.openSync(this.walPath, 'a');
  }

  private recover(): void {
    this.state = loadJson(this.snapPath, this.state);
    if (!fs.existsSync(this.walPath)) return;
    for (const line of fs.readFileSync(this.walPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const own = JSON.parse(line) as { p: number; n: number };
        this.raise(this.state.p, this.self, own.p);
        this.raise(this.state.n, this.self, own.n);
      } catch {
        // a torn last line from a kill mid-write: it was never acknowledged
      }
    }
  }

  private raise(m: Record<string, number>, k: string, v: number): void {
    if ((m[k] ?? 0) < v) m[k] = v;
  }

  /** Applies a local add and logs it; returns once it is durable against a process kill. */
  add(delta: number): void {
    if (delta >= 0) this.state.p[this.self] = (this.state.p[this.self] ?? 0) + delta;
    else this.state.n[this.self] = (this.state.n[this.self] ?? 0) - delta;
    fs.writeSync(this.walFd, JSON.stringify({ p: this.state.p[this.self] ?? 0, n: this.state.n[this.self] ?? 0 }) + '\n');
    if (++this.walLines > 10_000) this.compact();
  }

  merge(other: PnState): void {
    for (const [k, v] of Object.entries(other.p ?? {})) this.raise(this.state.p, k, Number(v));
    for (const [k, v] of Object.entries(other.n ?? {})) this.raise(this.state.n, k, Number(v));
  }

  value(): number {
    let sum = 0;
    for (const v of Object.values(this.state.p)) sum += v;
    for (const v of Object.values(this.state.n)) sum -= v;
    return sum;
  }

  /** Snapshot then truncate the log (the snapshot holds our own totals too). */
  compact(): void {
    saveJson(this.snapPath, this.state);
    fs.ftruncateSync(this.walFd, 0);
    this.walLines = 0;
  }
}
