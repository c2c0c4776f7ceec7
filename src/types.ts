// The core data and interfaces of jepsen-ts (DESIGN.md §3). Everything else is built on these;
// keep them small.
import type { Logger } from './log.ts';
import type { Rng } from './rng.ts';
import type { OpError } from './op-errors.ts';

export type { OpError } from './op-errors.ts';

export type OpType = 'invoke' | 'ok' | 'fail' | 'info';
export type Process = number | 'nemesis';

export interface Op<F extends string = string, V = unknown> {
  index: number; // position in the history, 0-based, dense
  time: number; // nanoseconds since the run started (monotonic clock)
  type: OpType;
  process: Process;
  f: F;
  value: V;
  node?: string; // node the client talked to
  error?: OpError; // why it failed or is indeterminate: { code?, text }
}

export type History = readonly Op[];

/** What a client or nemesis returns: the completion, before the interpreter stamps index/time. */
export type Completion<O extends Op = Op> = Omit<O, 'index' | 'time' | 'error'> & { index?: number; time?: number; error?: OpError | string };

export type WorkloadName = 'counter' | 'register' | 'lock' | 'queue' | 'cache';

/** Options of a run, after validation. Secrets never go here (this is written to test.json). */
export interface RunOptions {
  workload: string;
  db: string;
  flavor?: string;
  bin?: string;
  binArgs: string[];
  provider: string;
  nodeCount: number;
  concurrency: number;
  rate: number;
  timeLimit: number;
  opTimeout: number;
  nemesis: string[];
  nemesisInterval: number;
  partitionShape: string;
  killTargets: string;
  recoveryTime: number;
  seed: number;
  store: string;
  latency: number;
  latencyDist: 'constant' | 'uniform' | 'exponential';
  loss: number;
  initTimeout: number;
  consistency?: 'linearizable' | 'eventual';
  decrements: boolean;
  [k: string]: unknown;
}

/** Everything a client, db, nemesis or checker may know about the running test. */
export interface TestInfo {
  name: string;
  runId: string;
  seed: number;
  opts: RunOptions;
  nodes: string[];
  concurrency: number;
  storeDir: string;
  log: Logger;
  /** Seeded randomness for set-up decisions (not for generators: they get theirs from ctx). */
  rng: Rng;
  /** Nanoseconds since the run started, on the monotonic clock. */
  now(): number;
  cluster?: Cluster;
  db?: Db;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Remote {
  exec(argv: string[], opts?: { stdin?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<ExecResult>;
  upload(localPath: string, remotePath: string): Promise<void>;
  download(remotePath: string, localPath: string): Promise<void>;
}

export interface NodeHandle {
  name: string;
  remote: Remote;
}

/** A grudge: for each node, the set of nodes whose messages it drops (Jepsen's term). */
export type Grudge = Record<string, string[]>;

export interface LinkBehaviour {
  delayMs?: number;
  jitterMs?: number;
  loss?: number; // probability 0..1
  duplicate?: number;
  reorder?: number;
}

export interface Net {
  partition(grudge: Grudge): Promise<void>;
  heal(): Promise<void>;
  shape?(links: Array<[string, string]>, behaviour: LinkBehaviour | null): Promise<void>;
}

/** Per-node wall-clock offsets (the clock nemesis). Never the controller's own clock. */
export interface ClockControl {
  /** Sets the named nodes' offsets from real time, in milliseconds. */
  set(offsets: Record<string, number>): Promise<void>;
  /** Every node's current offset in milliseconds. */
  offsets(): Record<string, number>;
}

export interface Cluster extends AsyncDisposable {
  provider: string;
  nodes: NodeHandle[];
  net: Net;
  /** Present when the provider was asked for controllable clocks (a clock nemesis in the run). */
  clock?: ClockControl;
}

export interface ClusterSpec {
  nodes: string[];
  storeDir: string;
  seed: number;
  log: Logger;
  opts: RunOptions;
}

export interface Provider {
  name: string;
  provision(spec: ClusterSpec): Promise<Cluster>;
}

export interface Client<O extends Op = Op> {
  open(test: TestInfo, node: NodeHandle): Promise<Client<O>>;
  setup?(test: TestInfo): Promise<void>;
  invoke(test: TestInfo, op: O, signal: AbortSignal): Promise<Completion<O>>;
  teardown?(test: TestInfo): Promise<void>;
  close(test: TestInfo): Promise<void>;
}

export type ClientFactory = (opts: RunOptions) => Client<any>;

export interface Db {
  name: string;
  setup(test: TestInfo, node: NodeHandle): Promise<void>;
  teardown(test: TestInfo, node: NodeHandle): Promise<void>;
  kill?(test: TestInfo, node: NodeHandle): Promise<void>;
  start?(test: TestInfo, node: NodeHandle): Promise<void>;
  pause?(test: TestInfo, node: NodeHandle): Promise<void>;
  resume?(test: TestInfo, node: NodeHandle): Promise<void>;
  primaries?(test: TestInfo): Promise<string[]>;
  logFiles?(test: TestInfo, node: NodeHandle): Promise<string[]>;
  /** Which workloads it supports, and with what client. */
  clients: Partial<Record<string, ClientFactory>>;
  /** Nodes speak the node protocol: any workload's protocol client works against them. */
  speaksNodeProtocol?: boolean;
}

export interface Nemesis {
  fs: ReadonlySet<string>;
  setup(test: TestInfo): Promise<Nemesis>;
  invoke(test: TestInfo, op: Op): Promise<Completion>;
  teardown(test: TestInfo): Promise<void>;
}

/** A band of time in which a fault was active, for charts: ops with f in start begin it, in stop end it. */
export interface PerfBand {
  name: string;
  start: string[];
  stop: string[];
  color: string;
}

export interface NemesisPackage {
  nemesis: Nemesis;
  generator: import('./generator/core.ts').GenLike;
  finalGenerator: import('./generator/core.ts').GenLike;
  perf: PerfBand[];
}

export interface CheckOpts {
  /** Where a checker may find the run's options (consistency, delivery...). */
  [k: string]: unknown;
}

export interface CheckResult {
  valid: true | false | 'unknown';
  [k: string]: unknown;
}

export interface Checker<R extends CheckResult = CheckResult> {
  check(test: TestInfo | null, history: History, opts: CheckOpts): R | Promise<R>;
}

export interface Workload {
  name: string;
  generator: import('./generator/core.ts').GenLike;
  finalGenerator?: import('./generator/core.ts').GenLike;
  checker: Checker;
  /** A client speaking the node protocol, used against systems whose nodes speak it. */
  protocolClient?: ClientFactory;
}
