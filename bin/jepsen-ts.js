#!/usr/bin/env node
// Entry point of the CLI: runs the TypeScript sources through tsx, so `npm install` is all it takes
// (and user modules passed by path may be TypeScript too).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
const { registries } = await import('./registries.ts');
const code = await main(process.argv.slice(2), registries);
process.exitCode = code;
// Flush stdout before leaving; anything still open (timers, sockets) must not keep us alive.
process.stdout.write('', () => process.exit(code));
