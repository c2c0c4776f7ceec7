// A node's state as a snapshot plus a write-ahead log in its data directory. A change is
// appended to the log (one write on a file kept open) before it is acknowledged, so a SIGKILL
// loses nothing acknowledged, for a fraction of what rewriting and renaming the whole state
// costs; every `compactEvery` changes the state is snapshotted (atomically: json-file.ts) and
// the log emptied. Replay must be idempotent: a kill between the snapshot and the truncation
// replays entries the snapshot already holds, so entries say what a value became, never "add 1".
import fs from 'node:fs';
import path from 'node:path';
import { loadJson, saveJson } from './json-file.ts';

export class WalState<S, E> {
  readonly state: S;
  private readonly fd: number;
  private lines = 0;
  private readonly snapshotPath: string;

  constructor(
    dataDir: string,
    name: string,
    initial: S,
    private readonly apply: (state: S, entry: E) => void,
    private readonly compactEvery = 10_000,
  ) {
    this.snapshotPath = path.join(dataDir, `${name}.json`);
    const logPath = path.join(dataDir, `${name}-wal.jsonl`);
    this.state = loadJson(this.snapshotPath, initial);
    if (fs.existsSync(logPath)) {
      for (const line of fs.readFileSync(logPath, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        let entry: E;
        try {
          entry = JSON.parse(line) as E;
        } catch {
          continue; // a torn last line (power cut mid-write): it was never acknowledged
        }
        this.apply(this.state, entry);
      }
    }
    this.fd = fs.openSync(logPath, 'a');
  }

  /** Applies a change and logs it; once this returns the change survives a kill of the process. */
  record(entry: E): void {
    this.apply(this.state, entry);
    fs.writeSync(this.fd, JSON.stringify(entry) + '\n');
    if (++this.lines >= this.compactEvery) this.compact();
  }

  /** Snapshots the state, then empties the log. */
  compact(): void {
    saveJson(this.snapshotPath, this.state);
    fs.ftruncateSync(this.fd, 0);
    this.lines = 0;
  }
}
