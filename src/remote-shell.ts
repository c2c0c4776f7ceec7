// Shell scripts on a node through its Remote (docker exec today, ssh later): quoting, and a run
// that throws with the node, the script and what it printed when the exit code is not 0.
import type { NodeHandle } from './types.ts';

/** One argument, single-quoted for sh. */
export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export async function sh(node: NodeHandle, script: string, timeoutMs = 30_000): Promise<string> {
  const r = await node.remote.exec(['sh', '-c', script], { timeoutMs });
  if (r.code !== 0) throw new Error(`${node.name}: ${script.slice(0, 120)}: exit ${r.code}: ${(r.stderr || r.stdout).trim().slice(-500)}`);
  return r.stdout;
}
