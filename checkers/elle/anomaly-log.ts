// Anomalies found so far, by type: every one is counted, only the first `cap` of each type are
// kept (built lazily, so a history with a million of one kind costs a counter, not a million
// objects).
export class AnomalyLog {
  readonly kept = new Map<string, unknown[]>();
  readonly counts = new Map<string, number>();

  constructor(readonly cap: number) {}

  add(type: string, make: () => unknown): void {
    this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
    let list = this.kept.get(type);
    if (!list) this.kept.set(type, (list = []));
    if (list.length < this.cap) list.push(make());
  }

  /** Records that an anomaly type is present, with no example (e.g. empty-transaction-graph). */
  flag(type: string): void {
    if (!this.counts.has(type)) {
      this.counts.set(type, 1);
      this.kept.set(type, []);
    }
  }

  has(type: string): boolean {
    return this.counts.has(type);
  }

  types(): string[] {
    return [...this.counts.keys()];
  }
}
