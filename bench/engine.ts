// The engine alone: generator + scheduler + interpreter + history recording, against a client
// that answers at once (no system, no network), 10 workers, --rate 0. Measured on the compiled
// package (as users run it), in a child process: ops per second of wall time and per second of
// CPU during the run's main phase.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const index = pathToFileURL(fileURLToPath(new URL('../dist/src/index.js', import.meta.url))).href;

const script = (store: string, seconds: number) => `
import { defineTest, run, workloads } from ${JSON.stringify(index)};
let v = 0;
class Instant {
  async open() { return new Instant(); }
  async invoke(_t, op) { if (op.f === 'add') v += op.value; return { ...op, type: 'ok', value: op.f === 'read' ? v : op.value }; }
  async close() {}
}
const t = defineTest({ name: 'engine', workload: workloads.counter(), client: () => new Instant() });
let c0 = process.cpuUsage(), cpu, w0 = 0, wall = 0;
const r = await run(t, { rate: 0, concurrency: 10, timeLimit: ${seconds}, recoveryTime: 0, store: ${JSON.stringify(store)} }, {
  onPhase(p) { if (p === 'running') { c0 = process.cpuUsage(); w0 = performance.now(); } if (p === 'tearing down') { cpu = process.cpuUsage(c0); wall = performance.now() - w0; } },
});
const ops = r.history.filter((o) => o.type !== 'invoke').length;
console.log(JSON.stringify({ ops, cpu: (cpu.user + cpu.system) / 1e6, wall: wall / 1000, valid: r.valid }));
`;

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-bench-'));
  try {
    const file = path.join(dir, 'engine.mjs');
    fs.writeFileSync(file, script(path.join(dir, 'store'), 10));
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
      const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ops: number; cpu: number; wall: number; valid: unknown };
      console.log(`engine alone (instant client, 10 workers, --rate 0, 10 s): ${(m.ops / m.wall).toFixed(0)} ops/s wall, ${(m.ops / m.cpu).toFixed(0)} ops per CPU-second (${m.ops} ops; valid ${String(m.valid)})`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
