// The network of a cluster of Linux nodes (Jepsen's jepsen.net): partitions as iptables rules in
// the run's own chain, packet faults as tc netem on the links named. Written once over Remote:
// the docker provider runs these commands in the node's container (or in a helper container
// joined to its network namespace, for images without the tools), the ssh provider on the host.
import type { Grudge, LinkBehaviour, Net, Remote } from '../types.ts';
import { shOn } from '../remote-shell.ts';
import { dropScript, flushScript, setupScript, teardownScript } from './iptables.ts';
import { clearAllScript, clearScript, probeScript, routeDeviceScript, shapeScript } from './netem.ts';

export interface NetNode {
  name: string;
  /** The IP address the other nodes send to this node from. */
  address: string;
  /** Where this node's iptables and tc run (its own shell, or a helper in its namespace). */
  remote: Remote;
}

interface NodeState {
  drops: string[];
  shaped: { peers: string[]; behaviour: LinkBehaviour } | null;
  dev: string | null;
}

export class LinuxNet implements Net {
  private readonly state = new Map<string, NodeState>();

  constructor(private readonly nodes: () => readonly NetNode[], private readonly chain: string) {}

  private node(name: string): NetNode {
    const n = this.nodes().find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  private st(name: string): NodeState {
    let s = this.state.get(name);
    if (!s) this.state.set(name, (s = { drops: [], shaped: null, dev: null }));
    return s;
  }

  /** Creates the run's chain on every node. */
  async setup(): Promise<void> {
    await Promise.all(this.nodes().map((n) => shOn(n.remote, n.name, setupScript(this.chain))));
  }

  async partition(grudge: Grudge): Promise<void> {
    await Promise.all(this.nodes().map(async (n) => {
      const drops = (grudge[n.name] ?? []).map((src) => this.node(src).address);
      await shOn(n.remote, n.name, dropScript(this.chain, drops));
      this.st(n.name).drops = drops;
    }));
  }

  async heal(): Promise<void> {
    await Promise.all(this.nodes().map(async (n) => {
      await shOn(n.remote, n.name, flushScript(this.chain));
      this.st(n.name).drops = [];
    }));
  }

  /** The interface this node reaches its peers on. */
  private async dev(n: NetNode): Promise<string> {
    const s = this.st(n.name);
    if (s.dev) return s.dev;
    const peer = this.nodes().find((m) => m.name !== n.name)?.address ?? n.address;
    const dev = (await shOn(n.remote, n.name, routeDeviceScript(peer))).trim();
    if (!dev) throw new Error(`${n.name}: no route to ${peer}`);
    s.dev = dev === 'lo' ? 'lo' : dev;
    return s.dev;
  }

  /** Whether the kernel can shape (prio, netem, u32 filters); the reason when it cannot. */
  async probeShaping(): Promise<string | null> {
    const n = this.nodes()[0];
    const r = await n.remote.exec(['sh', '-c', probeScript(await this.dev(n))], { timeoutMs: 30_000 });
    return r.code === 0 ? null : (r.stderr || r.stdout).trim() || `exit ${r.code}`;
  }

  /** netem on the packets each node sends over the given links (null: every link restored). */
  async shape(links: Array<[string, string]>, b: LinkBehaviour | null): Promise<void> {
    const peersOf = new Map<string, Set<string>>();
    if (b !== null) {
      for (const [from, to] of links) {
        if (!peersOf.has(from)) peersOf.set(from, new Set());
        peersOf.get(from)!.add(this.node(to).address);
      }
    }
    await Promise.all(this.nodes().map(async (n) => {
      const s = this.st(n.name);
      const peers = peersOf.get(n.name);
      if (!peers || b === null) {
        if (s.shaped || b === null) await shOn(n.remote, n.name, clearScript(await this.dev(n)));
        s.shaped = null;
        return;
      }
      await shOn(n.remote, n.name, shapeScript(await this.dev(n), [...peers], b));
      s.shaped = { peers: [...peers], behaviour: b };
    }));
  }

  /** Puts this node's rules and shaping back (its network namespace was made anew: a container
   *  restarted after a kill). */
  async reapply(name: string): Promise<void> {
    const n = this.node(name);
    const s = this.st(name);
    s.dev = null;
    await shOn(n.remote, n.name, `${setupScript(this.chain)} && ${dropScript(this.chain, s.drops)}`);
    if (s.shaped) await shOn(n.remote, n.name, shapeScript(await this.dev(n), s.shaped.peers, s.shaped.behaviour));
  }

  /** Removes the chain and our qdiscs from every node; never throws. */
  async teardown(): Promise<void> {
    await Promise.all(this.nodes().map(async (n) => {
      await n.remote.exec(['sh', '-c', `${teardownScript(this.chain)}; ${clearAllScript()}`], { timeoutMs: 30_000 }).catch(() => undefined);
    }));
  }
}
