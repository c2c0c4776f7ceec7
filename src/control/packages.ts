// What a machine must have: commands looked up on the node and, when missing, the Debian
// packages that bring them installed with its apt-get (as Jepsen's db set-up does). A machine
// without apt-get, or where the install fails, gets one sentence naming it and what to install.
import { UsageError } from '../errors.ts';
import { shq } from '../remote-shell.ts';
import type { Remote } from '../types.ts';

export interface Requirement {
  /** A command on PATH (as root), or an absolute path that must exist. */
  command: string;
  /** The Debian package that provides it. */
  pkg: string;
}

const present = (r: Requirement) => (r.command.startsWith('/') ? `[ -e ${shq(r.command)} ]` : `command -v ${shq(r.command)} >/dev/null 2>&1`);

/** The requirements that are missing on the machine. */
export async function missing(remote: Remote, reqs: readonly Requirement[]): Promise<Requirement[]> {
  if (!reqs.length) return [];
  const script = reqs.map((r, i) => `${present(r)} || echo ${i}`).join('; ');
  const r = await remote.exec(['sh', '-c', `PATH="$PATH:/usr/sbin:/sbin"; ${script}; true`], { timeoutMs: 30_000 });
  return r.stdout.split('\n').filter(Boolean).map((i) => reqs[Number(i)]);
}

/** Installs the packages of missing requirements with apt-get; throws a UsageError naming the
 *  machine and the packages when that is impossible. `why` completes "... needed for <why>". */
export async function ensure(remote: Remote, machine: string, reqs: readonly Requirement[], why: string): Promise<void> {
  const lack = await missing(remote, reqs);
  if (!lack.length) return;
  const pkgs = [...new Set(lack.map((r) => r.pkg))];
  const what = lack.map((r) => r.command.split('/').pop()).join(', ');
  // policy-rc.d (exit 101) keeps the packages' own services from starting: the run starts the
  // server its own way, on ports a packaged service would hold.
  const install = `DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
  const guard = `if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; trap 'rm -f /usr/sbin/policy-rc.d' EXIT; fi`;
  const script = `command -v apt-get >/dev/null 2>&1 || { echo 'no apt-get' >&2; exit 100; }; ${guard}; ${install} >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1; ${install} 2>&1 | tail -n 3 >&2; exit 1; }`;
  const r = await remote.exec(['bash', '-c', script], { timeoutMs: 600_000 });
  const still = r.code === 0 ? await missing(remote, lack) : lack;
  if (still.length) {
    const said = r.code === 100 ? 'it has no apt-get' : `apt-get install ${pkgs.join(' ')} failed: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? `exit ${r.code}`}`;
    throw new UsageError(`${machine} lacks ${what} (needed for ${why}) and ${said}: install ${pkgs.join(' ')} on it.`);
  }
}

/** What the fault mechanisms need on a machine, by fault family. */
export const FAULT_TOOLS: Readonly<Record<string, readonly Requirement[]>> = {
  partition: [{ command: 'iptables', pkg: 'iptables' }],
  packet: [{ command: 'tc', pkg: 'iproute2' }, { command: 'ip', pkg: 'iproute2' }],
  clock: [{ command: '/usr/bin/faketime', pkg: 'faketime' }],
  kill: [{ command: 'setsid', pkg: 'util-linux' }],
  pause: [{ command: 'setsid', pkg: 'util-linux' }],
};

export function faultRequirements(nemeses: readonly string[]): Requirement[] {
  const out = new Map<string, Requirement>();
  for (const n of nemeses) for (const r of FAULT_TOOLS[n] ?? []) out.set(r.command, r);
  return [...out.values()];
}
