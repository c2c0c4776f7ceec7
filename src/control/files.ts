// Files between the controller and a node, through its Remote: a node's logs copied into the
// store (nodes/<node>/), small text files written in place.
import path from 'node:path';
import { shOn, shq } from '../remote-shell.ts';
import type { Remote } from '../types.ts';

/** Copies each remote file that exists into dir (by its base name); missing ones are skipped. */
export async function collectLogs(remote: Remote, files: readonly string[], dir: string, rename?: (file: string) => string): Promise<string[]> {
  const got: string[] = [];
  for (const f of files) {
    const exists = await remote.exec(['test', '-f', f], { timeoutMs: 30_000 }).then((r) => r.code === 0).catch(() => false);
    if (!exists) continue;
    const local = path.join(dir, rename ? rename(f) : path.posix.basename(f));
    await remote.download(f, local).then(() => got.push(local)).catch(() => undefined);
  }
  return got;
}

/** Writes text to a file on the node (made whole, then renamed into place). */
export async function writeText(remote: Remote, who: string, file: string, text: string): Promise<void> {
  const r = await remote.exec(['sh', '-c', `mkdir -p "$(dirname ${shq(file)})" && cat > ${shq(`${file}.tmp`)} && mv ${shq(`${file}.tmp`)} ${shq(file)}`], { stdin: text, timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`${who}: writing ${file}: ${r.stderr.trim()}`);
}

export async function readText(remote: Remote, who: string, file: string): Promise<string> {
  return shOn(remote, who, `cat ${shq(file)}`);
}
