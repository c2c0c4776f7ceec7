// A complete jepsen-ts test of an HTTP service (server.mjs, standing in for your system): run it
// with `npx jepsen-ts run ./examples/http-counter/test.ts [--mode atomic] [--nemesis kill]`.
import { fileURLToPath } from 'node:url';
import { dbs, defineTest, ErrorCode, workloads, type Client, type NodeHandle, type Op, type TestInfo } from 'jepsen-ts';

const PORT = 8080;
const server = fileURLToPath(new URL('./server.mjs', import.meta.url));

/** One client per worker, talking HTTP to its own node. */
export class CounterClient implements Client {
  constructor(private readonly url = '') {}

  async open(_test: TestInfo, node: NodeHandle): Promise<Client> {
    return new CounterClient(`http://${node.host}:${PORT}`);
  }

  async invoke(_test: TestInfo, op: Op, signal: AbortSignal) {
    const read = op.f === 'read';
    try {
      const res = read
        ? await fetch(`${this.url}/counter`, { signal })
        : await fetch(`${this.url}/counter/add`, { method: 'POST', body: JSON.stringify({ delta: op.value }), signal });
      const body = (await res.json()) as { value?: number; error?: string };
      if (res.ok) return { ...op, type: 'ok' as const, value: read ? body.value : op.value };
      // 503: the primary certainly never saw the request (fail); 504: it may have (info).
      const definite = res.status === 503;
      return { ...op, type: read || definite ? 'fail' as const : 'info' as const, error: { code: definite ? ErrorCode.temporarilyUnavailable : undefined, text: body.error ?? res.statusText } };
    } catch (e) {
      // Connection refused: the request never left, so it did not happen. A timeout or a reset
      // mid-request may have taken effect: indeterminate — unless it only read.
      const code = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      return { ...op, type: read || code === 'ECONNREFUSED' ? 'fail' as const : 'info' as const, error: code };
    }
  }

  async close() {}
}

/** The service as every node runs it (any provider: local processes, containers, SSH hosts). */
export const httpCounter = dbs.daemon({
  name: 'http-counter',
  port: PORT,
  command: () => [process.execPath, server],
  env: (test, node) => ({
    NODE: node.name, HOST: node.host, PORT: String(PORT), MODE: String(test.opts.mode ?? 'atomic'),
    NODES: test.cluster!.nodes.map((n) => `${n.name}=${n.host}:${PORT}`).join(','),
  }),
});

export default defineTest({
  name: 'http-counter',
  description: 'An HTTP counter service: adds forwarded to a primary that persists the value',
  workload: workloads.counter(),
  client: () => new CounterClient(),
  db: httpCounter,
  options: [{ name: 'mode', type: 'string', default: 'naive', choices: ['naive', 'atomic'], description: 'How nodes add: naive (read, then write) or atomic' }],
  defaults: { nodeCount: 3 },
});
