// A host as a Remote over its SSH connection: argv quoted for the remote shell, run as root
// (through `sudo -n` when the login user is not root), environment through env(1) (sshd refuses
// most SetEnv requests). Files move through the same channel: cat for a file, tar for a directory.
import fs from 'node:fs';
import path from 'node:path';
import tar from 'tar-fs';
import { shq } from '../../remote-shell.ts';
import type { ExecResult, Remote } from '../../types.ts';
import type { SshConnection } from './connection.ts';

export function commandLine(argv: readonly string[], o: { env?: Record<string, string>; sudo: boolean }): string {
  const env = o.env && Object.keys(o.env).length ? ['env', ...Object.entries(o.env).map(([k, v]) => `${k}=${v}`)] : [];
  const line = [...env, ...argv].map(shq).join(' ');
  return o.sudo ? `sudo -n -- ${line}` : line;
}

async function streamToBuffer(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

export function sshRemote(conn: SshConnection, sudo: boolean): Remote {
  const raw = (argv: string[], o: { stdin?: Buffer | string; env?: Record<string, string>; timeoutMs?: number } = {}) =>
    conn.exec(commandLine(argv, { env: o.env, sudo }), { stdin: o.stdin, timeoutMs: o.timeoutMs });
  const check = (r: { code: number; stderr: Buffer }, what: string) => {
    if (r.code !== 0) throw new Error(`${conn.target.host}: ${what}: exit ${r.code}: ${r.stderr.toString('utf8').trim().slice(-300)}`);
  };
  return {
    async exec(argv, o = {}): Promise<ExecResult> {
      const r = await raw(argv, o);
      return { code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
    },
    async upload(localPath, remotePath) {
      if (fs.statSync(localPath).isDirectory()) {
        const data = await streamToBuffer(tar.pack(localPath) as unknown as NodeJS.ReadableStream);
        check(await raw(['sh', '-c', `mkdir -p ${shq(remotePath)} && tar -x -C ${shq(remotePath)}`], { stdin: data }), `upload ${localPath}`);
        return;
      }
      check(await raw(['sh', '-c', `mkdir -p "$(dirname ${shq(remotePath)})" && cat > ${shq(remotePath)}`], { stdin: fs.readFileSync(localPath) }), `upload ${localPath}`);
    },
    async download(remotePath, localPath) {
      const isDir = (await raw(['test', '-d', remotePath])).code === 0;
      if (isDir) {
        const r = await raw(['tar', '-c', '-C', remotePath, '.']);
        check(r, `download ${remotePath}`);
        fs.mkdirSync(localPath, { recursive: true });
        await new Promise<void>((resolve, reject) => {
          const x = tar.extract(localPath);
          x.on('finish', resolve);
          x.on('error', reject);
          x.end(r.stdout);
        });
        return;
      }
      const r = await raw(['cat', remotePath]);
      check(r, `download ${remotePath}`);
      fs.mkdirSync(path.dirname(localPath), { recursive: true });
      fs.writeFileSync(localPath, r.stdout);
    },
  };
}
