// Packet faults with tc, as Jepsen's net/shape! does it: a prio qdisc at the root of the
// interface that carries node-to-node traffic, netem on a fourth band, and u32 filters sending
// only packets for the shaped peers to it — so the controller's own traffic (clients, SSH) is
// never delayed or dropped. Our root qdisc is recognised by the netem child's handle.
import type { LinkBehaviour } from '../types.ts';

export const NETEM_HANDLE = '4a54:';

/** netem's arguments for a behaviour. */
export function netemArgs(b: LinkBehaviour): string {
  const parts: string[] = [];
  if (b.delayMs) parts.push(`delay ${b.delayMs}ms ${b.jitterMs ?? 0}ms`);
  if (b.loss) parts.push(`loss ${(b.loss * 100).toFixed(1)}%`);
  if (b.duplicate) parts.push(`duplicate ${(b.duplicate * 100).toFixed(1)}%`);
  // Reordering needs a delay to reorder against.
  if (b.reorder) parts.push(`reorder ${(b.reorder * 100).toFixed(1)}%`, ...(b.delayMs ? [] : ['delay 10ms']));
  return parts.join(' ') || 'delay 0ms';
}

/** The interface a node sends to `peer` on: `ip route get` names it. */
export function routeDeviceScript(peer: string): string {
  return `ip -o route get ${peer} | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p' | head -n 1`;
}

/** Removes our root qdisc from the device (and only ours). */
export function clearScript(dev: string): string {
  return `if tc qdisc show dev ${dev} 2>/dev/null | grep -q 'netem ${NETEM_HANDLE}'; then tc qdisc del dev ${dev} root; fi; true`;
}

/** Shapes the packets this node sends to the given peer addresses. */
export function shapeScript(dev: string, peers: readonly string[], b: LinkBehaviour): string {
  return [
    clearScript(dev),
    `tc qdisc replace dev ${dev} root handle 1: prio bands 4 priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1`,
    `tc qdisc add dev ${dev} parent 1:4 handle ${NETEM_HANDLE} netem ${netemArgs(b)}`,
    ...peers.map((p) => `tc filter add dev ${dev} parent 1:0 protocol ip prio 1 u32 match ip dst ${p}/32 flowid 1:4`),
  ].join(' && ');
}

/** Whether the kernel has what shaping needs (prio, netem, u32): tried on a device, undone. */
export function probeScript(dev: string): string {
  return `${shapeScript(dev, ['192.0.2.1'], { delayMs: 1 })} && ${clearScript(dev)}`;
}

/** Removes our root qdisc from every interface of the machine (teardown, and the reaping of a
 *  run whose controller died). */
export function clearAllScript(): string {
  return `for d in $(ls /sys/class/net 2>/dev/null); do ${clearScript('"$d"')}; done; true`;
}
