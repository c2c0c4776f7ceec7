// Running the real CLI in tests.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/jepsen-ts.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  store: string;
}

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A store for one test's runs, removed when the test process exits. */
export function tempStore(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-store-'));
  made.push(d);
  return d;
}

export function cli(args: string[], opts: { store?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const store = opts.store ?? tempStore();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, ...(args[0] === 'run' && !args.includes('--store') ? ['--store', store] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`jepsen-ts ${args.join(' ')} took over ${opts.timeoutMs ?? 120_000} ms\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, store });
    });
  });
}

export function readJson<T = any>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function readHistory(dir: string): any[] {
  return fs.readFileSync(path.join(dir, 'history.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** The run directory printed in the summary. */
export function runDir(r: CliResult): string {
  const m = /Report: (.*)\/report\.html/.exec(r.stdout);
  if (!m) throw new Error(`no report path in output:\n${r.stdout}\n${r.stderr}`);
  return m[1];
}
