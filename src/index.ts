// jepsen-ts, the library (DESIGN.md §1): a test is a value made with defineTest — a workload, a
// client, optionally a db, faults and options — and run(test) runs it. The CLI and the built-in
// catalogue are written against exactly this API.
export { defineTest, isTestDefinition, type TestSpec, type TestDefinition } from './api/define.ts';
export { run, type RunHooks, type RunResult } from './api/run.ts';

export { workloads } from '../workloads/index.ts';
export type { CounterOptions } from '../workloads/counter.ts';
export type { RegisterOptions as RegisterWorkloadOptions } from '../workloads/register.ts';
export type { LockOptions } from '../workloads/lock.ts';
export type { QueueOptions } from '../workloads/queue.ts';
export type { CacheOptions } from '../workloads/cache.ts';
export type { TransactionsOptions } from '../workloads/transactions.ts';
export type { MaelstromWorkloadOptions } from '../workloads/maelstrom-common.ts';
export type { BroadcastOptions } from '../workloads/broadcast.ts';
export type { LinKvOptions } from '../workloads/lin-kv.ts';
export type { KafkaOptions } from '../workloads/kafka.ts';

export { checkers, compose } from '../checkers/index.ts';
export * as models from '../checkers/linearizable/models.ts';
export type { Model, LinOp } from '../checkers/linearizable/models.ts';
export { checkLinearizable, ModelError, HistoryMismatchError } from '../checkers/linearizable/index.ts';
export { checkListAppend, checkRwRegister, txnGenerator, type ElleResult } from '../checkers/elle/index.ts';
export { readHistory, parseEdnHistory, parseJsonlHistory } from './history-import.ts';
export { nemeses } from '../nemeses/index.ts';
export { builtinTests as tests } from './catalogue.ts';
export { providers } from './providers/index.ts';
export * as generators from './generator/index.ts';
export type { Gen, Gen as Generator, GenContext, GenLike, GenResult, OpSpec, FilledOp } from './generator/index.ts';

export { dbs } from '../dbs/public.ts';

export { ProtocolClient, type ProtocolMapping } from './protocol-client.ts';
export { ErrorCode, isDefinite, toOpError, hasCode, errorText, DEFINITE_CODES, type ErrorCodeName } from './op-errors.ts';
export { UsageError, RunAbortedError, EXIT } from './errors.ts';
export { Rng } from './rng.ts';
export { canonical, valueEquals, toJson, shortText } from './util/values.ts';
export type { OptionSpec, OptionType, OptionValues } from './options.ts';
export type {
  Op, OpType, OpError, History, Completion, Process, Client, ClientFactory, Db, Workload, Checker, CheckResult, CheckOpts,
  TestInfo, NodeHandle, NodeService, Remote, ExecResult, Cluster, ClusterSpec, Net, Grudge, LinkBehaviour, Provider, Nemesis,
  NemesisPackage, FaultFamily, PerfBand, RunOptions, Configurable, RefusalContext,
} from './types.ts';
