// A command run inside a container through the exec API: exit code, stdout and stderr, optional
// stdin, environment and timeout (after which the exec's process is left to the container's
// teardown and the call answers with code 124, as timeout(1) does).
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import type { ExecResult } from '../../types.ts';

export interface ExecOptions {
  stdin?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  user?: string;
}

export async function execIn(container: Docker.Container, argv: string[], o: ExecOptions = {}): Promise<ExecResult> {
  const exec = await container.exec({
    Cmd: argv,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: o.stdin !== undefined,
    Env: o.env ? Object.entries(o.env).map(([k, v]) => `${k}=${v}`) : undefined,
    User: o.user,
  });
  const stream = await exec.start({ hijack: true, stdin: o.stdin !== undefined });
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  err.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  container.modem.demuxStream(stream, out, err);
  if (o.stdin !== undefined) stream.end(o.stdin);
  const done = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = o.timeoutMs
    ? new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), o.timeoutMs)))
    : new Promise<never>(() => {});
  const r = await Promise.race([done.then(() => 'done' as const), timedOut]);
  clearTimeout(timer);
  if (r === 'timeout') {
    stream.destroy();
    return { code: 124, stdout, stderr: `${stderr}timed out after ${o.timeoutMs} ms` };
  }
  const info = await exec.inspect();
  return { code: info.ExitCode ?? -1, stdout, stderr };
}
