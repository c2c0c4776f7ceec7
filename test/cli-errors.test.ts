// Bad input and broken nodes: one clear sentence, the right exit code, nothing left running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, cli, readHistory, runDir, tempStore } from './helpers.ts';
import { spawn } from 'node:child_process';

const fixture = (f: string) => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url));
const oneSentence = (s: string) => s.trim().split('\n').length === 1 && !/\bat .*\.ts:\d+/.test(s);

test('an unknown nemesis is one sentence naming the valid ones, exit 254', async () => {
  const r = await cli(['run', 'counter', '--nemesis', 'nonsense']);
  assert.equal(r.code, 254);
  assert.ok(oneSentence(r.stderr), r.stderr);
  assert.match(r.stderr, /nonsense.*partition, kill, pause, packet/);
});

test('unknown workload, flavor, option or bad number: exit 254 with one sentence', async () => {
  for (const args of [['run', 'countr'], ['run', 'counter', '--flavor', 'x'], ['run', 'counter', '--bogus'], ['run', 'counter', '--node-count', '0'], ['run', 'counter', '--partition-shape', 'donut'], ['run', 'counter', '--nemesis', 'packet', '--packet', 'bogus'], ['run', 'counter', '--pause-targets', 'most']]) {
    const r = await cli(args);
    assert.equal(r.code, 254, args.join(' '));
    assert.ok(oneSentence(r.stderr), `${args.join(' ')}: ${r.stderr}`);
  }
});

test('a node that exits at start-up ends the run: exit 2, naming the node and its stderr', async () => {
  const dir = tempStore();
  const bin = path.join(dir, 'crash.sh');
  fs.writeFileSync(bin, '#!/bin/sh\necho "cannot open database" >&2\nexit 3\n', { mode: 0o755 });
  const r = await cli(['run', 'counter', '--bin', bin, '--time-limit', '2']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /^Node n\d exited during start-up \(code 3.*cannot open database/m);
});

test('a node that never answers init ends the run: exit 2, and nothing is left running', async () => {
  const dir = tempStore();
  const bin = path.join(dir, 'mute.sh');
  const marker = `mute-${process.pid}-${Date.now()}`;
  fs.writeFileSync(bin, `#!/bin/sh\necho "warming up" >&2\nexec sleep 300 # ${marker}\n`, { mode: 0o755 });
  const r = await cli(['run', 'counter', '--bin', bin, '--init-timeout', '1', '--time-limit', '2']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /^Node n\d did not answer init within 1 s; last stderr lines: warming up/m);
  const ps = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('sleep') && !/\) Z /.test(stat) && fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('300');
    } catch {
      return false;
    }
  });
  assert.deepEqual(ps, [], 'no node process survives');
  void marker;
});

test('a missing --bin is one sentence, exit 254', async () => {
  const r = await cli(['run', 'counter', '--bin', '/nonexistent/node']);
  assert.equal(r.code, 254);
  assert.match(r.stderr, /no such file/);
});

test('--bin runs a Maelstrom-style node using the lin-kv service; seq-kv shows stale reads', async () => {
  const lin = await cli(['run', 'counter', '--bin', fixture('kv-counter.mjs'), '--bin-arg=--service', '--bin-arg=lin-kv', '--time-limit', '4']);
  assert.equal(lin.code, 0, lin.stdout + lin.stderr);
  const seq = await cli(['run', 'counter', '--bin', fixture('kv-counter.mjs'), '--bin-arg=--service', '--bin-arg=seq-kv', '--time-limit', '4', '--rate', '200']);
  assert.equal(seq.code, 1, 'sequentially consistent reads are not linearizable');
});

test('the same --seed gives every worker the same sequence of invocations', async () => {
  // Grouped by worker (process mod concurrency): a worker whose op ends indeterminate continues
  // as a new process, and under heavy load an op can time out in one run and not the other.
  const perWorker = async () => {
    const r = await cli(['run', 'counter', '--flavor', 'cas', '--seed', '42', '--time-limit', '3']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const m = new Map<number, string[]>();
    for (const o of readHistory(runDir(r))) {
      if (o.type === 'invoke' && o.process !== 'nemesis') m.set(o.process % 10, [...(m.get(o.process % 10) ?? []), `${o.f}:${o.value}`]);
    }
    // The final phase reads until a read succeeds: under load one run may need a retry. Compare
    // the main phase: drop the trailing reads.
    for (const xs of m.values()) while (xs.length && xs[xs.length - 1] === 'read:null') xs.pop();
    return m;
  };
  const a = await perWorker();
  const b = await perWorker();
  assert.equal(a.size, 10);
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
  // How many planned ops fit before the time limit depends on how fast the machine answered:
  // a loaded run may stop a few ops early. The sequences themselves must agree, so the shorter
  // is a prefix of the longer, and both are long enough to mean something.
  for (const [w, xs] of a) {
    const ys = b.get(w)!;
    const n = Math.min(xs.length, ys.length);
    assert.ok(n > 5, `worker ${w} did ops in both runs`);
    assert.deepEqual(ys.slice(0, n), xs.slice(0, n), `worker ${w}`);
  }
});

test('Ctrl-C mid-run tears everything down, still writes the report, and exits 2', async () => {
  const store = tempStore();
  const child = spawn(process.execPath, [BIN, 'run', 'counter', '--nemesis', 'partition,kill', '--nemesis-interval', '1', '--time-limit', '60', '--store', store], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (/ok [1-9]\d* /.test(out)) { // some ops have completed: the run is under way
        clearInterval(poll);
        resolve();
      }
    }, 100);
  });
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 2, out);
  const dir = fs.realpathSync(path.join(store, 'latest'));
  for (const f of ['history.jsonl', 'results.json', 'report.html']) assert.ok(fs.existsSync(path.join(dir, f)), f);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')).interrupted, true);
  const pids = fs.readdirSync(path.join(dir, 'nodes')).flatMap((n) =>
    [...fs.readFileSync(path.join(dir, 'nodes', n, 'node.log'), 'utf8').matchAll(/^--- pid (\d+)$/gm)].map((m) => Number(m[1])));
  assert.ok(pids.length >= 5);
  const running = pids.filter((p) => {
    try {
      return !/\) Z /.test(fs.readFileSync(`/proc/${p}/stat`, 'utf8'));
    } catch {
      return false;
    }
  });
  assert.deepEqual(running, [], 'no node process survives');
});
