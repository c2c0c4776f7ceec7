// The controller's sustained throughput against the built-in cas counter with --rate 0.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/jepsen-ts.js', import.meta.url));

export async function run(): Promise<void> {
  for (const [label, extra] of [['latency 0 ms', ['--latency', '0']], ['latency 2 ms (default)', []]] as const) {
    const store = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-bench-'));
    const args = ['run', 'counter', '--flavor', 'cas', '--rate', '0', '--time-limit', '15', '--seed', '1', '--store', store, ...extra];
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
    const dir = fs.realpathSync(path.join(store, 'latest'));
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'));
    const history = fs.readFileSync(path.join(dir, 'history.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    // Throughput over the main phase only: from the first to the last invocation before the final reads.
    const inv = history.filter((o: { type: string; process: unknown }) => o.type === 'invoke' && o.process !== 'nemesis');
    const done = history.filter((o: { type: string; process: unknown }) => o.type !== 'invoke' && o.process !== 'nemesis');
    const span = (inv[inv.length - 1].time - inv[0].time) / 1e9;
    console.log(`controller vs cas flavor, --rate 0, 10 workers, ${label}: ${(done.length / span).toFixed(0)} ops/s completed (${results.stats.ok} ok, ${results.stats.fail} fail, ${results.stats.info} info in ${span.toFixed(1)} s; exit ${r.status}, valid ${results.valid})`);
    fs.rmSync(store, { recursive: true, force: true });
  }
}
