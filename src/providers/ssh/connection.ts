// One SSH connection per node (ssh2), reused for every command: a bounded number of channels at
// once (sshd's MaxSessions is 10 by default), keep-alives, and a new connection when the old one
// dies (the host rebooted, sshd was restarted). Host keys are checked against known_hosts before
// anything is sent; every way the first connection can fail becomes one sentence (errors.ts).
import ssh2 from 'ssh2';
import type { ClientChannel, ConnectConfig } from 'ssh2';
import { UsageError } from '../../errors.ts';
import { hostKeyAlgorithms, verifyHostKey, type HostKeyVerdict, type KnownHostEntry } from './known-hosts.ts';
import { connectFailure, type Credentials } from './errors.ts';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
}

export interface HostKeyPolicy {
  /** Parsed known_hosts, and where it came from (for the sentences). */
  entries: readonly KnownHostEntry[];
  file: string;
  skip: boolean;
}

export interface RawResult {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

// Below sshd's MaxSessions (10 by default): the server frees a closed session's slot a moment
// after the client sees it close, and a refused channel is retried after a pause.
const MAX_CHANNELS = 6;
const READY_TIMEOUT_MS = 10_000;
/** How long a lost connection is retried before commands fail (a host rebooting). */
const RECONNECT_FOR_MS = 90_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SshConnection {
  private client: ssh2.Client | null = null;
  private connecting: Promise<ssh2.Client> | null = null;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;
  /** The server's host key as last seen (for the sentences). */
  private seenKey: Buffer | null = null;
  private verdict: HostKeyVerdict | null = null;

  constructor(readonly target: SshTarget, private readonly creds: Credentials, private readonly hostKeys: HostKeyPolicy) {}

  get label(): string {
    return `${this.target.user}@${this.target.host}${this.target.port === 22 ? '' : `:${this.target.port}`}`;
  }

  /** Opens the connection (the first time: failures are UsageErrors naming the host). */
  async connect(): Promise<void> {
    await this.ensure(false);
  }

  private attempt(): Promise<ssh2.Client> {
    const { host, port, user } = this.target;
    this.seenKey = null;
    this.verdict = null;
    return new Promise((resolve, reject) => {
      const c = new ssh2.Client();
      let settled = false;
      const cfg: ConnectConfig = {
        host, port, username: user, readyTimeout: READY_TIMEOUT_MS, keepaliveInterval: 5000, keepaliveCountMax: 3,
        ...(this.creds.privateKey ? { privateKey: this.creds.privateKey } : {}),
        ...(this.creds.agent ? { agent: this.creds.agent } : {}),
        hostVerifier: (key: Buffer) => {
          this.seenKey = key;
          if (this.hostKeys.skip) return true;
          this.verdict = verifyHostKey(this.hostKeys.entries, host, port, key);
          return this.verdict.kind === 'ok';
        },
      };
      const algos = this.hostKeys.skip ? undefined : hostKeyAlgorithms(this.hostKeys.entries, host, port);
      if (algos) cfg.algorithms = { serverHostKey: algos as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] };
      c.on('ready', () => {
        settled = true;
        resolve(c);
      });
      c.on('error', (e: Error & { level?: string }) => {
        if (!settled) {
          settled = true;
          c.end();
          reject(connectFailure(e, { target: this.target, creds: this.creds, hostKeys: this.hostKeys, seenKey: this.seenKey, verdict: this.verdict }));
        }
      });
      c.on('close', () => {
        if (this.client === c) this.client = null;
        if (!settled) {
          settled = true;
          reject(new Error(`${this.label}: the connection closed during the handshake`));
        }
      });
      c.connect(cfg);
    });
  }

  /** A live client: the current one, or a new connection (retried for a while when `retry`). */
  private ensure(retry: boolean): Promise<ssh2.Client> {
    if (this.closed) return Promise.reject(new Error(`${this.label}: the connection was closed`));
    if (this.client) return Promise.resolve(this.client);
    if (!this.connecting) {
      this.connecting = (async () => {
        const deadline = Date.now() + (retry ? RECONNECT_FOR_MS : 0);
        for (;;) {
          try {
            const c = await this.attempt();
            if (this.closed) {
              c.end();
              throw new Error(`${this.label}: the connection was closed`);
            }
            this.client = c;
            return c;
          } catch (e) {
            // A host key or authentication refusal will not heal by itself.
            if (!retry || e instanceof UsageError && /host key|refused the|authenticat/i.test(e.message) || Date.now() > deadline) throw e;
            await sleep(1000);
          }
        }
      })().finally(() => {
        this.connecting = null;
      });
    }
    return this.connecting;
  }

  private async acquire(): Promise<void> {
    if (this.active < MAX_CHANNELS) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  /** Runs one command on a new channel. The stream's listeners are attached in exec's callback
   *  itself: a quick command's output, exit status and close can arrive in the same read as the
   *  channel's confirmation, and an 'exit' emitted before anyone listens would be lost. */
  private run(client: ssh2.Client, command: string, o: { stdin?: Buffer | string; timeoutMs?: number }): Promise<RawResult> {
    return new Promise((resolve, reject) => {
      client.exec(command, (err, stream) => {
        if (err) return reject(Object.assign(err, { notStarted: true }));
        this.collect(stream, o, resolve, reject);
      });
    });
  }

  /** Runs a command line (for the remote user's shell); code 124 when it outlives timeoutMs. */
  async exec(command: string, o: { stdin?: Buffer | string; timeoutMs?: number } = {}): Promise<RawResult> {
    await this.acquire();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.run(await this.ensure(true), command, o);
        } catch (e) {
          // Only a command that never started is tried again: on a new connection when the old one
          // died (a reboot, a killed sshd), after a pause when sshd refused the channel.
          const err = e as Error & { notStarted?: boolean };
          if (e instanceof UsageError || !err.notStarted || attempt >= 20) throw e;
          if (/Channel open failure/i.test(err.message)) {
            await sleep(100 * Math.min(attempt + 1, 5));
            continue;
          }
          if (!/not connected|closed|reset|EPIPE|No response/i.test(err.message) || attempt >= 1) throw e;
          this.client?.end();
          this.client = null;
        }
      }
    } finally {
      this.release();
    }
  }

  private collect(stream: ClientChannel, o: { stdin?: Buffer | string; timeoutMs?: number }, resolve: (r: RawResult) => void, reject: (e: Error) => void): void {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let code: number | null = null;
    let timer: NodeJS.Timeout | undefined;
    stream.on('data', (d: Buffer) => out.push(d));
    stream.stderr.on('data', (d: Buffer) => err.push(d));
    stream.on('exit', (c: number | null, signal?: string) => {
      code = c ?? (signal ? 128 + 9 : -1);
    });
    stream.on('close', () => {
      clearTimeout(timer);
      if (code === null) reject(new Error(`${this.label}: the connection was lost while a command ran`));
      else resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
    stream.on('error', (e: Error) => {
      clearTimeout(timer);
      reject(e);
    });
    if (o.timeoutMs) {
      timer = setTimeout(() => {
        code = 124;
        err.push(Buffer.from(`timed out after ${o.timeoutMs} ms`));
        stream.close();
      }, o.timeoutMs);
    }
    if (o.stdin !== undefined) stream.end(o.stdin);
    else stream.end();
  }

  close(): void {
    this.closed = true;
    this.client?.end();
    this.client = null;
  }
}
