// The history importers: the reference histories in test/fixtures/knossos (EDN), and a generated
// 1,000,000-event, 10-key, 50-process cas-register history written as JSONL and as EDN (one map
// per line, keys top-level as Porcupine writes them), read with readHistory (streaming, UTF-8
// checked, validated and paired). Target: the 1 M-event JSONL under 2 s.
// Run: node --import tsx bench/history-import.ts (or npm run bench -- history-import).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readHistory, readHistorySync } from '../src/history-read.ts';
import { toJson } from '../src/util/values.ts';
import { generateRegisterHistory } from './gen-register-history.ts';
import type { Op } from '../src/types.ts';

const root = fileURLToPath(new URL('../test/fixtures/knossos/', import.meta.url));
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

function ednValue(v: unknown): string {
  return v === null || v === undefined ? 'nil' : Array.isArray(v) ? `[${v.map(ednValue).join(' ')}]` : String(v);
}

function corpusFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...corpusFiles(path.join(dir, e.name)));
    else if (e.name.endsWith('.edn')) out.push(path.join(dir, e.name));
  }
  return out.sort();
}

async function timeRead(file: string, runs: number): Promise<{ best: number; cpu: number; ops: number }> {
  let best = Infinity;
  let cpu = Infinity;
  let ops = 0;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    const h = await readHistory(file);
    const used = process.cpuUsage(c);
    best = Math.min(best, performance.now() - t);
    cpu = Math.min(cpu, (used.user + used.system) / 1000);
    ops = h.length;
  }
  return { best, cpu, ops };
}

function writeGenerated(jsonl: string, edn: string): void {
  const h: Op[] = generateRegisterHistory({ ops: 1_000_000, keys: 10, processes: 50 });
  fs.writeFileSync(jsonl, `${h.map((o) => toJson(o)).join('\n')}\n`);
  const lines = h.map((o) => {
    const { key, value } = o.value as { key: number; value: unknown };
    return `{:process ${o.process}, :type :${o.type}, :f :${o.f}, :key ${key}, :value ${ednValue(value)}, :time ${o.time}, :index ${o.index}}`;
  });
  fs.writeFileSync(edn, `${lines.join('\n')}\n`);
}

export async function run(): Promise<void> {
  if (!fs.existsSync(root)) {
    console.log(`history-import: skipped the reference histories (${root} not found)`);
  } else {
    const files = corpusFiles(root);
    const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
    let best = Infinity;
    let events = 0;
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      events = 0;
      for (const f of files) events += readHistorySync(f).length;
      best = Math.min(best, performance.now() - t);
    }
    console.log(`history-import: ${files.length} reference histories (${mib(bytes)}, ${events} events) in ${best.toFixed(1)} ms (best of 5)`);
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-bench-import-'));
  try {
    const jsonl = path.join(dir, 'h.jsonl');
    const edn = path.join(dir, 'h.edn');
    writeGenerated(jsonl, edn); // (the generated ops are garbage by the time we read)
    for (const [name, file] of [['JSONL', jsonl], ['EDN', edn]] as const) {
      const r = await timeRead(file, 3);
      console.log(`history-import: generated ${name} history, ${r.ops} events (${mib(fs.statSync(file).size)}): ${r.best.toFixed(0)} ms (best of 3; ${r.cpu.toFixed(0)} ms CPU), RSS ${mib(process.memoryUsage().rss)}${name === 'JSONL' ? ' (target: < 2 s)' : ''}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
