// known_hosts as ssh(1) reads it, host lists, remote command lines, and the sentences of the ssh
// provider — the parts that need no host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import ssh2 from 'ssh2';
import { entryMatches, fingerprint, hostKeyAlgorithms, keyTypeOf, parseKnownHosts, verifyHostKey } from '../src/providers/ssh/known-hosts.ts';
import { hostsOf, parseHost } from '../src/providers/ssh/index.ts';
import { commandLine } from '../src/providers/ssh/remote.ts';
import { keyscanCommand } from '../src/providers/ssh/errors.ts';
import { reapScript } from '../src/providers/ssh/state.ts';
import { hashedName } from './fixtures/ssh/hosts.ts';

const pub = (type: 'ed25519' | 'ecdsa' = 'ed25519') => {
  const p = (type === 'ecdsa' ? ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 }) : ssh2.utils.generateKeyPairSync('ed25519')).public.split(' ');
  return { line: `${p[0]} ${p[1]}`, type: p[0], blob: Buffer.from(p[1], 'base64') };
};

test('plain, wildcard, negated, ported and hashed entries name the hosts ssh(1) would', () => {
  const a = pub();
  const text = [
    '# comment', '',
    `db1,db2 ${a.line} comment here`,
    `*.example.com,!bad.example.com ${a.line}`,
    `[db3]:2222 ${a.line}`,
    `${hashedName('10.0.0.7')} ${a.line}`,
    `${hashedName('[10.0.0.8]:2200')} ${a.line}`,
    '@cert-authority *.ca ssh-ed25519 AAAA',
    'garbage',
  ].join('\n');
  const entries = parseKnownHosts(text);
  const known = (h: string, port = 22) => entries.some((e) => e.marker === '' && entryMatches(e, h, port));
  assert.equal(known('db1'), true);
  assert.equal(known('DB2'), true, 'names match without regard to case');
  assert.equal(known('db1', 2222), false, 'another port is another host');
  assert.equal(known('a.example.com'), true);
  assert.equal(known('bad.example.com'), false, 'a negated pattern excludes');
  assert.equal(known('db3', 2222), true);
  assert.equal(known('db3'), false);
  assert.equal(known('10.0.0.7'), true, 'a hashed entry');
  assert.equal(known('10.0.0.6'), false);
  assert.equal(known('10.0.0.8', 2200), true, 'a hashed entry with a port');
  assert.equal(entries.find((e) => e.marker === '@cert-authority') !== undefined, true);
});

test('a host key is ok, unknown, changed or revoked', () => {
  const a = pub();
  const b = pub();
  const entries = parseKnownHosts(`h1 ${a.line}\n${hashedName('h2')} ${a.line}\n@revoked h3 ${b.line}\nh3 ${b.line}\n`);
  assert.deepEqual(verifyHostKey(entries, 'h1', 22, a.blob), { kind: 'ok' });
  assert.deepEqual(verifyHostKey(entries, 'h2', 22, a.blob), { kind: 'ok' });
  assert.deepEqual(verifyHostKey(entries, 'h2', 22, b.blob), { kind: 'changed', lines: [2], types: ['ssh-ed25519'] });
  assert.deepEqual(verifyHostKey(entries, 'h4', 22, a.blob), { kind: 'unknown' });
  assert.deepEqual(verifyHostKey(entries, 'h3', 22, b.blob), { kind: 'revoked', line: 3 });
});

test('the algorithms offered are those of the keys known for the host (rsa by its three names)', () => {
  const a = pub();
  const e = pub('ecdsa');
  const entries = parseKnownHosts(`h1 ${a.line}\nh1 ${e.line}\nh2 ssh-rsa ${a.line.split(' ')[1]}\nh3 sk-ssh-ed25519@openssh.com AAAA\n`);
  assert.deepEqual(hostKeyAlgorithms(entries, 'h1', 22), ['ssh-ed25519', 'ecdsa-sha2-nistp256']);
  assert.deepEqual(hostKeyAlgorithms(entries, 'h2', 22), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  assert.equal(hostKeyAlgorithms(entries, 'h3', 22), undefined, 'ssh2 cannot verify it: any algorithm, the key is refused');
  assert.equal(hostKeyAlgorithms(entries, 'h9', 22), undefined);
});

test('key type and fingerprint as ssh-keygen -l prints them', () => {
  const a = pub();
  assert.equal(keyTypeOf(a.blob), 'ssh-ed25519');
  const expected = `SHA256:${crypto.createHash('sha256').update(a.blob).digest('base64').replace(/=+$/, '')}`;
  assert.equal(fingerprint(a.blob), expected);
  assert.equal(keyscanCommand({ host: 'h1', port: 22, user: 'root' }, 'ssh-ed25519', '/k'), 'ssh-keyscan -t ed25519 h1 >> /k');
  assert.equal(keyscanCommand({ host: 'h1', port: 2222, user: 'root' }, 'ecdsa-sha2-nistp256', '/k'), 'ssh-keyscan -p 2222 -t ecdsa h1 >> /k');
});

test('hosts: host, host:port, [v6]:port; duplicates and bad ports refused in one sentence', () => {
  assert.deepEqual(parseHost('h1', 22, 'x'), { name: 'h1', host: 'h1', port: 22 });
  assert.deepEqual(parseHost('h1:2222', 22, 'x'), { name: 'h1:2222', host: 'h1', port: 2222 });
  assert.deepEqual(parseHost('[fe80::1]:2200', 22, 'x'), { name: 'fe80::1:2200', host: 'fe80::1', port: 2200 });
  assert.deepEqual(parseHost('fe80::1', 22, 'x').host, 'fe80::1');
  assert.throws(() => parseHost('h1:99999', 22, '--nodes'), /--nodes: "h1:99999" has no valid port/);
  assert.throws(() => hostsOf({ nodes: ['a', 'a'] }), /a is listed twice/);
  assert.throws(() => hostsOf({}), /needs the hosts to run on: --nodes/);
  assert.deepEqual(hostsOf({ nodes: ['a', 'b:23'], sshPort: 23 }).map((h) => h.name), ['a', 'b'], 'a host on --ssh-port is named without it');
});

test('commands: argv quoted for the remote shell, env through env(1), sudo -n when not root', () => {
  assert.equal(commandLine(['echo', "it's", '$HOME'], { sudo: false }), `'echo' 'it'\\''s' '$HOME'`);
  assert.equal(commandLine(['id'], { sudo: true, env: { A: 'x y' } }), `sudo -n -- 'env' 'A=x y' 'id'`);
});

test('reaping: the process group in each recorded directory first, then the directories, the chain, the qdiscs', () => {
  const s = reapScript('JEPSEN-TS-ABC', { host: 'h', port: 22, paths: ['/var/lib/jepsen-ts/h', '/var/lib/jepsen-ts/h.jepsen'] });
  assert.ok(s.indexOf('kill -KILL') < s.indexOf('rm -rf'));
  assert.match(s, /iptables -w -X JEPSEN-TS-ABC/);
  assert.match(s, /tc qdisc del/);
  assert.doesNotMatch(reapScript('C', { host: 'h', port: 22, paths: ['/x'] }, { keepData: true }), /rm -rf/);
});
