// The Elle checker on generated list-append histories of 100,000 and 1,000,000 transactions from
// a simulated strict-serializable database (20 processes, 2% failed, 2% indeterminate), checked
// for strict serializability (real-time and process orders included). Targets: >= 100,000
// transactions per second, so 100k in under 1 s and 1M in under 10 s; memory linear.
// Also: an anomalous history (a simulated read-committed database) and an rw-register one.
// Each check runs three times after a full GC; we print every wall time, CPU time and phases.
import v8 from 'node:v8';
import vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import { checkListAppend, checkRwRegister } from '../checkers/elle/index.ts';
import type { ElleResult } from '../checkers/elle/index.ts';
import { type SimulateOptions, simulateTxnHistory } from '../checkers/elle/simulate.ts';
import type { Op } from '../src/types.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

function measure(label: string, h: Op[], txns: number, check: (h: Op[], onPhase: (p: string, ms: number) => void) => ElleResult, target?: number): void {
  const walls: number[] = [];
  let last: ElleResult | null = null;
  let phases = '';
  let cpuMs = 0;
  gc();
  const before = process.memoryUsage().rss;
  let peak = before;
  for (let i = 0; i < 3; i++) {
    gc();
    const parts: string[] = [];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    last = check(h, (p, ms) => parts.push(`${p} ${ms.toFixed(0)}`));
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs = (c.user + c.system) / 1000;
    peak = Math.max(peak, process.memoryUsage().rss);
    phases = parts.join(', ');
  }
  const best = Math.min(...walls);
  const verdict = `${last!.valid}${last!['anomaly-types'].length ? ` (${last!['anomaly-types'].join(', ')})` : ''}`;
  console.log(
    `elle: ${label}: ${txns.toLocaleString('en')} txns, wall ${walls.map((w) => (w / 1000).toFixed(2)).join(' / ')} s, best ${(txns / (best / 1000)).toLocaleString('en', { maximumFractionDigits: 0 })} txn/s` +
      `${target ? ` (target < ${target} s)` : ''}, last CPU ${(cpuMs / 1000).toFixed(2)} s [ms: ${phases}], RSS ${mib(before)} with the history loaded, ${mib(peak)} peak while checking, verdict ${verdict}`,
  );
}

function history(o: SimulateOptions): Op[] {
  const t0 = performance.now();
  const h = simulateTxnHistory(o);
  console.log(`elle: generated ${o.txns.toLocaleString('en')} ${o.kind} txns (${o.isolation}, ${o.processes} processes) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return h;
}

export async function run(): Promise<void> {
  const base = { kind: 'list-append' as const, processes: 20, keyCount: 10, maxTxnLength: 4, maxWritesPerKey: 32, failRate: 0.02, infoRate: 0.02 };
  const la = (h: Op[], onPhase: (p: string, ms: number) => void) => checkListAppend(h, { onPhase });
  for (const txns of [100_000, 1_000_000]) {
    const h = history({ ...base, isolation: 'strict-serializable', txns, seed: 1 });
    measure('list-append, strict-serializable', h, txns, la, txns / 100_000);
  }
  const rc = history({ ...base, isolation: 'read-committed', txns: 100_000, seed: 2 });
  measure('list-append from a read-committed database, checked for strict-serializable', rc, 100_000, la);
  const rw = history({ ...base, kind: 'rw-register', isolation: 'strict-serializable', txns: 100_000, seed: 3 });
  measure('rw-register, strict-serializable', rw, 100_000, (h, onPhase) => checkRwRegister(h, { onPhase }));
  console.log(`elle: peak RSS of the benchmark process ${mib(process.resourceUsage().maxRSS * 1024)}`);
}
