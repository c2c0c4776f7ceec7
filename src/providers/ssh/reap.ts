// Reaping a run's record with the run's own login settings: used by the reaper process (the
// controller died) and by `jepsen-ts clean` (records that nobody could clear yet).
import { SshConnection } from './connection.ts';
import { credentials, hostKeyPolicy } from './cluster.ts';
import { sshRemote } from './remote.ts';
import { reapScript, removeRecord, staleRecords, writeRecord, type HostRecord, type RunRecord } from './state.ts';

/** Removes what the record names from each of its hosts; the record is kept for the hosts that
 *  could not be cleaned. Returns those hosts' failures, one line each. */
export async function reapRecord(rec: RunRecord): Promise<string[]> {
  const left: HostRecord[] = [];
  const why: string[] = [];
  let creds;
  let policy;
  try {
    creds = credentials(rec.keyPath);
    policy = hostKeyPolicy(rec.knownHosts, rec.skipHostKeyCheck);
  } catch (e) {
    return rec.hosts.map((h) => `${h.host}: ${(e as Error).message}`);
  }
  await Promise.all(rec.hosts.map(async (h) => {
    const conn = new SshConnection({ host: h.host, port: h.port, user: rec.user }, creds, policy);
    try {
      await conn.connect();
      const r = await sshRemote(conn, rec.user !== 'root').exec(['sh', '-c', reapScript(rec.chain, h)], { timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(r.stderr.trim() || `exit ${r.code}`);
    } catch (e) {
      left.push(h);
      why.push(`${h.host}: ${(e as Error).message}`);
    } finally {
      conn.close();
    }
  }));
  if (left.length) writeRecord({ ...rec, hosts: left });
  else removeRecord(rec.runId);
  return why;
}

/** Reaps every record whose controller is gone. */
export async function reapStaleRuns(): Promise<{ runs: number; failures: string[] }> {
  const recs = staleRecords();
  const failures: string[] = [];
  for (const r of recs) failures.push(...(await reapRecord(r)));
  return { runs: recs.length, failures };
}
