// One node of the local provider: a child process speaking the node protocol on stdin/stdout.
// It can be launched, SIGKILLed and restarted (keeping its data directory), paused with SIGSTOP.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { RunAbortedError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { Endpoint, Message, MessageBody, Router } from './router.ts';

export interface LaunchSpec {
  argv: string[];
  env?: Record<string, string>;
  /** Wraps the argv at every start (the clock nemesis runs nodes under faketime this way). */
  wrap?: (argv: string[], env: Record<string, string>) => { argv: string[]; env: Record<string, string> };
}

const STDERR_TAIL = 20;

export class NodeProcess implements Endpoint {
  private child: ChildProcess | null = null;
  private spec: LaunchSpec | null = null;
  private stdoutBuf = '';
  private readonly stderrTail: string[] = [];
  private logFd: number | null = null;
  private paused = false;
  private expectingExit = false;
  /** Starts of this node so far; a message from an older incarnation is ignored. */
  private incarnation = 0;
  /** Added to every start's environment (the faketime wrapper when clocks are controlled). */
  extraEnv: Record<string, string> = {};
  /** Called with the pid of every process started (the leader of its own process group). */
  onSpawn: ((pid: number) => void) | null = null;
  /** Called when the process exits without having been asked to. */
  onCrash: ((name: string, code: number | null, signal: string | null) => void) | null = null;

  constructor(
    readonly name: string,
    readonly nodeIds: readonly string[],
    readonly dataDir: string,
    readonly logPath: string,
    private readonly router: Router,
    private readonly log: Logger,
    private readonly initTimeoutMs: number,
  ) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.mkdirSync(path.dirname(logPath), { recursive: true });
    router.register(name, this);
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  up(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  isPaused(): boolean {
    return this.paused;
  }

  lastStderr(): string[] {
    return this.stderrTail.slice();
  }

  deliver(msg: Message): void {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed) return;
    stdin.write(JSON.stringify(msg) + '\n');
  }

  /** Starts the process and completes the init handshake. */
  async launch(spec: LaunchSpec): Promise<void> {
    this.spec = spec;
    await this.start();
  }

  async start(): Promise<void> {
    if (!this.spec) throw new Error(`node ${this.name} was never launched`);
    if (this.up()) return;
    const incarnation = ++this.incarnation;
    let argv = this.spec.argv;
    let env: Record<string, string> = { ...this.extraEnv, ...this.spec.env, JEPSEN_DATA_DIR: this.dataDir, JEPSEN_NODE_ID: this.name };
    if (this.spec.wrap) ({ argv, env } = this.spec.wrap(argv, env));
    if (this.logFd === null) this.logFd = fs.openSync(this.logPath, 'a');
    this.writeLog(`--- start ${new Date().toISOString()} ${argv.join(' ')}\n`);
    this.stdoutBuf = '';
    this.paused = false;
    this.expectingExit = false;
    const child = spawn(argv[0], argv.slice(1), {
      cwd: this.dataDir,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group: kill and pause reach everything the node started (a shell
      // wrapper's children too), and a Ctrl-C at the terminal goes to the controller only.
      detached: true,
    });
    this.child = child;
    if (child.pid) this.onSpawn?.(child.pid);
    this.writeLog(`--- pid ${child.pid}\n`);
    child.stdin!.on('error', () => {}); // EPIPE from a dying node is expected
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => this.onStdout(chunk, incarnation));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => this.onStderr(chunk));
    const exited = new Promise<{ code: number | null; signal: string | null; error?: Error }>((resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    void exited.then(({ code, signal }) => {
      if (this.child !== child) return;
      this.writeLog(`--- exit code=${code} signal=${signal}\n`);
      if (!this.expectingExit) {
        this.log.warn(`node ${this.name} exited unexpectedly (code ${code}, signal ${signal})`);
        this.onCrash?.(this.name, code, signal);
      }
    });
    await this.handshake(exited);
  }

  private async handshake(exited: Promise<{ code: number | null; signal: string | null; error?: Error }>): Promise<void> {
    const msgId = 1;
    const ok = new Promise<void>((resolve) => {
      this.initWaiter = { msgId, resolve };
    });
    this.deliver({ src: 'c0', dest: this.name, body: { type: 'init', msg_id: msgId, node_id: this.name, node_ids: [...this.nodeIds] } });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.initTimeoutMs);
    });
    const r = await Promise.race([ok.then(() => 'ok' as const), exited, timeout]);
    clearTimeout(timer);
    this.initWaiter = null;
    if (r === 'ok') return;
    // Give stderr a moment to drain so the sentence can quote it.
    await new Promise((res) => setTimeout(res, 50));
    const tail = this.stderrTail.slice(-5).join(' | ') || '(nothing on stderr)';
    if (r === 'timeout') {
      await this.kill();
      throw new RunAbortedError(`Node ${this.name} did not answer init within ${this.initTimeoutMs / 1000} s; last stderr lines: ${tail}`);
    }
    if (r.error) throw new RunAbortedError(`Node ${this.name} could not be started (${r.error.message}); check the --bin path and that it is executable.`);
    throw new RunAbortedError(`Node ${this.name} exited during start-up (code ${r.code}, signal ${r.signal}); last stderr lines: ${tail}`);
  }

  private initWaiter: { msgId: number; resolve: () => void } | null = null;

  private onStdout(chunk: string, incarnation: number): void {
    this.stdoutBuf += chunk;
    let nl: number;
    while ((nl = this.stdoutBuf.indexOf('\n')) >= 0) {
      const line = this.stdoutBuf.slice(0, nl).trim();
      this.stdoutBuf = this.stdoutBuf.slice(nl + 1);
      if (!line || incarnation !== this.incarnation) continue;
      let msg: Message;
      try {
        msg = JSON.parse(line) as Message;
      } catch {
        this.writeLog(`[controller] not a JSON message on stdout: ${line.slice(0, 200)}\n`);
        continue;
      }
      if (typeof msg !== 'object' || msg === null || typeof msg.dest !== 'string' || typeof msg.body?.type !== 'string') {
        this.writeLog(`[controller] malformed message (needs src, dest, body.type): ${line.slice(0, 200)}\n`);
        continue;
      }
      msg.src = this.name; // a node cannot impersonate another
      if (msg.dest === 'c0' && this.initWaiter && (msg.body as MessageBody).in_reply_to === this.initWaiter.msgId) {
        if (msg.body.type === 'init_ok') this.initWaiter.resolve();
        continue;
      }
      this.router.send(msg);
    }
  }

  private onStderr(chunk: string): void {
    this.writeLog(chunk);
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      this.stderrTail.push(line.slice(0, 300));
      if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
    }
  }

  private writeLog(s: string): void {
    if (this.logFd !== null) fs.writeSync(this.logFd, s);
  }

  /** SIGKILL, and wait until the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.up()) return;
    this.expectingExit = true;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.signal('SIGKILL');
    await gone;
    this.paused = false;
  }

  /** Signals the node's whole process group. */
  private signal(sig: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        this.child!.kill(sig);
      } catch {
        /* already gone */
      }
    }
  }

  pause(): void {
    if (this.up() && !this.paused) {
      this.signal('SIGSTOP');
      this.paused = true;
    }
  }

  resume(): void {
    if (this.up() && this.paused) {
      this.signal('SIGCONT');
      this.paused = false;
    }
  }

  /** Stops the node for good: SIGKILL (after SIGCONT, so a paused node dies too). */
  async stop(): Promise<void> {
    if (this.paused) this.resume();
    await this.kill();
    if (this.logFd !== null) fs.closeSync(this.logFd);
    this.logFd = null;
  }

  /** Synchronous last resort for process exit handlers. */
  killNow(): void {
    if (this.child && this.up()) {
      this.expectingExit = true;
      this.signal('SIGCONT');
      this.signal('SIGKILL');
    }
  }
}
