// Why an SSH connection could not be made, as one sentence naming the host and what to do
// (exit 254): unreachable, no answer, name unknown, host key unknown / changed / revoked,
// authentication refused.
import os from 'node:os';
import { UsageError } from '../../errors.ts';
import { fingerprint, keyTypeOf, type HostKeyVerdict } from './known-hosts.ts';
import type { HostKeyPolicy, SshTarget } from './connection.ts';

export interface Credentials {
  privateKey?: Buffer;
  /** Where the key came from (for the sentences). */
  keyPath?: string;
  /** The SSH agent's socket. */
  agent?: string;
}

interface Context {
  target: SshTarget;
  creds: Credentials;
  hostKeys: HostKeyPolicy;
  seenKey: Buffer | null;
  verdict: HostKeyVerdict | null;
}

const tilde = (p: string) => (p.startsWith(os.homedir() + '/') ? `~${p.slice(os.homedir().length)}` : p);

/** The line ssh-keyscan prints for this host, to compare and append. */
export function keyscanCommand(t: SshTarget, type: string, file: string): string {
  const short = type.replace(/^ssh-/, '').replace(/^ecdsa-sha2-nistp\d+$/, 'ecdsa').replace(/^rsa-sha2-\d+$/, 'rsa');
  return `ssh-keyscan ${t.port === 22 ? '' : `-p ${t.port} `}-t ${short} ${t.host} >> ${tilde(file)}`;
}

export function connectFailure(e: Error & { level?: string; code?: string }, c: Context): UsageError | Error {
  const t = c.target;
  const where = `${t.host}${t.port === 22 ? '' : `:${t.port}`}`;
  const msg = (e.message || String(e)).split('\n')[0];
  if (c.verdict && c.verdict.kind !== 'ok' && c.seenKey) {
    const type = keyTypeOf(c.seenKey);
    const fp = `${type} ${fingerprint(c.seenKey)}`;
    const kh = tilde(c.hostKeys.file);
    if (c.verdict.kind === 'unknown') {
      return new UsageError(`The host key of ${where} (${fp}) is not in ${kh}: check that fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_${type.replace(/^ssh-/, '').replace(/^ecdsa-.*/, 'ecdsa')}_key.pub), then add it with \`${keyscanCommand(t, type, c.hostKeys.file)}\` — or pass --ssh-insecure-skip-host-key-check to skip the check.`);
    }
    if (c.verdict.kind === 'revoked') {
      return new UsageError(`The host key of ${where} (${fp}) is marked @revoked in ${kh} line ${c.verdict.line}: the host must get a new key before jepsen-ts connects to it.`);
    }
    return new UsageError(`The host key of ${where} has changed: it offers ${fp}, but ${kh} line ${c.verdict.lines.join(', ')} holds another — if the host was reinstalled, remove the old entry (ssh-keygen -R ${t.port === 22 ? t.host : `'[${t.host}]:${t.port}'`} -f ${kh}) and add the new one; otherwise someone may be intercepting the connection.`);
  }
  if (e.level === 'client-authentication') {
    const how = [c.creds.keyPath ? `the key ${tilde(c.creds.keyPath)}` : '', c.creds.agent ? "the SSH agent's keys" : ''].filter(Boolean).join(' and ') || 'no key';
    return new UsageError(`${where} refused the SSH login of user ${t.user} with ${how}: add the public key to ~${t.user}/.ssh/authorized_keys on ${t.host}, or give --ssh-user and --ssh-key that it accepts.`);
  }
  if (e.level === 'client-dns' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') {
    return new UsageError(`The host ${t.host} does not resolve (${msg}): check its name in --nodes.`);
  }
  if (e.level === 'client-timeout') {
    return new UsageError(`${where} did not answer the SSH handshake within 10 s: check that the host is up and that sshd listens on port ${t.port} (--ssh-port).`);
  }
  if (e.level === 'client-socket' || /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET/.test(msg)) {
    return new UsageError(`${where} is unreachable over SSH (${msg}): check that the host is up, that sshd listens on port ${t.port} (--ssh-port), and that no firewall is in the way.`);
  }
  if (/handshake|algorithm|negotiat/i.test(msg)) {
    return new UsageError(`The SSH handshake with ${where} failed (${msg}): its sshd offers no algorithm jepsen-ts speaks.`);
  }
  return new UsageError(`SSH to ${t.user}@${where} failed: ${msg}.`);
}
