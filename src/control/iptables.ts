// Partitions as Jepsen makes them (jepsen.net's iptables): on each node, DROP packets coming
// from the nodes its grudge names. The rules live in a chain of the run's own, jumped to from
// INPUT, so healing and teardown flush only what this run added — never a rule of the host's.
import crypto from 'node:crypto';

/** Every chain jepsen-ts makes starts with this (iptables allows 28 characters). */
export const CHAIN_PREFIX = 'JEPSEN-TS-';

/** The run's chain: the prefix and 12 hex digits of the run id's hash. */
export function chainName(runId: string): string {
  return CHAIN_PREFIX + crypto.createHash('sha256').update(runId).digest('hex').slice(0, 12).toUpperCase();
}

const ipt = 'iptables -w';

/** Creates the chain (empty) and the jump to it from INPUT, once. */
export function setupScript(chain: string): string {
  return `{ ${ipt} -N ${chain} 2>/dev/null || ${ipt} -F ${chain}; } && { ${ipt} -C INPUT -j ${chain} 2>/dev/null || ${ipt} -I INPUT 1 -j ${chain}; }`;
}

/** Replaces the chain's rules with one DROP per source address. */
export function dropScript(chain: string, sources: readonly string[]): string {
  return [`${ipt} -F ${chain}`, ...sources.map((s) => `${ipt} -A ${chain} -s ${s} -j DROP`)].join(' && ');
}

export function flushScript(chain: string): string {
  return `${ipt} -F ${chain}`;
}

/** Removes the jump, the rules and the chain; succeeds when they are already gone. */
export function teardownScript(chain: string): string {
  return `while ${ipt} -D INPUT -j ${chain} 2>/dev/null; do :; done; ${ipt} -F ${chain} 2>/dev/null; ${ipt} -X ${chain} 2>/dev/null; true`;
}

/** A grudge as addresses: the sources each node drops. Addresses must be IP literals (a name
 *  would be resolved once, when the rule is added, by the node's resolver). */
export function sourcesOf(grudge: Readonly<Record<string, readonly string[]>>, node: string, address: (name: string) => string): string[] {
  return (grudge[node] ?? []).map(address);
}
