// The counter checker on a generated 1,000,000-op history (target: under 2 s on 2 cores).
import { performance } from 'node:perf_hooks';
import { checkCounter } from '../checkers/counter.ts';
import { Rng } from '../src/rng.ts';
import type { Op } from '../src/types.ts';

/** A plausible concurrent counter history: 20 processes, adds and reads, some fail/info. */
export function generateCounterHistory(n: number, seed = 1): Op[] {
  const rng = new Rng(seed);
  const h: Op[] = [];
  const open = new Map<number, Op>();
  let value = 0;
  let next = 20;
  const procs = Array.from({ length: 20 }, (_, i) => i);
  while (h.length < n) {
    const slot = rng.int(0, procs.length - 1);
    const p = procs[slot];
    const inv = open.get(p);
    if (!inv) {
      const op: Op = rng.bool() ? { index: h.length, time: h.length * 1000, type: 'invoke', process: p, f: 'add', value: rng.int(1, 5) } : { index: h.length, time: h.length * 1000, type: 'invoke', process: p, f: 'read', value: null };
      open.set(p, op);
      h.push(op);
      continue;
    }
    open.delete(p);
    const r = rng.next();
    const type = r < 0.02 ? 'info' : r < 0.04 ? 'fail' : 'ok';
    if (inv.f === 'add' && (type === 'ok' || (type === 'info' && rng.bool()))) value += Number(inv.value);
    h.push({ ...inv, index: h.length, time: h.length * 1000, type: inv.f === 'read' && type === 'info' ? 'fail' : type, value: inv.f === 'read' ? value : inv.value });
    if (type === 'info') procs[slot] = next++;
  }
  return h;
}

export async function run(): Promise<void> {
  const h = generateCounterHistory(1_000_000);
  // A final read after everything, so eventual mode exercises its subset-sum check too.
  const ack = checkCounter(h)['acknowledged-sum'];
  h.push({ index: h.length, time: h.length * 1000, type: 'invoke', process: 1e6, f: 'read', value: null });
  h.push({ index: h.length, time: h.length * 1000, type: 'ok', process: 1e6, f: 'read', value: ack });
  for (const mode of ['linearizable', 'eventual'] as const) {
    checkCounter(h.slice(0, 10_000), mode); // warm up
    const times: number[] = [];
    let valid: unknown;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      valid = checkCounter(h, mode).valid;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(`counter checker (${mode}): ${h.length.toLocaleString('en')} ops, median ${(times[2] / 1000).toFixed(3)} s, best ${(times[0] / 1000).toFixed(3)} s (valid: ${valid}; target < 2 s)`);
  }
}
