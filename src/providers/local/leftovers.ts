// Nothing of a local cluster outlives its controller (DESIGN.md §9). Each cluster keeps, in its
// temporary directory, who owns it (the controller's pid and start time) and every process group
// it started; a watchdog process (watchdog.ts) reaps them when the controller dies in any way, and
// every later start sweeps what a dead controller left (the watchdog may have been killed too).
// Each group is continued, then killed: nothing stays stopped by the pause nemesis.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TMP_PREFIX = 'jepsen-ts-';
const OWNER = 'controller';
const GROUPS = 'groups';

/** A process's start time (clock ticks since boot), so a recycled pid is never mistaken for ours. */
export function startTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number, started: string | null): boolean {
  const now = startTime(pid);
  return now !== null && (started === null || now === started);
}

/** Marks dir as owned by this process (call once, right after creating it). */
export function claim(dir: string): void {
  fs.writeFileSync(path.join(dir, OWNER), `${process.pid} ${startTime(process.pid) ?? ''}\n`);
}

/** Records a process group this cluster started (its leader's pid). */
export function recordGroup(dir: string, pid: number): void {
  try {
    fs.appendFileSync(path.join(dir, GROUPS), `${pid} ${startTime(pid) ?? ''}\n`);
  } catch {
    /* the directory is being removed: the cluster is going away */
  }
}

function readPairs(file: string): Array<{ pid: number; started: string | null }> {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map((l) => {
    const [pid, started] = l.split(' ');
    return { pid: Number(pid), started: started || null };
  }).filter((p) => Number.isInteger(p.pid) && p.pid > 1);
}

/** Daemons started on local nodes (dbs/daemon.ts) keep their pid in <node dir>.jepsen/pid. */
function daemonGroups(dir: string): Array<{ pid: number; started: string | null }> {
  const out: Array<{ pid: number; started: string | null }> = [];
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!e.endsWith('.jepsen')) continue;
    try {
      const pid = Number(fs.readFileSync(path.join(dir, e, 'pid'), 'utf8').trim());
      if (Number.isInteger(pid) && pid > 1) out.push({ pid, started: null });
    } catch {
      /* no daemon there */
    }
  }
  return out;
}

/** Kills every process group the cluster in dir started (resumed first), then removes dir. */
export function reap(dir: string): void {
  for (const { pid, started } of [...readPairs(path.join(dir, GROUPS)), ...daemonGroups(dir)]) {
    if (!alive(pid, started)) continue;
    for (const sig of ['SIGCONT', 'SIGKILL'] as const) {
      try {
        process.kill(-pid, sig);
      } catch {
        try {
          process.kill(pid, sig);
        } catch {
          /* gone */
        }
      }
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Reaps the clusters of controllers that died without cleaning up (and their watchdogs too). */
export function sweepOrphans(tmp = os.tmpdir()): number {
  let n = 0;
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(tmp);
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (!e.startsWith(TMP_PREFIX)) continue;
    const dir = path.join(tmp, e);
    const owner = readPairs(path.join(dir, OWNER))[0];
    if (!owner || alive(owner.pid, owner.started)) continue;
    reap(dir);
    n++;
  }
  return n;
}
