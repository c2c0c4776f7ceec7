// OpenSSH's known_hosts, read as ssh(1) reads it: plain patterns (comma-separated, * and ?
// wildcards, ! negation, [host]:port for ports other than 22), hashed entries (|1|salt|hash, an
// HMAC-SHA1 of the host token keyed by the salt), and the @revoked marker. A host key is accepted
// only when an entry for the host holds exactly that key.
import crypto from 'node:crypto';

export interface KnownHostEntry {
  line: number;
  marker: '' | '@revoked' | '@cert-authority';
  /** Plain patterns, or null for a hashed entry. */
  patterns: string[] | null;
  hashed: { salt: Buffer; hash: Buffer } | null;
  keyType: string;
  key: Buffer;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = '';
    if (fields[0].startsWith('@')) {
      if (fields[0] !== '@revoked' && fields[0] !== '@cert-authority') return;
      marker = fields.shift() as KnownHostEntry['marker'];
    }
    if (fields.length < 3) return;
    const [hosts, keyType, b64] = fields;
    const key = Buffer.from(b64, 'base64');
    if (!key.length) return;
    let hashed: KnownHostEntry['hashed'] = null;
    let patterns: string[] | null = null;
    if (hosts.startsWith('|1|')) {
      const [, , salt, hash] = hosts.split('|');
      if (!salt || !hash) return;
      hashed = { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
    } else patterns = hosts.split(',');
    out.push({ line: i + 1, marker, patterns, hashed, keyType, key });
  });
  return out;
}

/** How a host appears in known_hosts: the name, or [name]:port for another port than 22. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function wildcard(pattern: string, s: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(s);
}

/** Whether an entry names the host (a negated pattern that matches excludes it). */
export function entryMatches(e: KnownHostEntry, host: string, port: number): boolean {
  const token = hostToken(host, port);
  if (e.hashed) {
    const mac = crypto.createHmac('sha1', e.hashed.salt).update(token).digest();
    return mac.length === e.hashed.hash.length && crypto.timingSafeEqual(mac, e.hashed.hash);
  }
  let hit = false;
  for (const p of e.patterns!) {
    if (p.startsWith('!')) {
      if (wildcard(p.slice(1), token)) return false;
    } else if (wildcard(p, token)) hit = true;
  }
  return hit;
}

/** The key type named inside a public key blob (its first SSH string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return '?';
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** OpenSSH's fingerprint: SHA256:<base64 of the blob's sha256, unpadded>. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export type HostKeyVerdict =
  | { kind: 'ok' }
  | { kind: 'unknown' }
  | { kind: 'revoked'; line: number }
  | { kind: 'changed'; lines: number[]; types: string[] };

export function verifyHostKey(entries: readonly KnownHostEntry[], host: string, port: number, blob: Buffer): HostKeyVerdict {
  const mine = entries.filter((e) => e.marker !== '@cert-authority' && entryMatches(e, host, port));
  const revoked = mine.find((e) => e.marker === '@revoked' && e.key.equals(blob));
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const keys = mine.filter((e) => e.marker === '');
  if (keys.some((e) => e.key.equals(blob))) return { kind: 'ok' };
  if (!keys.length) return { kind: 'unknown' };
  return { kind: 'changed', lines: keys.map((e) => e.line), types: [...new Set(keys.map((e) => e.keyType))] };
}

/** The host key algorithms ssh2 speaks. */
const SUPPORTED = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-dss'];

/** The host key algorithms to offer so the server proves a key we know (as ssh(1) orders them):
 *  undefined when the host is not known (any algorithm; the key will be refused anyway). */
export function hostKeyAlgorithms(entries: readonly KnownHostEntry[], host: string, port: number): string[] | undefined {
  const types = entries.filter((e) => e.marker === '' && entryMatches(e, host, port)).map((e) => e.keyType);
  if (!types.length) return undefined;
  const algos = new Set<string>();
  for (const t of types) {
    if (t === 'ssh-rsa') ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'].forEach((a) => algos.add(a));
    else algos.add(t);
  }
  const usable = [...algos].filter((a) => SUPPORTED.includes(a));
  return usable.length ? usable : undefined;
}
