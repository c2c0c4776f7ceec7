// The linearizability checker's benchmark. Each case runs in a fresh Node process (as `check`
// would: cold JIT, its own peak RSS), twice in a row (cold, then warm), against the compiled
// package (dist/, built by `npm run bench`) or the sources when there is no build:
// - the reference histories in test/fixtures/knossos (Jepsen/Knossos): total and slowest file;
// - generated cas-register histories (10 keys; 100,000 events with 20 processes, 1,000,000 with
//   50), valid and with one corrupted read; target for 1 M valid: half Porcupine's 2.1 s on the
//   2-core reference machine, under 2 GB RSS; corrupted: a verdict or unknown within 10 s;
// - 24 concurrent indeterminate writes of distinct values then one read (a verdict, any read);
// - 10 keys, one undecidable and one plainly invalid (invalid within 2 s).
// Every figure is also given as a ratio to a fixed calibration workload timed in the same
// process, so runs on different or busy machines compare. BENCH_RUNS=n repeats each case n times
// (the best and the median are printed); BENCH_CASES=a,b picks cases by name.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Op } from '../src/types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const histories = path.resolve(root, 'test/fixtures/knossos');
const dist = path.join(root, 'dist/checkers/linearizable/index.js');

interface Figures {
  case: string;
  label: string;
  ms: number[];
  calibrationMs: number;
  maxRssMiB: number;
  verdict: string;
  note?: string;
}

type Check = typeof import('../checkers/linearizable/index.ts').checkLinearizable;

/** A fixed CPU workload (sorting, hashing, allocating) against which the figures are ratios. */
function calibrate(): number {
  const t = performance.now();
  let x = 0x2545f491;
  const a = new Float64Array(400_000);
  for (let i = 0; i < a.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    a[i] = x;
  }
  a.sort();
  const m = new Map<number, { i: number }>();
  for (let i = 0; i < 200_000; i++) m.set(a[i] | 0, { i });
  return performance.now() - t;
}

const CASES: Record<string, { label: string; run(check: Check): Promise<Omit<Figures, 'case' | 'label' | 'calibrationMs' | 'maxRssMiB'>> }> = {
  corpus: {
    label: 'reference histories (cas-register, multi-register, mutex; Knossos)',
    async run(check) {
      if (!fs.existsSync(histories)) return { ms: [], verdict: 'skipped', note: `${histories} not found` };
      const { readHistoryFile } = await import('../src/history-import.ts');
      const suites: Array<[string, { name: string; init?: unknown }, boolean]> = [
        ['cas-register/good', { name: 'cas-register', init: 0 }, true],
        ['cas-register/bad', { name: 'cas-register', init: 0 }, false],
        ['multi-register/good', { name: 'multi-register', init: { x: 0, y: 0 } }, true],
        ['mutex/bad', { name: 'mutex' }, false],
      ];
      const cases = suites.flatMap(([dir, spec, expect]) =>
        fs.readdirSync(path.join(histories, dir)).filter((f) => f.endsWith('.edn')).sort().map((f) => ({ file: `${dir}/${f}`, history: readHistoryFile(path.join(histories, dir, f)), spec, expect })));
      const ms: number[] = [];
      let note = '';
      for (let round = 0; round < 2; round++) {
        let total = 0;
        let worst = { file: '', ms: 0 };
        let wrong = 0;
        for (const c of cases) {
          const t = performance.now();
          const r = await check(c.history, c.spec);
          const took = performance.now() - t;
          total += took;
          if (took > worst.ms) worst = { file: c.file, ms: took };
          if (r.valid !== c.expect) wrong++;
        }
        ms.push(total);
        note = `${cases.length} files, ${wrong} wrong verdicts, slowest ${worst.ms.toFixed(1)} ms (${worst.file})`;
      }
      return { ms, verdict: note.includes(' 0 wrong') ? 'all as expected' : 'WRONG', note };
    },
  },
  ...generated('100k', 100_000, 20),
  ...generated('1m', 1_000_000, 50),
  fanout24: {
    label: '24 concurrent indeterminate writes (distinct values), then one read of each kind',
    async run(check) {
      const ms: number[] = [];
      const verdicts: string[] = [];
      for (let round = 0; round < 2; round++) {
        const t = performance.now();
        verdicts.length = 0;
        for (const read of [24, 0, null, 99]) verdicts.push(`${String(read)}:${String((await check(fanout(24, read), { name: 'cas-register', init: 0 }, { timeout: 20 })).valid)}`);
        ms.push(performance.now() - t);
      }
      return { ms, verdict: verdicts.join(' ') };
    },
  },
  tenkeys: {
    label: '10 keys: one undecidable (22 concurrent writes, reads that disagree), one plainly invalid',
    async run(check) {
      const h = tenKeys();
      const ms: number[] = [];
      let verdict = '';
      for (let round = 0; round < 2; round++) {
        const t = performance.now();
        const r = await check(h, { name: 'cas-register', init: 0 }, { timeout: 600 });
        ms.push(performance.now() - t);
        verdict = `${String(r.valid)} (key ${String(r.key)})`;
      }
      return { ms, verdict };
    },
  },
};

function generated(name: string, events: number, processes: number) {
  const spec = { name: 'cas-register', init: 0, options: { nilReadIsUnknown: false } };
  const make = async (bad: boolean) => {
    const { corrupt, generateRegisterHistory } = await import('./gen-register-history.ts');
    const h = generateRegisterHistory({ ops: events, keys: 10, processes, seed: 7 });
    return bad ? corrupt(h) : h;
  };
  const run = (bad: boolean) => async (check: Check) => {
    const h = await make(bad);
    // The generator's garbage is collected first, as a history read from a file would leave
    // little behind.
    (globalThis as { gc?: () => void }).gc?.();
    const ms: number[] = [];
    let verdict = '';
    for (let round = 0; round < 2; round++) {
      const t = performance.now();
      const r = await check(h, spec, { timeout: bad ? 10 : 60 });
      ms.push(performance.now() - t);
      verdict = `${String(r.valid)}${r.reason ? ` (${String(r.reason)})` : ''}, ${r.configurations} configurations`;
    }
    return { ms, verdict };
  };
  const n = events.toLocaleString('en');
  return {
    [`${name}`]: { label: `generated ${n}-event cas-register history, 10 keys, ${processes} processes, valid`, run: run(false) },
    [`${name}-corrupt`]: { label: `the same with one corrupted read`, run: run(true) },
  };
}

type Ev = Omit<Op, 'index' | 'time'>;
const asHistory = (evs: Ev[]): Op[] => evs.map((e, i) => ({ ...e, index: i, time: i }) as Op);

function fanout(k: number, read: unknown): Op[] {
  const evs: Ev[] = [];
  for (let i = 0; i < k; i++) evs.push({ process: i, type: 'invoke', f: 'write', value: i + 1 });
  for (let i = 0; i < k; i++) evs.push({ process: i, type: 'info', f: 'write', value: i + 1 });
  evs.push({ process: 100, type: 'invoke', f: 'read', value: null }, { process: 100, type: 'ok', f: 'read', value: read });
  return asHistory(evs);
}

function tenKeys(): Op[] {
  const evs: Ev[] = [];
  const n = 22;
  for (let i = 0; i < n; i++) evs.push({ process: 1000 + i, type: 'invoke', f: 'write', value: { key: 0, value: i + 1 } });
  for (let i = 0; i < n; i++) evs.push({ process: 1000 + i, type: 'ok', f: 'write', value: { key: 0, value: i + 1 } });
  for (let i = 0; i < n; i++) evs.push({ process: 1000 + i, type: 'invoke', f: 'read', value: { key: 0, value: null } });
  for (let i = 0; i < n; i++) evs.push({ process: 1000 + i, type: 'ok', f: 'read', value: { key: 0, value: i + 1 } });
  // Nine keys of a small valid history; one read of key 5 made impossible.
  let x = 12345;
  const rnd = (m: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % m);
  const state = new Array(10).fill(0);
  for (let round = 0; round < 2000; round++) {
    const p = round === 1000 ? 4 : rnd(9);
    const key = p + 1;
    if (round !== 1000 && rnd(2)) {
      const v = rnd(5);
      evs.push({ process: p, type: 'invoke', f: 'write', value: { key, value: v } }, { process: p, type: 'ok', f: 'write', value: { key, value: v } });
      state[key] = v;
    } else {
      const v = round === 1000 ? 77 : state[key];
      evs.push({ process: p, type: 'invoke', f: 'read', value: { key, value: null } }, { process: p, type: 'ok', f: 'read', value: { key, value: v } });
    }
  }
  return asHistory(evs);
}

/** In the child: one case, its figures as one JSON line. */
async function child(name: string): Promise<void> {
  const useDist = fs.existsSync(dist) && !process.env.BENCH_SOURCES;
  const mod = (await import(useDist ? pathToFileURL(dist).href : '../checkers/linearizable/index.ts')) as { checkLinearizable: Check };
  const c = CASES[name];
  const calibrationMs = Math.min(calibrate(), calibrate());
  const r = await c.run(mod.checkLinearizable);
  const figures: Figures = { case: name, label: c.label, calibrationMs, maxRssMiB: process.resourceUsage().maxRSS / 1024, ...r, note: `${r.note ? `${r.note}; ` : ''}${useDist ? 'dist' : 'sources'}` };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 1);
  const pick = process.env.BENCH_CASES?.split(',') ?? Object.keys(CASES);
  for (const name of pick) {
    if (!CASES[name]) throw new Error(`no linearizable bench case "${name}"; cases: ${Object.keys(CASES).join(', ')}`);
    const all: Figures[] = [];
    for (let k = 0; k < runs; k++) {
      const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), name], { cwd: root, encoding: 'utf8', maxBuffer: 2 ** 26 });
      all.push(JSON.parse(out.trim().split('\n').pop()!) as Figures);
    }
    const f = all[0];
    if (!f.ms.length) {
      console.log(`linearizable ${name}: ${f.label}: ${f.verdict} (${f.note})`);
      continue;
    }
    const cold = all.map((x) => x.ms[0]);
    const warm = all.map((x) => x.ms[1] ?? x.ms[0]);
    const ratio = (ms: number, cal: number) => (ms / cal).toFixed(1);
    const cal = median(all.map((x) => x.calibrationMs));
    const rss = Math.max(...all.map((x) => x.maxRssMiB));
    const times = (xs: number[]) => (xs.length > 1 ? `best ${Math.min(...xs).toFixed(0)} ms, median ${median(xs).toFixed(0)} ms` : `${xs[0].toFixed(0)} ms`);
    console.log(
      `linearizable ${name}: ${f.label}: ${f.verdict}; cold ${times(cold)} (${ratio(Math.min(...cold), cal)}x calibration), warm ${times(warm)} (${ratio(Math.min(...warm), cal)}x), peak RSS ${rss.toFixed(0)} MiB, calibration ${cal.toFixed(0)} ms${runs > 1 ? `, ${runs} runs` : ''} (${f.note})`,
    );
  }
}

if (process.argv[2] && import.meta.url === pathToFileURL(process.argv[1]).href) await child(process.argv[2]);
