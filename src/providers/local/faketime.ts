// Per-node clocks for the local provider: every node process runs under libfaketime (LD_PRELOAD)
// reading its offset from a file of its own, which the clock nemesis rewrites. Only the wall
// clock is faked (FAKETIME_DONT_FAKE_MONOTONIC): timers and timeouts keep real time, as they do
// when NTP steps a real machine's clock. The controller's own clock is never touched.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.ts';
import type { ClockControl } from '../../types.ts';

/** Where Debian, Ubuntu, Fedora and a source install put the library; the MT build is the one
 *  that is safe in multi-threaded programs such as Node.js and Go. */
const CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/faketime/libfaketimeMT.so.1',
  '/usr/lib64/faketime/libfaketimeMT.so.1',
  '/usr/local/lib/faketime/libfaketimeMT.so.1',
];

export function findLibfaketime(): string | null {
  const override = process.env.JEPSEN_LIBFAKETIME;
  if (override) return fs.existsSync(override) ? override : null;
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

/** libfaketime's relative offset syntax: signed seconds with a fraction. */
export function offsetText(ms: number): string {
  const s = ms / 1000;
  return `${s < 0 ? '-' : '+'}${Math.abs(s).toFixed(3)}\n`;
}

/** The environment that runs a process under libfaketime reading its offset from `file`. */
export function faketimeEnv(lib: string, file: string): Record<string, string> {
  return { LD_PRELOAD: lib, FAKETIME_TIMESTAMP_FILE: file, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' };
}

export class FaketimeClocks implements ClockControl {
  private readonly current = new Map<string, number>();
  private readonly lib: string;

  constructor(private readonly dir: string, private readonly nodes: readonly string[]) {
    const lib = findLibfaketime();
    if (!lib) {
      throw new UsageError('The clock nemesis needs libfaketime, which is not installed: install the Debian package "faketime" (apt-get install faketime), or set JEPSEN_LIBFAKETIME to the library.');
    }
    this.lib = lib;
    fs.mkdirSync(dir, { recursive: true });
    for (const n of nodes) this.write(n, 0);
  }

  private file(node: string): string {
    return path.join(this.dir, `${node}.offset`);
  }

  private write(node: string, ms: number): void {
    // Written whole and renamed into place: libfaketime re-reads the file on every call and
    // must never see half of it.
    const tmp = `${this.file(node)}.tmp`;
    fs.writeFileSync(tmp, offsetText(ms));
    fs.renameSync(tmp, this.file(node));
    this.current.set(node, ms);
  }

  /** The environment a node process starts with. */
  env(node: string): Record<string, string> {
    return faketimeEnv(this.lib, this.file(node));
  }

  async set(offsets: Record<string, number>): Promise<void> {
    for (const [node, ms] of Object.entries(offsets)) {
      if (!this.nodes.includes(node)) throw new Error(`no node ${node}`);
      this.write(node, ms);
    }
  }

  offsets(): Record<string, number> {
    return Object.fromEntries(this.nodes.map((n) => [n, this.current.get(n) ?? 0]));
  }
}
