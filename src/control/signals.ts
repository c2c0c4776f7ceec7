// Signals to a server started in its own session (setsid): its pid, kept in a file, leads a
// process group, so SIGKILL or SIGSTOP reaches every process it forked (as Jepsen's
// control.util/signal! and stop-daemon!). The group first; the pid alone if the group is gone.
import { shq } from '../remote-shell.ts';
import type { Remote } from '../types.ts';

export type Signal = 'KILL' | 'TERM' | 'STOP' | 'CONT' | 'INT' | 'HUP';

export function signalScript(pidFile: string, sig: Signal): string {
  const f = shq(pidFile);
  return `[ -f ${f} ] && { p=$(cat ${f}); kill -${sig} -- -$p 2>/dev/null || kill -${sig} $p 2>/dev/null; }; true`;
}

export async function signalGroup(remote: Remote, pidFile: string, sig: Signal): Promise<void> {
  const r = await remote.exec(['sh', '-c', signalScript(pidFile, sig)], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`kill -${sig} of the process in ${pidFile}: exit ${r.code}: ${r.stderr.trim()}`);
}

export function aliveScript(pidFile: string): string {
  const f = shq(pidFile);
  return `[ -f ${f} ] && kill -0 "$(cat ${f})" 2>/dev/null`;
}

export async function isAlive(remote: Remote, pidFile: string): Promise<boolean> {
  return (await remote.exec(['sh', '-c', aliveScript(pidFile)], { timeoutMs: 30_000 })).code === 0;
}

/** Starts argv in its own session in `dir`, with env, output appended to `log`, pid to `pidFile` —
 *  unless the process in `pidFile` is still alive. */
export function startScript(o: { argv: readonly string[]; env: Record<string, string>; dir: string; log: string; pidFile: string }): string {
  const vars = Object.entries(o.env).map(([k, v]) => `${k}=${shq(v)}`).join(' ');
  const cmd = o.argv.map(shq).join(' ');
  const dir = shq(o.dir);
  const log = shq(o.log);
  return `if ${aliveScript(o.pidFile)}; then exit 0; fi; `
    + `mkdir -p ${dir} "$(dirname ${log})" "$(dirname ${shq(o.pidFile)})"; cd ${dir}; `
    + `echo "--- start $(date -u +%FT%TZ)" >> ${log}; `
    + `env ${vars} setsid ${cmd} >> ${log} 2>&1 < /dev/null & echo $! > ${shq(o.pidFile)}`;
}
