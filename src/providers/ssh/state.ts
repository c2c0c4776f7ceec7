// What a run put on which host, written before anything is put there and removed once it is torn
// down — so a controller that dies without tearing down (SIGKILL, a power cut, a second Ctrl-C)
// leaves a record, and the next ssh run on those hosts (or the run's reaper process) removes what
// it names: the server's process group, its directories, the run's iptables chain and qdiscs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chainTeardownScript, clearQdiscsScript, signalScript } from '../../control/index.ts';
import { shq } from '../../remote-shell.ts';

export interface HostRecord {
  host: string;
  port: number;
  /** Directories and files of the run on the host (removed when reaped). A directory holding a
   *  `pid` file names a process group to kill first (dbs/daemon.ts keeps its pid there). */
  paths: string[];
}

export interface RunRecord {
  runId: string;
  controllerPid: number;
  controllerHost: string;
  started: string;
  chain: string;
  user: string;
  keyPath?: string;
  knownHosts: string;
  skipHostKeyCheck: boolean;
  hosts: HostRecord[];
}

export function stateDir(): string {
  return process.env.JEPSEN_TS_STATE_DIR
    ?? path.join(process.env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state'), 'jepsen-ts', 'ssh-runs');
}

const fileOf = (runId: string) => path.join(stateDir(), `${runId}.json`);

export function writeRecord(r: RunRecord): string {
  fs.mkdirSync(stateDir(), { recursive: true });
  const f = fileOf(r.runId);
  fs.writeFileSync(`${f}.tmp`, JSON.stringify(r, null, 2));
  fs.renameSync(`${f}.tmp`, f);
  return f;
}

export function removeRecord(runId: string): void {
  fs.rmSync(fileOf(runId), { force: true });
}

export function readRecord(file: string): RunRecord | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Records of runs whose controller (on this machine) is gone. */
export function staleRecords(): RunRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(stateDir()).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.map((n) => readRecord(path.join(stateDir(), n)))
    .filter((r): r is RunRecord => r !== null && r.controllerHost === os.hostname() && !alive(r.controllerPid));
}

/** The script that removes what a run left on one host; it always succeeds. */
export function reapScript(chain: string, h: HostRecord, o: { keepData?: boolean } = {}): string {
  const parts: string[] = [];
  if (!o.keepData) {
    for (const p of h.paths) {
      parts.push(signalScript(`${p}/pid`, 'CONT'), signalScript(`${p}/pid`, 'KILL'));
    }
    if (h.paths.length) parts.push(`rm -rf ${h.paths.map(shq).join(' ')}`);
  }
  parts.push(chainTeardownScript(chain), clearQdiscsScript());
  return parts.map((p) => `{ ${p}; } 2>/dev/null`).join('; ') + '; true';
}
