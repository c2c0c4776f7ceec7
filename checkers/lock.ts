// What a lock's clients believed, beyond the mutex model's yes/no: the overlap report (every
// interval in which two owners both held an acknowledged acquire of the same lock) and the fencing
// check (tokens handed to successive holders strictly increase). Pure functions over a history.
//
// An owner believes it holds a lock from the completion of its ok acquire until it invokes its
// next release of that lock (whatever that release's outcome: from then on it stops acting as the
// holder), or to the end of the history. Two such intervals of different owners that intersect
// are an overlap; every overlap is also a mutex violation, and this names who, where and when.
import type { WindowOp } from './linearizable/check.ts';
import { pairIndex } from '../src/history.ts';
import type { CheckResult, History, Op } from '../src/types.ts';

export interface LockValue {
  lock: unknown;
  owner: string;
  fence?: number;
}

interface Hold {
  lock: string;
  owner: string;
  fence: number | null;
  node: string | null;
  acquire: Op; // the invocation
  acquired: Op; // its ok completion
  release: Op | null; // the invocation of the next release, if any
  start: number;
  end: number; // ns; the end of the history when never released
}

export interface Overlap {
  lock: unknown;
  from: number; // seconds since the start of the run
  to: number;
  'overlap-ms': number;
  holders: Array<{ owner: string; node: string | null; fence: number | null; 'acquire-index': number; 'release-index': number | null; 'held-from': number; 'held-to': number | null }>;
}

export interface FenceViolation {
  lock: unknown;
  earlier: { owner: string; fence: number; index: number };
  later: { owner: string; fence: number; index: number };
}

export interface LockResult extends CheckResult {
  'overlap-count': number;
  overlaps: Overlap[];
  'fences-checked': number;
  'fence-violations': FenceViolation[];
  'acquires-ok': number;
  window?: WindowOp[];
  'window-title'?: string;
}

const MAX_REPORTED = 50;
const lockKey = (v: unknown) => JSON.stringify((v as LockValue | null)?.lock ?? null);
const ownerOf = (op: Op) => String((op.value as LockValue | null)?.owner ?? op.process);

function holds(history: History): Hold[] {
  const pairs = pairIndex(history);
  const end = history.length ? history[history.length - 1].time : 0;
  const out: Hold[] = [];
  // Holds still open, by owner and lock: closed by that owner's next release invocation.
  const open = new Map<string, Hold[]>();
  for (const op of history) {
    if (op.process === 'nemesis' || op.type !== 'invoke') continue;
    const k = `${ownerOf(op)}\u0000${lockKey(op.value)}`;
    if (op.f === 'release') {
      for (const hold of open.get(k) ?? []) {
        hold.release = op;
        hold.end = op.time;
      }
      open.delete(k);
      continue;
    }
    if (op.f !== 'acquire') continue;
    const c = pairs[op.index];
    const done = c < 0 ? null : history[c];
    if (!done || done.type !== 'ok') continue;
    const v = done.value as LockValue | null;
    const hold: Hold = {
      lock: lockKey(op.value), owner: ownerOf(op), fence: typeof v?.fence === 'number' ? v.fence : null,
      node: done.node ?? null, acquire: op, acquired: done, release: null, start: done.time, end,
    };
    out.push(hold);
    open.set(k, [...(open.get(k) ?? []), hold]);
  }
  // A release invoked before the acquire completed does not end the hold that completes later.
  for (const hold of out) if (hold.release && hold.release.time < hold.start) { hold.release = null; hold.end = end; }
  return out;
}

function overlapsOf(all: Hold[]): Array<[Hold, Hold]> {
  const found: Array<[Hold, Hold]> = [];
  const byLock = new Map<string, Hold[]>();
  for (const h of all) byLock.set(h.lock, [...(byLock.get(h.lock) ?? []), h]);
  for (const hs of byLock.values()) {
    hs.sort((a, b) => a.start - b.start);
    // Sweep: holds still active when the next one starts. In a correct run this stays tiny.
    let active: Hold[] = [];
    for (const h of hs) {
      active = active.filter((a) => a.end > h.start);
      for (const a of active) if (a.owner !== h.owner && Math.min(a.end, h.end) > h.start) found.push([a, h]);
      active.push(h);
    }
  }
  return found.sort((x, y) => x[1].start - y[1].start);
}

function fenceViolations(all: Hold[]): { checked: number; violations: FenceViolation[] } {
  const violations: FenceViolation[] = [];
  let checked = 0;
  const byLock = new Map<string, Hold[]>();
  for (const h of all) if (h.fence !== null) byLock.set(h.lock, [...(byLock.get(h.lock) ?? []), h]);
  for (const hs of byLock.values()) {
    hs.sort((a, b) => a.start - b.start);
    for (let i = 1; i < hs.length; i++) {
      const prev = hs[i - 1];
      const next = hs[i];
      // The same owner acquiring again (re-entrantly, after an indeterminate release) may keep its token.
      if (prev.owner === next.owner) continue;
      checked++;
      if (next.fence! <= prev.fence!) {
        violations.push({
          lock: JSON.parse(next.lock),
          earlier: { owner: prev.owner, fence: prev.fence!, index: prev.acquired.index },
          later: { owner: next.owner, fence: next.fence!, index: next.acquired.index },
        });
      }
    }
  }
  return { checked, violations };
}

const seconds = (ns: number) => Math.round(ns / 1e6) / 1e3;

function windowOf(history: History, a: Hold, b: Hold): WindowOp[] {
  const pairs = pairIndex(history);
  const ops = [a.acquire, a.release, b.acquire, b.release].filter((x): x is Op => x !== null);
  return ops.map((inv) => {
    const c = pairs[inv.index];
    const done = c < 0 ? null : history[c];
    return {
      process: inv.process,
      f: inv.f,
      value: inv.value,
      ...(done && done.type === 'ok' ? { output: done.value } : {}),
      type: done && done.type === 'ok' ? 'ok' : 'info',
      'invoke-index': inv.index,
      'complete-index': done ? done.index : null,
      start: inv.time,
      end: done ? done.time : null,
      ...(inv === b.acquire ? { culprit: true as const } : {}),
    };
  });
}

export function checkLocks(history: History): LockResult {
  const all = holds(history);
  const pairs = overlapsOf(all);
  const fences = fenceViolations(all);
  const overlaps: Overlap[] = pairs.slice(0, MAX_REPORTED).map(([a, b]) => ({
    lock: JSON.parse(a.lock),
    from: seconds(b.start),
    to: seconds(Math.min(a.end, b.end)),
    'overlap-ms': Math.round((Math.min(a.end, b.end) - b.start) / 1e6),
    holders: [a, b].map((x) => ({
      owner: x.owner, node: x.node, fence: x.fence,
      'acquire-index': x.acquired.index, 'release-index': x.release?.index ?? null,
      'held-from': seconds(x.start), 'held-to': x.release ? seconds(x.end) : null,
    })),
  }));
  const result: LockResult = {
    valid: pairs.length === 0 && fences.violations.length === 0,
    'overlap-count': pairs.length,
    overlaps,
    'fences-checked': fences.checked,
    'fence-violations': fences.violations.slice(0, MAX_REPORTED),
    'acquires-ok': all.length,
  };
  if (pairs.length) {
    result.window = windowOf(history, pairs[0][0], pairs[0][1]);
    result['window-title'] = 'First overlap: two owners held the lock at once (the second acquire in red)';
  }
  return result;
}
