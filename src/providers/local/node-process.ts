// One node of the local provider: a child process speaking the node protocol on stdin/stdout.
// It can be launched, SIGKILLed and restarted (keeping its data directory), paused with SIGSTOP.
//
// Held to Maelstrom's strictness: stdout carries only messages ({src, dest, body: {type}}, one
// JSON object a line); a line that is not one, a message to a node that does not exist, and an
// exit nobody asked for are node failures (they fail the run, with the offending line or the
// node's last stderr lines). Integers beyond 2^53 pass through exactly.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { RunAbortedError } from '../../errors.ts';
import { JsonSyntaxError, parseJsonLine } from '../../json-exact.ts';
import type { Logger } from '../../log.ts';
import { ErrorCode as ERR } from '../../op-errors.ts';
import type { NodeFailure } from '../../types.ts';
import { LineBatch, LineSplitter } from '../../util/lines.ts';
import { toJson } from '../../util/values.ts';
import type { Endpoint, Message, MessageBody, Router } from './router.ts';
import { clip, word } from './client-connection.ts';

export interface LaunchSpec {
  argv: string[];
  env?: Record<string, string>;
  /** Wraps the argv at every start (the clock nemesis runs nodes under faketime this way). */
  wrap?: (argv: string[], env: Record<string, string>) => { argv: string[]; env: Record<string, string> };
}

const STDERR_TAIL = 20;
/** The controller's own address: init comes from it. */
export const CONTROLLER = 'c0';

/** A message as one line of JSON, exact for integers beyond 2^53. */
/** The text a message arrived as, when it can be passed on unchanged. */
const RAW = new WeakMap<Message, string>();

export function encodeMessage(msg: Message): string {
  const raw = RAW.get(msg);
  if (raw !== undefined) return raw;
  try {
    return JSON.stringify(msg);
  } catch {
    return toJson(msg);
  }
}

type Exit = { code: number | null; signal: string | null; error?: Error };

export class NodeProcess implements Endpoint {
  private child: ChildProcess | null = null;
  private spec: LaunchSpec | null = null;
  private readonly stdoutLines = new LineSplitter();
  private readonly stderrTail: string[] = [];
  private logFd: number | null = null;
  private paused = false;
  /** Lines for the node's stdin, written together at the end of this turn of the event loop. */
  private readonly outbox = new LineBatch((text) => {
    const stdin = this.child?.stdin;
    if (stdin && !stdin.destroyed) stdin.write(text);
  });
  private expectingExit = false;
  /** Starts of this node so far; a message from an older incarnation is ignored. */
  private incarnation = 0;
  private initWaiter: { msgId: number; resolve: (answer: MessageBody) => void } | null = null;
  /** Added to every start's environment (the faketime wrapper when clocks are controlled). */
  extraEnv: Record<string, string> = {};
  /** Told about everything this node does that fails the run. */
  onFailure: ((f: NodeFailure) => void) | null = null;
  /** How a failure names the addresses that exist ("n1..n5 and the services ..."). */
  describeAddresses: () => string = () => '';
  /** Called with the pid of every process started (the leader of its own process group). */
  onSpawn: ((pid: number) => void) | null = null;

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
    this.outbox.push(encodeMessage(msg));
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
    this.stdoutLines.reset();
    this.outbox.clear(); // what was queued for the previous incarnation died with it
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
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const exited = new Promise<Exit>((resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    void exited.then(async ({ code, signal }) => {
      if (this.child !== child) return;
      this.writeLog(`--- exit code=${code} signal=${signal}\n`);
      if (this.expectingExit || this.initWaiter) return; // asked for, or the handshake reports it
      // Let its last words on stdout and stderr arrive first (a grandchild may hold them open).
      await Promise.race([closed, new Promise((r) => setTimeout(r, 200))]);
      const how = signal ? `was killed by signal ${signal}` : code === 0 ? 'exited (status 0) in the middle of the run' : `crashed with exit status ${code}`;
      const text = `Node ${this.name} ${how}; ${this.stderrSummary()}`;
      this.log.warn(text);
      this.onFailure?.({ node: this.name, kind: 'crash', text });
    });
    await this.handshake(exited);
  }

  private stderrSummary(): string {
    const tail = this.stderrTail.slice(-5);
    return tail.length ? `its last lines on stderr: ${tail.map((l) => clip(l, 200)).join(' | ')}` : 'it wrote nothing to stderr';
  }

  private async handshake(exited: Promise<Exit>): Promise<void> {
    const msgId = 1;
    const answered = new Promise<MessageBody>((resolve) => {
      this.initWaiter = { msgId, resolve };
    });
    this.deliver({ src: CONTROLLER, dest: this.name, body: { type: 'init', msg_id: msgId, node_id: this.name, node_ids: [...this.nodeIds] } });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.initTimeoutMs);
    });
    const r = await Promise.race([answered, exited, timeout]);
    clearTimeout(timer);
    this.initWaiter = null;
    if (r !== 'timeout' && 'type' in r) {
      if (r.type === 'init_ok') return;
      await this.kill();
      throw new RunAbortedError(`Node ${this.name} answered init with ${word(r.type)} instead of init_ok: ${clip(toJson(r))}`);
    }
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

  private fail(kind: NodeFailure['kind'], text: string): void {
    this.writeLog(`[controller] ${text}\n`);
    this.log.warn(text);
    this.onFailure?.({ node: this.name, kind, text });
  }

  private onStdout(chunk: string, incarnation: number): void {
    // What an earlier incarnation still wrote is ignored (its unfinished line too).
    if (incarnation !== this.incarnation) return;
    this.stdoutLines.push(chunk, (raw) => {
      const line = raw.trim();
      if (!line) return;
      let msg: Message;
      try {
        msg = parseJsonLine(line) as Message;
      } catch (e) {
        if (!(e instanceof JsonSyntaxError)) throw e;
        this.fail('malformed', `Node ${this.name} wrote a line to stdout that is not a JSON message (stdout carries only messages; log to stderr): ${clip(line)}`);
        return;
      }
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg) || typeof msg.dest !== 'string' || typeof msg.body !== 'object' || msg.body === null || typeof msg.body.type !== 'string') {
        this.fail('malformed', `Node ${this.name} wrote a message without a string "dest" and a body with a string "type": ${clip(line)}`);
        return;
      }
      // A node cannot impersonate another; a message that does not try goes on as the very text
      // it was written as (no second JSON.stringify on the way to its destination).
      if (msg.src === this.name) RAW.set(msg, line);
      else msg.src = this.name;
      this.route(msg, line);
    });
  }

  private route(msg: Message, line: string): void {
    const b = msg.body;
    if (msg.dest === CONTROLLER) {
      if (this.initWaiter && b.in_reply_to === this.initWaiter.msgId) {
        this.initWaiter.resolve(b);
        return;
      }
      // The controller takes nothing but the answer to init; a request gets Maelstrom's not-supported.
      if (typeof b.msg_id === 'number') {
        this.deliver({ src: CONTROLLER, dest: this.name, body: { type: 'error', code: ERR.notSupported, text: `${CONTROLLER} is the controller: it takes only init_ok, not ${word(b.type)}`, in_reply_to: b.msg_id } });
      }
      this.writeLog(`[controller] ${CONTROLLER} ignored a ${word(b.type)} message: ${clip(line)}\n`);
      return;
    }
    if (!this.router.exists(msg.dest)) {
      if (typeof b.msg_id === 'number') {
        this.deliver({ src: msg.dest, dest: this.name, body: { type: 'error', code: ERR.nodeNotFound, text: `node ${msg.dest} does not exist`, in_reply_to: b.msg_id } });
      }
      this.fail('unknown-dest', `Node ${this.name} sent a message to ${word(msg.dest)}, which does not exist${this.describeAddresses()}: ${clip(line)}`);
      return;
    }
    this.router.send(msg);
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
    this.expectingExit = true;
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
