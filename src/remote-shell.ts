// Shell scripts on a node through its Remote (docker exec, ssh, a local spawn): quoting, and a run
// that throws with the node, the script and what it printed when the exit code is not 0.
import type { NodeHandle, Remote } from './types.ts';

/** One argument, single-quoted for sh. */
export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs a script with sh on a Remote; throws naming `who` when it exits non-zero. */
export async function shOn(remote: Remote, who: string, script: string, timeoutMs = 30_000): Promise<string> {
  const r = await remote.exec(['sh', '-c', script], { timeoutMs });
  if (r.code !== 0) throw new Error(`${who}: ${script.slice(0, 120)}: exit ${r.code}: ${(r.stderr || r.stdout).trim().slice(-500)}`);
  return r.stdout;
}

export function sh(node: NodeHandle, script: string, timeoutMs = 30_000): Promise<string> {
  return shOn(node.remote, node.name, script, timeoutMs);
}
