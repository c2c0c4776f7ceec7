// A JSON Lines file written as a run goes: lines are batched and written at least every `flushMs`
// (or once `maxBatch` are waiting), so a controller crash loses well under a second of them.
// The history (history.jsonl) and the local provider's message log (net.jsonl) both write one.
import fs from 'node:fs';

export class JsonlFile {
  private fd: number | null;
  private buf: string[] = [];
  private timer: NodeJS.Timeout | null = null;

  /** With no path, nothing is written (a run kept in memory only). */
  constructor(path: string | null, private readonly flushMs = 200, private readonly maxBatch = Infinity) {
    this.fd = path ? fs.openSync(path, 'w') : null;
  }

  get writing(): boolean {
    return this.fd !== null;
  }

  /** Queues one line (its text, without the newline). */
  push(line: string): void {
    if (this.fd === null) return;
    this.buf.push(line);
    if (this.buf.length >= this.maxBatch) this.flush();
    else if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.flushMs);
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
