// The ssh provider's reaper: started detached by the controller with a pipe on stdin and the
// path of the run's record. When the pipe closes — the controller exited, crashed or was
// SIGKILLed — and the record is still there (no teardown removed it), it logs in to each host
// with the run's own settings and removes what the record names. A record it cannot clear stays
// for the next ssh run on those hosts.
import fs from 'node:fs';
import { SshConnection } from './connection.ts';
import { credentials, hostKeyPolicy } from './cluster.ts';
import { sshRemote } from './remote.ts';
import { readRecord, reapScript, writeRecord, type HostRecord } from './state.ts';

const file = process.argv[2];
if (!file) process.exit(2);
process.on('SIGINT', () => {}); // a Ctrl-C at the terminal is the controller's to handle

async function reap(): Promise<void> {
  // The controller's own teardown may still be finishing: give it a moment to remove the record.
  await new Promise((r) => setTimeout(r, 1000));
  const rec = readRecord(file);
  if (!rec) return;
  const creds = credentials(rec.keyPath);
  const policy = hostKeyPolicy(rec.knownHosts, rec.skipHostKeyCheck);
  const left: HostRecord[] = [];
  await Promise.all(rec.hosts.map(async (h) => {
    const conn = new SshConnection({ host: h.host, port: h.port, user: rec.user }, creds, policy);
    try {
      await conn.connect();
      const r = await sshRemote(conn, rec.user !== 'root').exec(['sh', '-c', reapScript(rec.chain, h)], { timeoutMs: 60_000 });
      if (r.code !== 0) left.push(h);
    } catch {
      left.push(h);
    } finally {
      conn.close();
    }
  }));
  if (left.length) writeRecord({ ...rec, hosts: left });
  else fs.rmSync(file, { force: true });
}

let reaping = false;
const onEnd = () => {
  if (reaping) return;
  reaping = true;
  reap().catch(() => {}).finally(() => process.exit(0));
};
process.stdin.on('data', () => {});
process.stdin.on('end', onEnd);
process.stdin.on('close', onEnd);
process.stdin.resume();
