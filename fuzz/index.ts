// npm run fuzz [-- --cases N --seed S --budget SECONDS --workers N --cli-every K --keep]
//
// Issue 15's fuzz run: mutated histories (the real ones in test/fixtures/knossos and generated
// ones; bytes flipped, cut, nested deep, prototype keys, huge numbers, odd times, f's, types and
// values…) checked through the command line's own main() — parse, validate, check, report, the
// exit-code mapping — on worker threads, each case bounded in time. Every case must end in a
// verdict (0, 1, 2) or one printable sentence with exit 254: an exit 255, an exception escaping
// main(), a case past its deadline (a hang), a 254 of more than one line, or a report over 10 MB
// fails the run (exit 1), with what is needed to replay the case. Every K-th case also runs
// through bin/jepsen-ts.js (the compiled CLI, in its own process) and must give the same exit code.
// Prints the distribution of exit codes, verdicts and kinds of refusal.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Rng } from '../src/rng.ts';
import { workerUrl } from '../src/util/paths.ts';
import { MUTATION_NAMES, SEMANTIC_MUTATION_NAMES, mutate } from './mutations.ts';
import { seeds, type Seed } from './seeds.ts';
import type { FuzzAnswer, FuzzJob } from './worker.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin/jepsen-ts.js');
const HISTORIES = process.env.JEPSEN_HISTORIES ?? path.join(ROOT, 'test/fixtures/knossos');
const MODELS = ['register', 'cas-register', 'multi-register', 'mutex', 'fifo-queue', 'set', 'counter'];
const INITS = ['0', 'null', '"abc"', '{}', '[1,2]', '{"x":0,"y":0}', '9007199254740993', '{"__proto__":1}', `${'['.repeat(2000)}${']'.repeat(2000)}`, 'nope'];
const CHECK_TIMEOUT_S = 5;
const MAX_REPORT = 10e6;

function flags(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)$/.exec(argv[i]);
    if (!m) throw new Error(`fuzz: unexpected argument ${argv[i]}`);
    out[m[1]] = argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : 'true';
  }
  return out;
}
const opt = flags(process.argv.slice(2));
const CASES = Number(opt.cases ?? 1200);
const SEED = Number(opt.seed ?? 15);
const BUDGET_MS = Number(opt.budget ?? 1800) * 1000;
const WORKERS = Math.max(1, Number(opt.workers ?? 2));
const CLI_EVERY = Number(opt['cli-every'] ?? 50);
/** A case that has not answered by then hangs (the check itself gives up after CHECK_TIMEOUT_S). */
const DEADLINE_MS = Number(opt.deadline ?? 60) * 1000;

interface Case {
  id: number;
  seed: string;
  mutations: Array<{ name: string; r: number; s: number }>;
  file: string;
  args: string[];
  report?: string;
  json: boolean;
}

interface Outcome extends Case {
  code: number | 'hang';
  ms: number;
  stdout: string;
  stderr: string;
  problems: string[];
}

/** The cases, all drawn from one seeded stream: the same seed gives the same cases. */
function makeCases(all: Seed[], dir: string): Case[] {
  const rng = new Rng(SEED);
  const names = [...MUTATION_NAMES, ...SEMANTIC_MUTATION_NAMES];
  const out: Case[] = [];
  for (let id = 0; id < CASES; id++) {
    const seed = rng.pick(all);
    // Mostly mutations that keep the history readable, so that many cases reach the checker (the
    // byte-level ones are fuzzed harder, on the parser alone, in test/history-import-fuzz.test.ts).
    const mutations = Array.from({ length: rng.int(0, 3) }, () => ({ name: rng.bool(0.6) ? rng.pick(SEMANTIC_MUTATION_NAMES) : rng.pick(names), r: rng.int(0, 2 ** 31 - 1), s: rng.int(0, 2 ** 31 - 1) }));
    const ext = rng.bool(0.05) ? (seed.format === 'edn' ? 'jsonl' : 'edn') : seed.format;
    const file = path.join(dir, `case-${id}.${ext}`);
    fs.writeFileSync(file, mutate(seed.bytes, mutations));
    const model = rng.bool(0.8) ? seed.model : rng.pick(MODELS);
    // Now and then a deadline too short for any search: the unknown path.
    const args = ['check', file, '--model', model, '--check-timeout', rng.bool(0.04) ? '0.001' : String(CHECK_TIMEOUT_S)];
    if (rng.bool(0.1)) args.push('--init', rng.pick(INITS));
    else if (seed.init !== undefined && model === seed.model) args.push('--init', seed.init);
    if (rng.bool(0.05)) args.push('--independent');
    const json = rng.bool(0.2);
    if (json) args.push('--json');
    const report = rng.bool(0.15) ? path.join(dir, `case-${id}.html`) : undefined;
    if (report) args.push('--report', report);
    out.push({ id, seed: seed.name, mutations, file, args, report, json });
  }
  return out;
}

/** What is wrong with a case's outcome, if anything. */
function problems(c: Case, code: number | 'hang', stdout: string, stderr: string): string[] {
  const p: string[] = [];
  if (code === 'hang') return [`no answer within ${DEADLINE_MS / 1000} s (a hang)`];
  if (![0, 1, 2, 254].includes(code)) p.push(`exit ${code}${code === 255 ? ' (a crash)' : ''}: ${stderr.trim().split('\n')[0]?.slice(0, 300)}`);
  if (code === 254) {
    let e = stderr.trim();
    if (c.json && !e) {
      // --json says why a history is refused in its output (bad arguments, on stderr).
      try {
        e = String((JSON.parse(stdout) as { refused?: unknown }).refused ?? '');
      } catch {
        p.push('--json printed something that is not JSON');
      }
    }
    if (e.includes('\n')) p.push('more than one line on stderr');
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(e)) p.push('control characters on stderr');
    if (!e) p.push('exit 254 with nothing said');
  }
  if ([0, 1, 2].includes(code)) {
    if (c.json) {
      try {
        const v = (JSON.parse(stdout) as { valid?: unknown }).valid;
        if (v !== [true, false, 'unknown'][code]) p.push(`--json says valid ${String(v)} but the exit code is ${code}`);
      } catch {
        p.push('--json printed something that is not JSON');
      }
    } else if (!['Linearizable.', 'NOT linearizable.', 'Unknown:'].some((w, i) => i === code && stdout.includes(w))) p.push(`no verdict matching exit ${code} on stdout`);
    if (c.report) {
      const size = fs.existsSync(c.report) ? fs.statSync(c.report).size : -1;
      if (size < 0) p.push('no report written');
      else if (size > MAX_REPORT) p.push(`report of ${size} bytes`);
    }
  }
  return p;
}

/** What kind of answer a case got, for the distribution. */
function kind(code: number | 'hang', stdout: string, stderr: string, file: string): string {
  // (A --json refusal is a JSON string in stdout.)
  if (code === 'hang') return 'hang';
  if (code === 0) return 'linearizable';
  if (code === 1) return 'NOT linearizable';
  if (code === 2) return `unknown: ${(/Unknown: ([^(.]*)/.exec(stdout)?.[1] ?? /"reason": "([^"(]*)/.exec(stdout)?.[1] ?? '?').trim()}`;
  if (code !== 254) return `exit ${code}`;
  let said = stderr;
  if (code === 254 && !stderr.trim()) {
    try {
      said = String((JSON.parse(stdout) as { refused?: unknown }).refused);
    } catch {
      said = stdout;
    }
  }
  // The sentence without the file name, numbers, quoted parts and values: its kind.
  const s = said.trim().split('\n')[0].split(file).join('FILE').replace(/^FILE(:\d+)?:\s*/, '').replace(/"[^"]*"/g, '"…"').replace(/0x[0-9a-f]+/gi, '0x…').replace(/\d+/g, 'N');
  return `refused: ${s.replace(/( of | at | for ).*$/, '$1…').slice(0, 90)}`;
}

/** Runs the cases on a pool of worker threads, each case with its deadline. */
async function runCases(cases: Case[], started: number): Promise<Outcome[]> {
  const results: Outcome[] = [];
  let next = 0;
  const entry = workerUrl(fileURLToPath(new URL('./worker.ts', import.meta.url)));
  const lane = async () => {
    let w = new Worker(entry);
    while (next < cases.length && performance.now() - started < BUDGET_MS) {
      const c = cases[next++];
      const answer = await new Promise<FuzzAnswer | 'hang'>((resolve) => {
        const timer = setTimeout(() => resolve('hang'), DEADLINE_MS);
        const onMessage = (a: FuzzAnswer) => {
          clearTimeout(timer);
          w.off('error', onError);
          resolve(a);
        };
        const onError = (e: Error) => {
          clearTimeout(timer);
          w.off('message', onMessage);
          resolve({ id: c.id, code: -1, stdout: '', stderr: `the worker died: ${e.stack ?? e.message}`, ms: 0 });
        };
        w.once('message', onMessage);
        w.once('error', onError);
        w.postMessage({ id: c.id, args: c.args } satisfies FuzzJob);
      });
      if (answer === 'hang' || answer.code === -1) {
        // Stuck (or dead): stop it, and go on with a fresh worker.
        await w.terminate();
        w = new Worker(entry);
      }
      const code = answer === 'hang' ? 'hang' : answer.code;
      const stdout = answer === 'hang' ? '' : answer.stdout;
      const stderr = answer === 'hang' ? '' : answer.stderr;
      results.push({ ...c, code, ms: answer === 'hang' ? DEADLINE_MS : answer.ms, stdout, stderr, problems: problems(c, code, stdout, stderr) });
      const done = results.length;
      if (done % 100 === 0) process.stderr.write(`  ${done} cases, ${Math.round((performance.now() - started) / 1000)} s\n`);
    }
    await w.terminate();
  };
  await Promise.all(Array.from({ length: WORKERS }, lane));
  return results.sort((a, b) => a.id - b.id);
}

/** The same case through the compiled CLI in its own process: its exit code. */
function viaCli(c: Case): Promise<number | 'hang'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...c.args.map((a) => (a === c.report ? `${a}.cli.html` : a))], { stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('hang');
    }, DEADLINE_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
}

const tally = (xs: string[]) => [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>())].sort((a, b) => b[1] - a[1]);

const started = performance.now();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-fuzz-'));
let failed = false;
try {
  const all = seeds(HISTORIES);
  const cases = makeCases(all, dir);
  console.log(`fuzz: ${cases.length} cases from ${all.length} seed histories (${HISTORIES}), seed ${SEED}, ${WORKERS} workers, check timeout ${CHECK_TIMEOUT_S} s, deadline ${DEADLINE_MS / 1000} s a case, budget ${BUDGET_MS / 1000} s`);
  const results = await runCases(cases, started);
  const cli: string[] = [];
  if (CLI_EVERY > 0) {
    for (const r of results.filter((x) => x.id % CLI_EVERY === 0)) {
      const code = await viaCli(r);
      if (code !== r.code) r.problems.push(`bin/jepsen-ts.js exits ${code}, main() returned ${r.code}`);
      cli.push(`${code === r.code ? 'same' : 'DIFFERENT'}`);
    }
  }
  const wall = (performance.now() - started) / 1000;
  console.log(`\n${results.length} cases in ${wall.toFixed(0)} s (slowest ${Math.max(...results.map((r) => r.ms)).toFixed(0)} ms; ${results.filter((r) => r.mutations.length === 0).length} unmutated)`);
  console.log('\nexit codes:');
  for (const [k, n] of tally(results.map((r) => String(r.code)))) console.log(`  ${k.padStart(4)}  ${n}`);
  console.log('\nanswers:');
  for (const [k, n] of tally(results.map((r) => kind(r.code, r.stdout, r.stderr, r.file)))) console.log(`  ${String(n).padStart(5)}  ${k}`);
  if (cli.length) console.log(`\nthrough bin/jepsen-ts.js: ${cli.length} cases, ${cli.filter((x) => x === 'same').length} with the same exit code`);
  const bad = results.filter((r) => r.problems.length);
  if (results.length < CASES) {
    console.log(`\nFAILED: the time budget ran out after ${results.length} of ${CASES} cases.`);
    failed = true;
  }
  if (bad.length) {
    failed = true;
    const keep = path.join(os.tmpdir(), `jepsen-fuzz-failures-${SEED}`);
    fs.mkdirSync(keep, { recursive: true });
    console.log(`\nFAILED: ${bad.length} cases (inputs kept in ${keep}):`);
    for (const r of bad.slice(0, 20)) {
      fs.copyFileSync(r.file, path.join(keep, path.basename(r.file)));
      console.log(`  case ${r.id} (${r.seed}; ${r.mutations.map((m) => m.name).join(', ') || 'unmutated'}): ${r.problems.join('; ')}\n    replay: node bin/jepsen-ts.js ${r.args.map((a) => (a === r.file ? path.join(keep, path.basename(r.file)) : a)).map((a) => (/^[\w./:,=-]+$/.test(a) ? a : `'${a.slice(0, 60)}'`)).join(' ')}`);
    }
  } else if (!failed) console.log('\nno crash, no hang: every case a verdict or one sentence with exit 254.');
} finally {
  if (opt.keep === undefined) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`cases kept in ${dir}`);
}
process.exit(failed ? 1 : 0);
