// The controller log: jepsen.log in the store, and optionally echoed to stderr.
import fs from 'node:fs';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export class FileLogger implements Logger {
  private fd: number | null = null;
  constructor(
    path: string | null,
    private readonly echo: (level: Level, msg: string) => void = () => {},
  ) {
    if (path) this.fd = fs.openSync(path, 'a');
  }
  private write(level: Level, msg: string): void {
    if (this.fd !== null) fs.writeSync(this.fd, `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${msg}\n`);
    this.echo(level, msg);
  }
  debug(msg: string): void { this.write('debug', msg); }
  info(msg: string): void { this.write('info', msg); }
  warn(msg: string): void { this.write('warn', msg); }
  error(msg: string): void { this.write('error', msg); }
  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
