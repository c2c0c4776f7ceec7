// Live progress: a redrawn line on a TTY (elapsed/limit, ops/s, ok/fail/info, active faults),
// a plain line every few seconds otherwise (CI logs).
import type { Op, PerfBand } from './types.ts';

export class Progress {
  private ok = 0;
  private fail = 0;
  private info = 0;
  private lastCount = 0;
  private lastAt = Date.now();
  private rate = 0;
  private readonly active = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private phase = 'starting';
  private started = Date.now();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly timeLimit: number,
    private readonly plainEveryMs = 5000,
  ) {}

  private bands: readonly PerfBand[] = [];
  setBands = (bands: readonly PerfBand[]): void => {
    this.bands = bands;
  };

  private get tty(): boolean {
    return Boolean(this.out.isTTY);
  }

  onOp = (op: Op): void => {
    if (op.process === 'nemesis') {
      if (op.type === 'invoke') return;
      for (const b of this.bands) {
        if (b.start.includes(op.f)) this.active.add(b.name);
        if (b.stop.includes(op.f)) this.active.delete(b.name);
      }
      return;
    }
    if (op.type === 'ok') this.ok++;
    else if (op.type === 'fail') this.fail++;
    else if (op.type === 'info') this.info++;
  };

  onPhase = (phase: string): void => {
    if (phase === 'running') {
      this.started = Date.now();
      this.timer = setInterval(() => this.draw(), this.tty ? 250 : this.plainEveryMs);
      this.timer.unref();
    }
    if (this.phase === 'running' && phase !== 'running') this.draw(true);
    this.phase = phase;
    if (!this.tty && phase !== 'running') this.out.write(`${phase}...\n`);
  };

  line(): string {
    const now = Date.now();
    const done = this.ok + this.fail + this.info;
    if (now - this.lastAt >= 1000) {
      this.rate = ((done - this.lastCount) * 1000) / (now - this.lastAt);
      this.lastCount = done;
      this.lastAt = now;
    }
    const secs = (now - this.started) / 1000;
    const clock = secs <= this.timeLimit ? `${secs.toFixed(1)}/${this.timeLimit}s` : `final phase ${secs.toFixed(1)}s`;
    const faults = this.active.size ? [...this.active].join(',') : 'none';
    return `[${clock}] ${this.rate.toFixed(0)} ops/s  ok ${this.ok}  fail ${this.fail}  info ${this.info}  faults: ${faults}`;
  }

  private draw(final = false): void {
    if (this.tty) this.out.write(`\r\x1b[2K${this.line()}${final ? '\n' : ''}`);
    else this.out.write(`${this.line()}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
