// npm run bench [-- name ...]: runs the named benchmarks (all by default).
const benches: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  'counter-checker': () => import('./counter-checker.ts'),
  'controller-throughput': () => import('./controller-throughput.ts'),
  engine: () => import('./engine.ts'),
  linearizable: () => import('./linearizable.ts'),
  'history-import': () => import('./history-import.ts'),
  report: () => import('./report.ts'),
  elle: () => import('./elle.ts'),
  'node-lines': () => import('./node-lines.ts'),
};

const names = process.argv.slice(2);
for (const n of names) {
  if (!benches[n]) {
    console.error(`Unknown benchmark "${n}"; valid benchmarks are: ${Object.keys(benches).join(', ')}.`);
    process.exit(254);
  }
}
console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
for (const n of names.length ? names : Object.keys(benches)) await (await benches[n]()).run();
