// The controller's sustained throughput against the built-in counter with --rate 0: the cas
// flavor (every add a get and a compare-and-set at the primary n1, contended) and the crdt flavor
// (no shared state: what the controller and the local provider can carry at all).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/jepsen-ts.js', import.meta.url));
const TIME_LIMIT_S = 15;

interface Event {
  type: string;
  process: unknown;
  time: number;
  node?: string;
}

const CASES: Array<[string, string[]]> = [
  ['cas, latency 0 ms', ['--flavor', 'cas', '--latency', '0']],
  ['cas, latency 2 ms (default)', ['--flavor', 'cas']],
  ['crdt, latency 0 ms', ['--flavor', 'crdt', '--latency', '0']],
];

export async function run(): Promise<void> {
  for (const [label, extra] of CASES) {
    const store = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-bench-'));
    const args = ['run', 'counter', '--rate', '0', '--time-limit', String(TIME_LIMIT_S), '--seed', '1', '--store', store, ...extra];
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
    const dir = fs.realpathSync(path.join(store, 'latest'));
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'));
    const history = fs.readFileSync(path.join(dir, 'history.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event);
    const ops = history.filter((o) => o.process !== 'nemesis');
    // The main phase only: operations invoked within the time limit (the final reads come after a
    // pause for recovery, and would dilute the rate), from the first invocation to the last
    // completion among them. The first seconds count too: JIT warm-up is part of every run.
    const start = ops[0].time;
    const end = start + TIME_LIMIT_S * 1e9;
    const invokedAt = new Map<unknown, number>();
    let done = 0;
    let last = start;
    let onPrimary = 0;
    let steady = 0;
    for (const o of ops) {
      if (o.type === 'invoke') {
        invokedAt.set(o.process, o.time);
        continue;
      }
      if ((invokedAt.get(o.process) ?? Infinity) > end) continue;
      done++;
      last = Math.max(last, o.time);
      if (o.node === 'n1') onPrimary++;
      if (o.time > start + 5e9) steady++;
    }
    const span = (last - start) / 1e9;
    console.log(
      `controller vs counter ${label}, --rate 0, 10 workers: ${(done / span).toFixed(0)} ops/s over the ${span.toFixed(1)} s main phase ` +
        `(${((steady / Math.max(span - 5, 1e-9))).toFixed(0)} ops/s after the first 5 s; ${((100 * onPrimary) / done).toFixed(0)} % by the 2 workers on n1; ` +
        `${results.stats.ok} ok, ${results.stats.fail} fail, ${results.stats.info} info; exit ${r.status}, valid ${results.valid})`,
    );
    fs.rmSync(store, { recursive: true, force: true });
  }
}
