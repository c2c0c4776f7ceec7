// Any executable speaking the node protocol (Maelstrom-compatible) as the system under test:
// `--bin PATH [--bin-arg X ...]`. Nodes written for Maelstrom run unchanged.
import fs from 'node:fs';
import path from 'node:path';
import type { Db, OptionSpec } from '../src/types.ts';
import { processDb } from './process-db.ts';

/** Why a path cannot be run as a node, or undefined. */
function notRunnable(bin: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(bin);
  } catch {
    return 'no such file';
  }
  if (!st.isFile()) return 'not a file';
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    return 'not executable (chmod +x it)';
  }
  return undefined;
}

export interface BinOptions {
  /** The executable every node runs. */
  bin: string;
  /** Its arguments. */
  args?: readonly string[];
}

/** Your own node, speaking the node protocol (Maelstrom-compatible), as every node of the system. */
export function maelstrom(o: BinOptions): Db {
  const bin = path.resolve(o.bin);
  const args = [...(o.args ?? [])];
  return {
    ...processDb(`bin:${path.basename(bin)}`, () => ({ argv: [bin, ...args] })),
    providers: ['local'],
    options: binOptions(o.bin, args),
    configure: (opts) => maelstrom({ bin: String(opts.bin), args: (opts.binArg as string[] | undefined) ?? [] }),
  };
}

export function binOptions(dflt: string | undefined, args: readonly string[] = []): OptionSpec[] {
  return [
    { name: 'bin', type: 'string', default: dflt, description: 'Run this executable as every node (it speaks the Maelstrom node protocol)', validate: (v) => notRunnable(path.resolve(String(v))) },
    { name: 'binArg', type: 'list', repeatable: true, default: args, description: 'An argument passed to --bin (repeatable)' },
  ];
}
