// Any executable speaking the node protocol (Maelstrom-compatible) as the system under test:
// `--bin PATH [--bin-arg X ...]`. Nodes written for Maelstrom run unchanged.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../src/errors.ts';
import type { Db, RunOptions } from '../src/types.ts';
import { processDb } from './process-db.ts';

export function binDb(opts: RunOptions): Db {
  const bin = path.resolve(String(opts.bin));
  let st: fs.Stats;
  try {
    st = fs.statSync(bin);
  } catch {
    throw new UsageError(`--bin ${opts.bin}: no such file.`);
  }
  if (!st.isFile()) throw new UsageError(`--bin ${opts.bin} is not a file.`);
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    throw new UsageError(`--bin ${opts.bin} is not executable (chmod +x it).`);
  }
  return processDb(`bin:${path.basename(bin)}`, () => ({ argv: [bin, ...opts.binArgs] }));
}
