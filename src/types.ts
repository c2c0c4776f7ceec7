// The core data and interfaces of jepsen-ts (DESIGN.md §3). Everything else is built on these;
// keep them small. These are the types a user's test is written against.
import type { Logger } from './log.ts';
import type { Rng } from './rng.ts';
import type { OpError } from './op-errors.ts';
import type { OptionSpec, OptionValues } from './options.ts';
import type { GenLike } from './generator/core.ts';

export type { OpError } from './op-errors.ts';
export type { OptionSpec, OptionValues } from './options.ts';

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

/** What a client or nemesis returns: the completion, before the interpreter stamps index/time.
 *  An error may be given as plain text; it is recorded as { text }. */
export type Completion<O extends Op = Op> = Omit<O, 'index' | 'time' | 'error'> & { index?: number; time?: number; error?: OpError | string };

/** Options of a run, after validation: the engine's own (typed here) and every component's
 *  (read through the index). Secrets never go here: this is written to test.json. */
export interface RunOptions extends OptionValues {
  /** Derived, not options: the workload's name and the nodes' names. */
  readonly workload: string;
  readonly nodes: readonly string[];
  readonly nodeCount: number;
  readonly concurrency: number;
  readonly rate: number;
  readonly timeLimit: number;
  readonly opTimeout: number;
  readonly nemesis: readonly string[];
  readonly nemesisInterval: number;
  readonly recoveryTime: number;
  readonly seed: number;
  readonly store: string;
  readonly provider: string;
  readonly leaveDbRunning: boolean;
  readonly [k: string]: unknown;
}

/** Everything a client, db, nemesis or checker may know about the running test. */
export interface TestInfo {
  name: string;
  runId: string;
  seed: number;
  opts: RunOptions;
  /** Node names, n1..nN (or the hosts given to the ssh provider). */
  nodes: string[];
  concurrency: number;
  storeDir: string;
  log: Logger;
  /** Seeded randomness for set-up decisions (not for generators: they get theirs from ctx). */
  rng: Rng;
  /** Nanoseconds since the run started, on the monotonic clock. */
  now(): number;
  /** The cluster, once provisioned: `test.cluster.nodes` lists every node's handle. */
  cluster?: Cluster;
  db?: Db;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How the controller runs commands and moves files on a node: docker exec, ssh, or a local spawn. */
export interface Remote {
  exec(argv: string[], opts?: { stdin?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<ExecResult>;
  upload(localPath: string, remotePath: string): Promise<void>;
  download(remotePath: string, localPath: string): Promise<void>;
}

export interface NodeHandle {
  name: string;
  /** The address at which the controller reaches this node: a container's IP, an SSH host, a
   *  loopback address of its own on the local provider. */
  host: string;
  remote: Remote;
  /** A directory of this node's own on its machine, for the system's data; kept across restarts
   *  within a run (local: under the run's temporary directory; docker and ssh: /var/lib/jepsen). */
  dir: string;
  /** Present when the node's own main process is the system (a container running the user's
   *  image or compose service): how the provider kills, restarts and pauses it. */
  service?: NodeService;
}

/** The system as a node's own main process, controlled by the provider (docker: SIGKILL of the
 *  container's main process and a restart of the container; the cgroup freezer for pauses). */
export interface NodeService {
  kill(): Promise<void>;
  /** Starts it again after a kill: same file system, same address. */
  start(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
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
  /** The environment a process on this node starts with so that its clock can be moved. */
  env(node: string): Record<string, string>;
}

export interface Cluster extends AsyncDisposable {
  provider: string;
  nodes: NodeHandle[];
  net: Net;
  /** Present when the provider was asked for controllable clocks (a clock nemesis in the run). */
  clock?: ClockControl;
  /** What the nodes did that fails the run, as Maelstrom fails it (providers that see the node
   *  protocol: local). The run stops at the first one. */
  failures?: NodeFailures;
  /** Messages the network carried, when the provider is the network (local). */
  netCounts?(): NetCounts;
}

/** Something a node did that fails the run: it crashed, wrote a line that is not a message,
 *  answered a request with the wrong type, wrote to a node that does not exist... */
export interface NodeFailure {
  node: string;
  kind: 'crash' | 'malformed' | 'bad-reply' | 'unknown-reply' | 'unknown-dest';
  /** One sentence, with the offending line (or the node's last stderr lines). */
  text: string;
}

export interface NodeFailures {
  list(): readonly NodeFailure[];
  onFailure(listener: (f: NodeFailure) => void): void;
}

/** Message counts of a run's network (Maelstrom's net stats): sent, delivered, and distinct
 *  messages; clients = to or from a client, servers = the rest (nodes and services). */
export interface NetCounts {
  all: MessageCounts;
  clients: MessageCounts;
  servers: MessageCounts;
}
export interface MessageCounts {
  sendCount: number;
  recvCount: number;
  msgCount: number;
}

/** What a run needs of its cluster, known before provisioning. */
export interface ClusterNeeds {
  /** Node clocks the clock nemesis can move. */
  clock: boolean;
  /** Packet faults (delay, loss, duplication, reordering). */
  packet: boolean;
}

export interface ClusterSpec {
  nodes: string[];
  storeDir: string;
  seed: number;
  log: Logger;
  opts: RunOptions;
  needs: ClusterNeeds;
  /** The run's clock (ns since it started), so what the provider records lines up with the history. */
  now?: () => number;
}

/**
 * A part of a test that takes command-line options (Jepsen's :opt-spec): a workload, a system, a
 * nemesis, a provider. `options` lists what it reads (or, for a part that chooses among others,
 * what it reads given the values known so far); `configure` returns the part rebuilt with resolved
 * values. Values set in code when the part was made are its defaults; the command line overrides.
 */
export interface Configurable<T> {
  options?: readonly OptionSpec[] | ((given: OptionValues) => readonly OptionSpec[]);
  configure?(opts: RunOptions): T;
  /** Values this part suggests for other parts' options (a CRDT suggests eventual consistency). */
  suggest?(given: OptionValues): OptionValues;
}

export interface Provider extends Configurable<Provider> {
  name: string;
  provision(spec: ClusterSpec): Promise<Cluster>;
  /** The nodes' names when the provider decides them (the ssh provider's hosts); default n1..nN. */
  nodeNames?(opts: RunOptions): string[];
  /** Why this provider cannot run the given test (a missing capability), or undefined. */
  refuse?(ctx: RefusalContext): string | undefined;
}

export interface Client<O extends Op = Op> {
  /** A client for one worker, connected to one node (it may reach others through test.cluster). */
  open(test: TestInfo, node: NodeHandle): Promise<Client<O>>;
  setup?(test: TestInfo): Promise<void>;
  invoke(test: TestInfo, op: O, signal: AbortSignal): Promise<Completion<O>>;
  teardown?(test: TestInfo): Promise<void>;
  close(test: TestInfo): Promise<void>;
}

export type ClientFactory = () => Client<any>;

/** How a system is installed and run on one node (Jepsen's db). */
export interface Db extends Configurable<Db> {
  name: string;
  setup(test: TestInfo, node: NodeHandle): Promise<void>;
  teardown(test: TestInfo, node: NodeHandle): Promise<void>;
  kill?(test: TestInfo, node: NodeHandle): Promise<void>;
  start?(test: TestInfo, node: NodeHandle): Promise<void>;
  pause?(test: TestInfo, node: NodeHandle): Promise<void>;
  resume?(test: TestInfo, node: NodeHandle): Promise<void>;
  primaries?(test: TestInfo): Promise<string[]>;
  logFiles?(test: TestInfo, node: NodeHandle): Promise<string[]>;
  /** Clients for the workloads it supports, by workload name. */
  clients?: Partial<Record<string, ClientFactory>>;
  /** Nodes speak the node protocol: a workload's protocol client works against them, and the
   *  local provider's router carries (and partitions) their messages. */
  speaksNodeProtocol?: boolean;
  /** Providers it runs on (default: any). */
  providers?: readonly string[];
  /** Why this system cannot run the given test (clock faults on a Go program...), or undefined. */
  refuse?(ctx: RefusalContext): string | undefined;
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

/** One kind of fault: its nemesis, how to start and stop it, what undoes it for good, its band. */
export interface FaultFamily extends Configurable<FaultFamily> {
  name: string;
  nemesis: Nemesis;
  start(ctx: import('./generator/core.ts').GenContext): import('./generator/core.ts').OpSpec;
  stop(ctx: import('./generator/core.ts').GenContext): import('./generator/core.ts').OpSpec;
  /** Ops that undo the fault for good, run in the final phase. */
  final: import('./generator/core.ts').OpSpec[];
  band: PerfBand;
  /** Why this fault cannot be injected in the given test (one node to partition...), or undefined. */
  refuse?(ctx: RefusalContext): string | undefined;
}

export interface NemesisPackage {
  nemesis: Nemesis;
  generator: GenLike;
  finalGenerator: GenLike;
  perf: PerfBand[];
}

/** What a part is told when asked whether it can take part in a test. */
export interface RefusalContext {
  opts: RunOptions;
  provider: string;
  /** The names of the faults the run will inject. */
  nemeses: readonly string[];
  db: Db;
  workload: Workload;
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

/** What clients do (generator), what they do once the faults are over (final generator), and what
 *  makes the history correct (checker). */
export interface Workload extends Configurable<Workload> {
  name: string;
  generator: GenLike;
  finalGenerator?: GenLike;
  checker: Checker;
  /** A client speaking the node protocol, used against systems whose nodes speak it. */
  protocolClient?: ClientFactory;
  /** One generator serves every worker (Jepsen's way: a transaction generator handing out unique
   *  values per key). By default each worker has its own copy, so --seed replays each worker's ops. */
  sharedGenerator?: boolean;
}
