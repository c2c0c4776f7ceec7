// The linearizability checker on every reference history in ../shared/histories (per-file and
// total time, peak memory; targets: under 2 s in all, none over 0.5 s), and on a generated
// 100,000-op, 10-key cas-register history with 20 processes and some indeterminate ops
// (target: under 5 s).
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { readHistoryFile } from '../src/history-import.ts';
import { checkLinearizable, type ModelSpec } from '../checkers/linearizable/index.ts';
import { corrupt, generateRegisterHistory } from './gen-register-history.ts';

const root = fileURLToPath(new URL('../../shared/histories/knossos/', import.meta.url));
const suites: Array<[string, ModelSpec, boolean]> = [
  ['cas-register/good', { name: 'cas-register', init: 0 }, true],
  ['cas-register/bad', { name: 'cas-register', init: 0 }, false],
  ['multi-register/good', { name: 'multi-register', init: { x: 0, y: 0 } }, true],
  ['mutex/bad', { name: 'mutex' }, false],
];

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

export async function run(): Promise<void> {
  if (!fs.existsSync(root)) {
    console.log(`linearizable: skipped the reference histories (${root} not found)`);
  } else {
    // Parse first: the timing is of checking, as Porcupine's figures are.
    const cases = suites.flatMap(([dir, spec, expect]) =>
      fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.edn')).sort().map((f) => ({ file: `${dir}/${f}`, history: readHistoryFile(path.join(root, dir, f)), spec, expect })));
    for (const c of cases.slice(0, 5)) await checkLinearizable(c.history, c.spec); // warm up
    let total = 0;
    let worst = { file: '', ms: 0 };
    let wrong = 0;
    let peak = 0;
    const lines: string[] = [];
    for (const c of cases) {
      const t = performance.now();
      const r = await checkLinearizable(c.history, c.spec);
      const ms = performance.now() - t;
      total += ms;
      peak = Math.max(peak, process.memoryUsage().rss);
      if (ms > worst.ms) worst = { file: c.file, ms };
      if (r.valid !== c.expect) wrong++;
      lines.push(`  ${c.file.padEnd(48)} ${String(c.history.length).padStart(6)} events  ${ms.toFixed(1).padStart(7)} ms  ${r.valid}`);
    }
    if (process.env.BENCH_VERBOSE) console.log(lines.join('\n'));
    console.log(`linearizable: ${cases.length} reference histories in ${(total / 1000).toFixed(3)} s total, slowest ${worst.ms.toFixed(1)} ms (${worst.file}), ${wrong} wrong verdicts, peak RSS ${mib(peak)} (targets: < 2 s total, none over 0.5 s; BENCH_VERBOSE=1 lists every file)`);
  }

  const spec: ModelSpec = { name: 'cas-register', init: 0, options: { nilReadIsUnknown: false } };
  const h = generateRegisterHistory({ ops: 100_000, keys: 10, processes: 20, seed: 7 });
  const infos = h.filter((o) => o.type === 'info').length;
  for (const [label, hist] of [['linearizable', h], ['one corrupted read', corrupt(h)]] as const) {
    const t = performance.now();
    const r = await checkLinearizable(hist, spec);
    const ms = performance.now() - t;
    console.log(`linearizable: generated 100,000-op cas-register history, 10 keys, 20 processes, ${infos} indeterminate ops, ${label}: ${(ms / 1000).toFixed(3)} s, verdict ${r.valid}, ${r.configurations} configurations, peak RSS ${mib(process.memoryUsage().rss)} (target < 5 s)`);
  }
}
