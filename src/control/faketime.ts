// Clock faults on Linux nodes through libfaketime (as the local provider does it): the server is
// started with LD_PRELOAD and a file to read its offset from; the clock nemesis rewrites the
// file (whole, renamed into place). Only the wall clock moves; the machine's clock never does.
import type { ClockControl, Remote } from '../types.ts';
import { faketimeEnv, offsetText } from '../providers/local/faketime.ts';
import { shOn, shq } from '../remote-shell.ts';

export { faketimeEnv, offsetText };

/** Prints the path of libfaketimeMT on the machine, or nothing. */
export const FIND_LIBFAKETIME = 'for f in /usr/lib/*-linux-gnu/faketime/libfaketimeMT.so.1 /usr/lib/faketime/libfaketimeMT.so.1 /usr/lib64/faketime/libfaketimeMT.so.1 /usr/local/lib/faketime/libfaketimeMT.so.1; do if [ -e "$f" ]; then echo "$f"; break; fi; done';

export async function findRemoteLibfaketime(remote: Remote, who: string): Promise<string | null> {
  const out = (await shOn(remote, who, FIND_LIBFAKETIME)).trim();
  return out || null;
}

export function writeOffsetScript(file: string, ms: number): string {
  return `mkdir -p "$(dirname ${shq(file)})" && printf %s ${shq(offsetText(ms))} > ${shq(`${file}.tmp`)} && mv ${shq(`${file}.tmp`)} ${shq(file)}`;
}

export interface ClockNode {
  name: string;
  remote: Remote;
  /** libfaketimeMT's path on the node. */
  lib: string;
  /** The node's offset file. */
  file: string;
}

/** Per-node offsets kept in files on the nodes. */
export class RemoteClocks implements ClockControl {
  private readonly current = new Map<string, number>();
  constructor(private readonly nodes: readonly ClockNode[]) {}

  private node(name: string): ClockNode {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  /** Every node at offset 0 (before any server starts). */
  async init(): Promise<void> {
    await this.set(Object.fromEntries(this.nodes.map((n) => [n.name, 0])));
  }

  async set(offsets: Record<string, number>): Promise<void> {
    await Promise.all(Object.entries(offsets).map(async ([name, ms]) => {
      const n = this.node(name);
      await shOn(n.remote, name, writeOffsetScript(n.file, ms));
      this.current.set(name, ms);
    }));
  }

  offsets(): Record<string, number> {
    return Object.fromEntries(this.nodes.map((n) => [n.name, this.current.get(n.name) ?? 0]));
  }

  env(name: string): Record<string, string> {
    const n = this.node(name);
    return faketimeEnv(n.lib, n.file);
  }
}
