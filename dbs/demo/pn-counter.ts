// A PN-counter CRDT: per-node increment and decrement totals, merged by pointwise maximum.
// This node's own totals go to a write-ahead log before an add is acknowledged, so a SIGKILL
// loses nothing acknowledged; the merged state is snapshotted now and then to speed recovery.
import { WalState } from './wal.ts';

export interface PnState {
  p: Record<string, number>;
  n: Record<string, number>;
}

/** A log entry: this node's own totals after an add. */
interface OwnTotals {
  p: number;
  n: number;
}

const raise = (m: Record<string, number>, k: string, v: number): void => {
  if ((m[k] ?? 0) < v) m[k] = v;
};

export class PnCounter {
  private readonly wal: WalState<PnState, OwnTotals>;

  constructor(private readonly self: string, dataDir: string) {
    // Totals only grow, so replaying a logged total the snapshot already holds changes nothing.
    this.wal = new WalState<PnState, OwnTotals>(dataDir, 'pn-snapshot', { p: {}, n: {} }, (s, own) => {
      raise(s.p, self, Number(own.p));
      raise(s.n, self, Number(own.n));
    });
  }

  get state(): PnState {
    return this.wal.state;
  }

  /** Applies a local add and logs it; returns once it is durable against a process kill. */
  add(delta: number): void {
    const p = this.state.p[this.self] ?? 0;
    const n = this.state.n[this.self] ?? 0;
    this.wal.record(delta >= 0 ? { p: p + delta, n } : { p, n: n - delta });
  }

  merge(other: PnState): void {
    for (const [k, v] of Object.entries(other.p ?? {})) raise(this.state.p, k, Number(v));
    for (const [k, v] of Object.entries(other.n ?? {})) raise(this.state.n, k, Number(v));
  }

  value(): number {
    let sum = 0;
    for (const v of Object.values(this.state.p)) sum += v;
    for (const v of Object.values(this.state.n)) sum -= v;
    return sum;
  }

  /** Snapshots the merged state (peers' totals included) and empties the log. */
  compact(): void {
    this.wal.compact();
  }
}
