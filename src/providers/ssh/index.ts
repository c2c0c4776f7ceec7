// The ssh provider (DESIGN.md §6): the test's nodes are real hosts reached over SSH (ssh2), as
// Jepsen runs. Its options are its own: the hosts, the login, the key, known_hosts.
import fs from 'node:fs';
import net from 'node:net';
import { UsageError } from '../../errors.ts';
import type { Provider, RunOptions } from '../../types.ts';
import { SshCluster, type SshHost } from './cluster.ts';

export { SshCluster, RUN_ROOT, type SshNodeHandle } from './cluster.ts';

/** host, host:port, [v6]:port or a bare IPv6 address; the port defaults to --ssh-port. */
export function parseHost(entry: string, defaultPort: number, where: string): SshHost {
  const e = entry.trim();
  let host = e;
  let port = defaultPort;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(e);
  if (bracket) {
    host = bracket[1];
    if (bracket[2]) port = Number(bracket[2]);
  } else if (!net.isIPv6(e) && e.includes(':')) {
    const i = e.lastIndexOf(':');
    host = e.slice(0, i);
    port = Number(e.slice(i + 1));
  }
  if (!host || !/^[A-Za-z0-9._:-]+$/.test(host)) throw new UsageError(`${where}: "${e}" is not a host name or address.`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${where}: "${e}" has no valid port (1 to 65535).`);
  return { name: port === defaultPort ? host : `${host}:${port}`, host, port };
}

export function hostsOf(opts: Readonly<Record<string, unknown>>): SshHost[] {
  const port = Number(opts.sshPort ?? 22);
  let entries: string[];
  let where: string;
  if (opts.nodesFile !== undefined) {
    where = `--nodes-file ${String(opts.nodesFile)}`;
    let text: string;
    try {
      text = fs.readFileSync(String(opts.nodesFile), 'utf8');
    } catch (e) {
      throw new UsageError(`${where}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
    }
    entries = text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
  } else if (Array.isArray(opts.nodes) && opts.nodes.length) {
    where = '--nodes';
    entries = opts.nodes.map(String);
  } else {
    throw new UsageError('The ssh provider needs the hosts to run on: --nodes h1,h2,h3 (or --nodes-file FILE, one host[:port] a line).');
  }
  if (!entries.length) throw new UsageError(`${where}: no hosts in it.`);
  const hosts = entries.map((e) => parseHost(e, port, where));
  const seen = new Set<string>();
  for (const h of hosts) {
    if (seen.has(h.name)) throw new UsageError(`${where}: ${h.name} is listed twice.`);
    seen.add(h.name);
  }
  return hosts;
}

export const sshProvider: Provider = {
  name: 'ssh',
  options: [
    { name: 'nodes', type: 'list', unique: true, description: 'The hosts, comma-separated: host or host:port (the node names)' },
    {
      name: 'nodesFile', type: 'string', description: 'A file of hosts, one host[:port] a line (# comments)',
      validate: (_v, all) => (Array.isArray(all.nodes) && all.nodes.length ? 'give --nodes or --nodes-file, not both' : undefined),
    },
    { name: 'sshUser', type: 'string', default: 'root', description: 'The login user (commands run through sudo -n when it is not root)' },
    { name: 'sshKey', type: 'string', defaultText: 'the SSH agent, or ~/.ssh/id_ed25519|id_ecdsa|id_rsa', description: 'The private key to log in with' },
    { name: 'sshPort', type: 'integer', default: 22, min: 1, max: 65535, description: 'The port of every host without one of its own' },
    { name: 'knownHosts', type: 'string', default: '~/.ssh/known_hosts', description: 'The known_hosts file the host keys are checked against (hashed entries understood)' },
    { name: 'sshInsecureSkipHostKeyCheck', type: 'boolean', default: false, description: 'Accept any host key (insecure: anyone between here and the hosts can pose as them)' },
  ],
  nodeNames(opts: RunOptions): string[] {
    return hostsOf(opts).map((h) => h.name);
  },
  provision(spec) {
    const o = spec.opts;
    const hosts = hostsOf(o).filter((h) => spec.nodes.includes(h.name));
    return SshCluster.create(spec, {
      hosts, user: String(o.sshUser ?? 'root'), keyPath: o.sshKey === undefined ? undefined : String(o.sshKey),
      knownHosts: String(o.knownHosts ?? '~/.ssh/known_hosts'), skipHostKeyCheck: o.sshInsecureSkipHostKeyCheck === true,
    });
  },
};
