// Cutting a node's stdout into lines (src/util/lines.ts): one 8 MB message read in 64 kB chunks
// (issue 15's hostile node answers with such texts; rescanning the line per chunk made each take
// seconds), and 100,000 small messages in the same chunks. Target: linear — the 8 MB line in well
// under 100 ms, the small ones at over 1 M lines/s.
import { performance } from 'node:perf_hooks';
import { LineSplitter } from '../src/util/lines.ts';

function time(text: string, chunk: number, reps: number): { ms: number; lines: number } {
  let lines = 0;
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) {
    const s = new LineSplitter();
    for (let i = 0; i < text.length; i += chunk) s.push(text.slice(i, i + chunk), () => lines++);
  }
  return { ms: (performance.now() - t0) / reps, lines: lines / reps };
}

export async function run(): Promise<void> {
  const big = `${JSON.stringify({ src: 'n1', dest: 'c1', body: { type: 'error', code: 13, text: 'A'.repeat(8 * 1024 * 1024), in_reply_to: 1 } })}\n`;
  const b = time(big, 65536, 10);
  console.log(`node-lines: one 8 MB line in 64 kB chunks: ${b.ms.toFixed(1)} ms`);
  const small = Array.from({ length: 100_000 }, (_, i) => JSON.stringify({ src: 'n1', dest: `c${i % 10}`, body: { type: 'read_ok', value: i, in_reply_to: i } })).join('\n') + '\n';
  const s = time(small, 65536, 5);
  console.log(`node-lines: ${s.lines} small lines (${(small.length / 2 ** 20).toFixed(1)} MiB) in 64 kB chunks: ${s.ms.toFixed(1)} ms (${Math.round(s.lines / s.ms * 1000).toLocaleString('en')} lines/s)`);
}
