// The CLI's entry point (bin/jepsen-ts.js loads the compiled copy of this file).
import { main as cliMain } from '../cli.ts';
import { registries } from '../registries.ts';

export function main(args: string[]): Promise<number> {
  return cliMain(args, registries);
}
