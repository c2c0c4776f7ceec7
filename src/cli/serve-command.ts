// `jepsen-ts serve`: the store over HTTP until Ctrl-C (src/serve.ts does the serving).
import { explainResults } from '../../reports/explain/index.ts';
import { EXIT } from '../errors.ts';
import { startServer } from '../serve.ts';

export async function serveCommand(o: { store: string; port: number; host: string }): Promise<number> {
  const server = await startServer({ ...o, describe: (r) => explainResults(r, [], []).headline });
  process.stdout.write(`Serving ${o.store} at ${server.url} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return EXIT.valid;
}
