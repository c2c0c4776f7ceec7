// The network of the local provider. Every message between nodes, clients and services passes
// through here, so partitions, latency and loss are exact and need no root.
//
// Faults apply to node-to-node links only: a client talks to its own node over a link the nemesis
// leaves alone, as Jepsen's clients do; services (lin-kv...) are reachable like Maelstrom's.
import type { Grudge, LinkBehaviour } from '../../types.ts';
import type { Rng } from '../../rng.ts';
import type { DropReason, NetLog } from './net-log.ts';

export interface Message {
  src: string;
  dest: string;
  body: MessageBody;
}

export interface MessageBody {
  type: string;
  msg_id?: number;
  in_reply_to?: number;
  [k: string]: unknown;
}

export interface Endpoint {
  /** Delivers a message to this endpoint. */
  deliver(msg: Message): void;
  /** Whether it can receive right now (a killed node cannot). */
  up(): boolean;
}

export type LatencyDist = 'constant' | 'uniform' | 'exponential';

export interface RouterOptions {
  latencyMs: number;
  latencyDist: LatencyDist;
  /** Probability that a node-to-node message is dropped. */
  loss: number;
  rng: Rng;
  /** Where every message is counted and logged (net.jsonl). */
  log?: NetLog;
}

export interface RouterStats {
  sent: number;
  delivered: number;
  droppedPartition: number;
  droppedLoss: number;
  droppedDown: number;
}

const isNode = (id: string) => /^n\d+$/.test(id);

export class Router {
  private readonly endpoints = new Map<string, Endpoint>();
  /** Every id ever registered: a reply to a client that has since closed goes to a known address. */
  private readonly known = new Set<string>();
  /** dest -> the sources whose messages it drops. */
  private grudge = new Map<string, Set<string>>();
  private readonly shaped = new Map<string, LinkBehaviour>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  readonly stats: RouterStats = { sent: 0, delivered: 0, droppedPartition: 0, droppedLoss: 0, droppedDown: 0 };
  /** Called for messages to an endpoint that is down (so the client side can refuse at once). */
  onUndeliverable: ((msg: Message) => void) | null = null;

  constructor(private readonly opts: RouterOptions) {}

  register(id: string, endpoint: Endpoint): void {
    this.endpoints.set(id, endpoint);
    this.known.add(id);
  }

  /** Whether a message to this id is addressed to something of this network (now or before). */
  exists(id: string): boolean {
    return this.known.has(id);
  }

  unregister(id: string): void {
    this.endpoints.delete(id);
  }

  partition(grudge: Grudge): void {
    this.grudge = new Map(Object.entries(grudge).map(([dest, srcs]) => [dest, new Set(srcs)]));
  }

  heal(): void {
    this.grudge = new Map();
  }

  /** Extra behaviour on the given directed links (both directions are listed by the caller). */
  shape(links: Array<[string, string]>, behaviour: LinkBehaviour | null): void {
    if (behaviour === null) {
      if (links.length === 0) this.shaped.clear();
      for (const [a, b] of links) this.shaped.delete(`${a}->${b}`);
      return;
    }
    for (const [a, b] of links) this.shaped.set(`${a}->${b}`, behaviour);
  }

  currentGrudge(): Grudge {
    return Object.fromEntries([...this.grudge].map(([d, s]) => [d, [...s].sort()]));
  }

  /** Whether dest currently drops messages from src. */
  blocked(src: string, dest: string): boolean {
    return this.grudge.get(dest)?.has(src) ?? false;
  }

  send(msg: Message): void {
    if (this.closed) return;
    this.stats.sent++;
    const id = this.opts.log?.send(msg) ?? 0;
    const nodeLink = isNode(msg.src) && isNode(msg.dest);
    if (nodeLink && this.blocked(msg.src, msg.dest)) {
      this.stats.droppedPartition++;
      this.opts.log?.drop(id, 'partition');
      return;
    }
    const shape = nodeLink ? this.shaped.get(`${msg.src}->${msg.dest}`) : undefined;
    if ((nodeLink && this.opts.loss > 0 && this.opts.rng.next() < this.opts.loss) || (shape?.loss && this.opts.rng.next() < shape.loss)) {
      this.stats.droppedLoss++;
      this.opts.log?.drop(id, 'loss');
      return;
    }
    let delay = this.latency();
    if (shape?.delayMs) delay += shape.delayMs + (shape.jitterMs ? this.opts.rng.next() * shape.jitterMs : 0);
    if (shape?.reorder && this.opts.rng.next() < shape.reorder) delay += this.opts.rng.exponential(Math.max(1, delay) * 4);
    this.schedule(msg, id, delay, nodeLink);
    if (shape?.duplicate && this.opts.rng.next() < shape.duplicate) this.schedule(msg, id, delay + this.latency(), nodeLink);
  }

  private latency(): number {
    const { latencyMs: l, latencyDist } = this.opts;
    if (l <= 0) return 0;
    if (latencyDist === 'constant') return l;
    if (latencyDist === 'uniform') return this.opts.rng.next() * 2 * l;
    return this.opts.rng.exponential(l);
  }

  private schedule(msg: Message, id: number, delayMs: number, nodeLink: boolean): void {
    if (delayMs <= 0) {
      // No latency: handed over now. Endpoints only queue or resolve (a node's stdin is written
      // once per turn of the event loop), so nothing runs re-entrantly, and no turn is lost.
      this.deliver(msg, id, nodeLink);
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.deliver(msg, id, nodeLink);
    }, delayMs);
    this.timers.add(t);
  }

  private dropped(id: number, why: DropReason): void {
    this.opts.log?.drop(id, why);
  }

  private deliver(msg: Message, id: number, nodeLink: boolean): void {
    if (this.closed) return;
    // A partition that began while the message was in flight drops it too, as iptables would.
    if (nodeLink && this.blocked(msg.src, msg.dest)) {
      this.stats.droppedPartition++;
      this.dropped(id, 'partition');
      return;
    }
    const ep = this.endpoints.get(msg.dest);
    if (!ep || !ep.up()) {
      this.stats.droppedDown++;
      this.dropped(id, 'down');
      this.onUndeliverable?.(msg);
      return;
    }
    this.stats.delivered++;
    this.opts.log?.recv(id, msg);
    ep.deliver(msg);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
