// Session guarantees and stale reads over a keyed register history whose writes are unique
// ({key, value} ops; a read of nil means the key was never written).
//   read-your-writes  a client's read must not return a value definitely older than that
//                     client's own last acknowledged write to the key
//   monotonic reads   a client's read must not return a value definitely older than what its
//                     previous read of the key returned
//   stale reads       a read returning a value definitely older than a write acknowledged before
//                     the read began: how many such newer versions, and for how long (ms) the
//                     first of them had been acknowledged
// "Definitely older": the write of one value completed before the write of the other began.
import type { CheckResult, History, Op } from '../src/types.ts';
import { pairIndex } from '../src/history.ts';

interface W { value: string; invoke: number; complete: number; completeTime: number }
interface Anomaly { index: number; process: number | string; key: unknown; read: unknown; expected: unknown; node?: string }
interface Stale extends Anomaly { 'versions-behind': number; 'ms-behind': number }

export interface SessionResult extends CheckResult {
  reads: number;
  'read-your-writes': Anomaly[];
  'monotonic-reads': Anomaly[];
  'stale-count': number;
  stale: Stale[];
  'max-versions-behind': number;
  'max-ms-behind': number;
}

const MAX_LISTED = 100;
const enc = (v: unknown) => JSON.stringify(v ?? null);

export function checkSession(history: History): SessionResult {
  const pair = pairIndex(history);
  // Every acknowledged or possible write, by key and value; nil is the state before any write.
  const writes = new Map<string, Map<string, W>>();
  const keyed = (op: Op) => op.value as { key: unknown; value: unknown };
  for (let i = 0; i < history.length; i++) {
    const op = history[i];
    if (op.type !== 'invoke' || op.f !== 'write') continue;
    const c = pair[i] >= 0 ? history[pair[i]] : null;
    if (c?.type === 'fail') continue;
    const k = enc(keyed(op).key);
    if (!writes.has(k)) writes.set(k, new Map());
    const done = c?.type === 'ok';
    writes.get(k)!.set(enc(keyed(op).value), { value: enc(keyed(op).value), invoke: i, complete: done ? pair[i] : Infinity, completeTime: done ? c!.time : Infinity });
  }
  const NIL: W = { value: 'null', invoke: -1, complete: -1, completeTime: -Infinity };
  const writeOf = (k: string, v: string): W | undefined => (v === 'null' ? NIL : writes.get(k)?.get(v));
  const older = (a: W, b: W) => a.complete < b.invoke; // a definitely before b

  const lastWrite = new Map<string, W>(); // process|key -> own last acknowledged write
  const lastRead = new Map<string, W>(); // process|key -> what the last read returned
  const ryw: Anomaly[] = [];
  const mono: Anomaly[] = [];
  const stale: Stale[] = [];
  let staleCount = 0;
  let maxVersions = 0;
  let maxMs = 0;
  let reads = 0;

  for (let i = 0; i < history.length; i++) {
    const op = history[i];
    if (op.type !== 'ok' || op.process === 'nemesis') continue;
    const k = enc(keyed(op).key);
    const pk = `${op.process}|${k}`;
    if (op.f === 'write') {
      const w = writeOf(k, enc(keyed(op).value));
      if (w) lastWrite.set(pk, w);
      continue;
    }
    if (op.f !== 'read') continue;
    reads++;
    const got = writeOf(k, enc(keyed(op).value));
    if (!got) continue; // a value never written: the linearizability checker reports it
    const inv = pair[i];
    const base = { index: op.index, process: op.process, key: keyed(op).key, read: keyed(op).value, node: op.node };
    const mine = lastWrite.get(pk);
    if (mine && mine !== got && older(got, mine) && ryw.length < MAX_LISTED) ryw.push({ ...base, expected: JSON.parse(mine.value) });
    const prev = lastRead.get(pk);
    if (prev && prev !== got && older(got, prev)) {
      if (mono.length < MAX_LISTED) mono.push({ ...base, expected: JSON.parse(prev.value) });
    } else lastRead.set(pk, got);
    // Newer versions acknowledged before this read began.
    let versions = 0;
    let firstAck = Infinity;
    for (const w of writes.get(k)?.values() ?? []) {
      if (w.complete < inv && older(got, w)) {
        versions++;
        firstAck = Math.min(firstAck, w.completeTime);
      }
    }
    if (versions > 0) {
      staleCount++;
      const ms = (history[inv].time - firstAck) / 1e6;
      maxVersions = Math.max(maxVersions, versions);
      maxMs = Math.max(maxMs, ms);
      if (stale.length < MAX_LISTED) stale.push({ ...base, expected: 'a newer value', 'versions-behind': versions, 'ms-behind': Math.round(ms * 10) / 10 });
    }
  }
  return {
    valid: ryw.length === 0 && mono.length === 0 && staleCount === 0,
    reads,
    'read-your-writes': ryw,
    'monotonic-reads': mono,
    'stale-count': staleCount,
    stale,
    'max-versions-behind': maxVersions,
    'max-ms-behind': Math.round(maxMs * 10) / 10,
  };
}
