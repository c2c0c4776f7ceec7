// What every built-in node program starts with: its flavor and timing flags, the protocol
// runtime, and a way to call (or, on n1, to be) the primary copy.
import { PrimaryStore, primaryCaller, servePrimary } from './primary-store.ts';
import { type Body, Node, arg } from './runtime.ts';

export function demoNode(system: string, flavors: readonly string[], defaultFlavor: string) {
  const flavor = arg('flavor', defaultFlavor);
  if (!flavors.includes(flavor)) {
    process.stderr.write(`unknown ${system} flavor ${flavor}\n`);
    process.exit(2);
  }
  const rpcTimeout = Number(arg('rpc-timeout', '1000'));
  const gossipMs = Number(arg('gossip-interval', '250'));
  const dataDir = process.env.JEPSEN_DATA_DIR ?? process.cwd();
  const node = new Node();
  let store: { handle(body: Body): Body } | null = null;
  const primary = () => node.nodeIds[0];
  return {
    flavor,
    rpcTimeout,
    gossipMs,
    dataDir,
    node,
    primary,
    callPrimary: primaryCaller(node, primary, () => store, rpcTimeout),
    /** On the primary, opens the store (from the data directory) and serves it. Call after init. */
    servePrimaryStore(leaseMs = 2000): void {
      if (node.id !== primary()) return;
      const s = new PrimaryStore(dataDir, leaseMs);
      s.install(node);
      store = s;
    },
    /** On the primary, serves another primary-side state machine (the lock table). Call after init. */
    serveOnPrimary(handler: { handle(body: Body): Body }, types: { idempotent: string[]; once: string[] }): void {
      if (node.id !== primary()) return;
      servePrimary(node, (b) => handler.handle(b), types);
      store = handler;
    },
  };
}
