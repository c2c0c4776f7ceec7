// Newline-delimited text, both ways: read in chunks and cut into lines (LineSplitter), and
// written a batch of lines at a time (LineBatch).

/** Text that arrives in chunks of any size, cut into lines. A line spanning many chunks is joined
 *  once, when its newline comes: it is neither rescanned nor copied per chunk. (Rescanning cost a
 *  node's 8 MB line, read in 64 kB chunks, seconds of CPU: long enough for every answer of such
 *  a node to time out.) */
export class LineSplitter {
  /** The unfinished line, in the pieces it arrived in. */
  private pending: string[] = [];
  private pendingChars = 0;

  /** Calls onLine with each line chunk completes (without its '\n'), in order. */
  push(chunk: string, onLine: (line: string) => void): void {
    let nl = chunk.indexOf('\n');
    if (nl < 0) {
      if (chunk.length) {
        this.pending.push(chunk);
        this.pendingChars += chunk.length;
      }
      return;
    }
    let start = 0;
    if (this.pending.length) {
      this.pending.push(chunk.slice(0, nl));
      const line = this.pending.join('');
      this.reset();
      onLine(line);
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    for (; nl >= 0; start = nl + 1, nl = chunk.indexOf('\n', start)) onLine(chunk.slice(start, nl));
    if (start < chunk.length) {
      this.pending.push(chunk.slice(start));
      this.pendingChars = chunk.length - start;
    }
  }

  /** Characters of the line not yet ended. */
  get pendingLength(): number {
    return this.pendingChars;
  }

  /** Forgets the unfinished line (the stream it came from was restarted). */
  reset(): void {
    this.pending = [];
    this.pendingChars = 0;
  }
}

/** Lines for a stream, written together at the end of this turn of the event loop, as one
 *  string: a write to a pipe, and the wake-up of the process reading it, costs more than
 *  everything else either end of the node protocol does for a message. */
export class LineBatch {
  private lines: string[] = [];

  constructor(private readonly write: (text: string) => void) {}

  /** Queues one line (without its newline). */
  push(line: string): void {
    if (this.lines.length === 0) setImmediate(() => this.flush());
    this.lines.push(line);
  }

  /** Forgets the queued lines (their reader is gone). */
  clear(): void {
    this.lines = [];
  }

  private flush(): void {
    const lines = this.lines;
    this.lines = [];
    if (lines.length > 0) this.write(lines.join('\n') + '\n');
  }
}
