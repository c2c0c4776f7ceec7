#!/usr/bin/env node
// Entry point of the CLI: the compiled package (dist/). A test module given by path may be
// TypeScript: the CLI loads it through tsx, so users need nothing but `npm install`.
import fs from 'node:fs';

const cli = new URL('../dist/src/cli/main.js', import.meta.url);
if (!fs.existsSync(cli)) {
  process.stderr.write('jepsen-ts is not built in this checkout: run `npm run build` (npm install does it).\n');
  process.exit(254);
}
const { main } = await import(cli.href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Flush stdout before leaving; anything still open (timers, sockets) must not keep us alive.
process.stdout.write('', () => process.exit(code));
