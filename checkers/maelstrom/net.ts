// Maelstrom's net checker: how many messages the network carried — all of them, those to or from
// clients, those between servers (nodes and services) — and msgs-per-op, the messages per client
// operation (what Maelstrom's broadcast efficiency challenges are judged on). The counts come from
// the network itself (the local provider's router); the checker only divides. Always valid.
import type { CheckResult, Checker, History, MessageCounts, NetCounts } from '../../src/types.ts';

const kebab = (c: MessageCounts) => ({ 'send-count': c.sendCount, 'recv-count': c.recvCount, 'msg-count': c.msgCount });

export function checkNet(counts: NetCounts | undefined, history: History): CheckResult {
  if (!counts) return { valid: true, note: 'no message counts: this provider does not carry the nodes\' messages itself' };
  let ops = 0;
  for (const op of history) if (op.type === 'invoke' && op.process !== 'nemesis') ops++;
  const per = (n: number) => (ops === 0 ? undefined : Math.round((n / ops) * 1000) / 1000);
  const all = { ...kebab(counts.all), ...(ops ? { 'msgs-per-op': per(counts.all.msgCount) } : {}) };
  const servers = { ...kebab(counts.servers), ...(ops ? { 'msgs-per-op': per(counts.servers.msgCount) } : {}) };
  return {
    valid: true,
    all,
    clients: kebab(counts.clients),
    servers,
    headline: ops
      ? `msgs-per-op ${per(counts.all.msgCount)} (servers ${per(counts.servers.msgCount)}); ${counts.all.msgCount} messages for ${ops} operations`
      : `${counts.all.msgCount} messages, no operations`,
  };
}

/** Reads the counts the run's cluster kept (nothing on providers that do not route messages). */
export const netChecker = (): Checker => ({ check: (test, history) => checkNet(test?.cluster?.netCounts?.(), history) });
