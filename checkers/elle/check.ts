// The Elle-class checker: infer dependencies, find cycles, name anomalies, judge them against the
// requested consistency models (Elle's elle.txn/cycles and result-map).
//
// Verdicts about cycles never depend on search limits: whether each model's subgraph is cyclic is
// decided exactly by strongly connected components (cycle-exists). Limits (edge visits, cycle
// length) only bound the search for *named* cycles; hitting one makes the result unknown only if
// the type being searched is prohibited and nothing else already makes the result invalid.
import type { CheckResult, History } from '../../src/types.ts';
import { AnomalyLog } from './anomaly-log.ts';
import { i32, withArena } from './arena.ts';
import { describeAnomaly } from './anomaly-sentences.ts';
import type { DataExplainer } from './explainer.ts';
import { type CycleCase, type Explanation, describeCycle, explainCycle } from './explain.ts';
import { EdgeList, induced, nontrivialComponents, packGraph, tarjan } from './graph.ts';
import { TxnFormatError, type WorkloadKind, parseTxns, txnIndex } from './history.ts';
import { analyzeListAppend } from './list-append.ts';
import {
  CYCLE_TYPES,
  PROCESS_TYPES,
  REALTIME_TYPES,
  UNKNOWN_TYPES,
  allAnomaliesImplying,
  anomaliesProhibitedBy,
  anomaliesToImpossibleModels,
  boundary,
  canonicalModel,
  compareAnomalies,
  friendlyModel,
  strongestSatisfiable,
  validateModels,
} from './models.ts';
import { addProcessEdges, addRealtimeEdges } from './order-edges.ts';
import { analyzeRwRegister } from './rw-register.ts';
import { analyzeComponent } from './scc-analysis.ts';

export interface ElleOptions {
  /** Models the history must satisfy (Elle's names). Default ['strict-serializable']. */
  consistencyModels?: readonly string[];
  /** Further anomaly types to prohibit (and everything implying them). */
  anomalies?: readonly string[];
  /** Anomalies kept (with data) per type; all are counted. Default 8. */
  maxAnomaliesPerType?: number;
  /** Explanations returned in all. Default 24. */
  maxExplanations?: number;
  /** Edge visits allowed per cycle type per strongly connected component. Default 2,000,000. */
  cycleSearchBudget?: number;
  /** Edge visits allowed for all named-cycle searches together. Default 50,000,000. */
  totalSearchBudget?: number;
  /** Longest cycle (in transactions) a named search reports. Default 1,000 (explanations elide all but 64 steps). */
  maxCycleLength?: number;
  /** rw-register: infer that writes follow reads within a transaction. Default true. */
  wfrKeys?: boolean;
  /** Called with the wall time of each phase (for benchmarks). */
  onPhase?: (phase: string, ms: number) => void;
}

export interface ElleResult extends CheckResult {
  'anomaly-types': string[];
  anomalies: Record<string, unknown[]>;
  'anomaly-counts': Record<string, number>;
  /** Anomaly types found that the requested models allow (not reported above). */
  'unreported-anomaly-types': string[];
  not: string[];
  'also-not': string[];
  'weakest-violated': string[];
  'strongest-satisfiable': string[];
  'consistency-models': string[];
  counts: { txns: number; ok: number; info: number; fail: number; keys: number; 'micro-ops': number };
  graph: { nodes: number; edges: number; 'time-nodes': number; 'cyclic-components': number; 'largest-cyclic-component': number; realtime: boolean; process: boolean };
  explanations: Explanation[];
  /** Named-cycle searches cut short where the verdict did not depend on them. */
  'search-limits': Array<{ type: string; 'scc-size': number }>;
  reason?: string;
  error?: string;
}

/** Our own unknown-making types: a value written twice leaves its key out of the analysis. */
const DUPLICATE_TYPES = new Set(['duplicate-appends', 'duplicate-writes']);

export function checkElle(history: History, kind: WorkloadKind, opts: ElleOptions = {}): ElleResult {
  validateModels(opts.consistencyModels ?? []);
  // Below ~64 MB of arrays V8 would not collect for them anyway; reserving would force one GC.
  const bytes = arenaBytes(history);
  return bytes > 128 * 2 ** 20 ? withArena(bytes, () => check(history, kind, opts)) : check(history, kind, opts);
}

/** A generous bound on the typed arrays a check needs (see arena.ts): ~150 bytes per event plus
 *  ~90 per micro-op, about twice what generated histories use. Only the pages actually used
 *  become resident. */
function arenaBytes(history: History): number {
  let mops = 0;
  for (let i = 0; i < history.length; i++) {
    const v = history[i].value;
    if (Array.isArray(v)) mops += v.length;
  }
  return 150 * history.length + 90 * mops + 2 ** 20;
}

function check(history: History, kind: WorkloadKind, opts: ElleOptions): ElleResult {
  const models = [...(opts.consistencyModels ?? ['strict-serializable'])];
  const prohibited = new Set([...allAnomaliesImplying(opts.anomalies ?? []), ...anomaliesProhibitedBy(models)]);
  const reportable = new Set([...prohibited, ...UNKNOWN_TYPES, ...DUPLICATE_TYPES]);
  const realtime = REALTIME_TYPES.some((a) => reportable.has(a));
  // Process edges are cheap; with them, session violations are named as such even when the
  // real-time graph is also needed.
  const process = realtime || PROCESS_TYPES.some((a) => reportable.has(a));
  const cap = opts.maxAnomaliesPerType ?? 8;

  let clock = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    opts.onPhase?.(name, now - clock);
    clock = now;
  };
  let t;
  const log = new AnomalyLog(cap);
  // Up to about four dependencies per event in generated histories; the list grows if needed.
  const edges = new EdgeList(Math.max(1024, history.length * 4));
  let explainer: DataExplainer;
  try {
    t = parseTxns(history, kind);
    phase('parse');
    explainer = kind === 'list-append' ? analyzeListAppend(t, log, edges) : analyzeRwRegister(t, log, edges, { wfrKeys: opts.wfrKeys });
  } catch (e) {
    if (!(e instanceof TxnFormatError)) throw e;
    return malformed(models, e.message);
  }
  phase('infer');
  if (process) addProcessEdges(t, edges);
  const timeNodes = realtime ? addRealtimeEdges(t, edges) : 0;
  const g = packGraph(t.n + timeNodes, edges);
  if (g.dst.length === 0) log.flag('empty-transaction-graph');
  phase('graph');

  // Cycles live in strongly connected components; everything else is acyclic.
  const comps = nontrivialComponents(tarjan(g));
  phase('scc');
  const total = { left: opts.totalSearchBudget ?? 50_000_000 };
  const cycleData = new Map<unknown, Explanation>();
  const limits: ElleResult['search-limits'] = [];
  const timedOut = new Set<string>(); // cycle types whose search was cut short: possibly present
  const scratch = i32(g.n).fill(-1);
  let largest = 0;
  for (const nodes of comps) {
    let size = 0;
    for (const x of nodes) if (x < t.n) size++;
    largest = Math.max(largest, size);
    const c = { g: induced(g, nodes, 0xff, scratch), nodes, txnCount: t.n };
    const f = analyzeComponent(c, { process, realtime, budget: opts.cycleSearchBudget ?? 2_000_000, total, maxLength: opts.maxCycleLength ?? 1000 });
    const keep = (type: string, make: () => { data: CycleCase; explanation: Explanation }, extra: Record<string, unknown> = {}) =>
      log.add(type, () => {
        const { data, explanation } = make();
        const out = { ...extra, ...data };
        cycleData.set(out, explanation);
        return out;
      });
    for (const { type, steps } of f.cycles) keep(type, () => explainCycle(t, explainer, type, steps, describeCycle(type, steps)));
    for (const { spec, found } of f.cycleExists) {
      const type = `${spec.model}-cycle-exists`;
      const summary = `a cycle in the subgraph ${spec.subgraph} among ${found.txns.length} transactions, which ${friendlyModel(spec.model)} forbids: ${type}`;
      keep(type, () => explainCycle(t, explainer, type, found.walk, summary), {
        not: friendlyModel(spec.model),
        subgraph: spec.subgraph,
        'scc-size': found.txns.length,
        scc: found.txns.slice(0, 64).map((i) => txnIndex(t, i)),
      });
    }
    for (const type of f.timeouts) {
      timedOut.add(type);
      const limit = `${opts.cycleSearchBudget ?? 2_000_000} edge visits per search, ${opts.totalSearchBudget ?? 50_000_000} in all, cycles of at most ${opts.maxCycleLength ?? 1000} transactions`;
      if (prohibited.has(type)) log.add('cycle-search-timeout', () => ({ 'anomaly-spec-type': type, 'scc-size': size, limit }));
      else if (limits.length < 64) limits.push({ type, 'scc-size': size });
    }
  }

  phase('cycles');
  // Cycle-exists anomalies are a fallback: drop those whose model other anomalies already rule out.
  const found = log.types();
  const ruledOut = anomaliesToImpossibleModels(found.filter((a) => !a.endsWith('-cycle-exists')));
  const redundant = new Set(found.filter((a) => a.endsWith('-cycle-exists') && ruledOut.has(canonicalModel(a.slice(0, -'-cycle-exists'.length)))));
  const shown = found.filter((a) => reportable.has(a) && !redundant.has(a)).sort();
  const bad = shown.filter((a) => prohibited.has(a));
  const valid: ElleResult['valid'] = bad.length > 0 ? false : shown.length > 0 ? 'unknown' : true;
  const { not, alsoNot } = boundary(found);

  const anomalies: Record<string, unknown[]> = {};
  const anomalyCounts: Record<string, number> = {};
  for (const a of shown) {
    anomalies[a] = log.kept.get(a)!;
    anomalyCounts[a] = log.counts.get(a)!;
  }
  const explanations = explain(shown, log, cycleData, kind, opts.maxExplanations ?? 24);

  const result: ElleResult = {
    valid,
    'anomaly-types': shown,
    anomalies,
    'anomaly-counts': anomalyCounts,
    'unreported-anomaly-types': found.filter((a) => !reportable.has(a)).sort(),
    not,
    'also-not': alsoNot,
    'weakest-violated': not,
    'strongest-satisfiable': strongestSatisfiable(anomaliesToImpossibleModels([...found, ...timedOut]), { process, realtime }),
    'consistency-models': models,
    counts: { txns: t.n, ok: t.counts.ok, info: t.counts.info, fail: t.counts.fail, keys: t.keys.length, 'micro-ops': t.mopStart[t.n] },
    graph: { nodes: g.n, edges: g.dst.length, 'time-nodes': timeNodes, 'cyclic-components': comps.length, 'largest-cyclic-component': largest, realtime, process },
    explanations,
    'search-limits': limits,
  };
  if (valid === 'unknown') {
    const why = shown.filter((a) => !prohibited.has(a));
    result.reason = why.map((a) => describeAnomaly(a, (log.kept.get(a)?.[0] ?? {}) as Record<string, unknown>, kind === 'list-append')?.sentence ?? a).join('; ');
  }
  return result;
}

/** Explanations, round-robin over types (cycles first, most severe first), so each type gets some. */
function explain(types: string[], log: AnomalyLog, cycleData: Map<unknown, Explanation>, kind: WorkloadKind, max: number): Explanation[] {
  const rank = (a: string) => (CYCLE_TYPES.has(a) ? 0 : a.endsWith('-cycle-exists') ? 1 : 2);
  const ordered = [...types].sort((a, b) => rank(a) - rank(b) || compareAnomalies(a, b));
  const out: Explanation[] = [];
  for (let round = 0; out.length < max; round++) {
    let any = false;
    for (const type of ordered) {
      const entry = log.kept.get(type)?.[round];
      if (entry === undefined && !(round === 0 && log.kept.get(type)?.length === 0)) continue;
      any = true;
      const ex = entry === undefined ? describeAnomaly(type, {}, kind === 'list-append') : (cycleData.get(entry) ?? describeAnomaly(type, entry as Record<string, unknown>, kind === 'list-append'));
      if (ex) out.push(ex);
      if (out.length >= max) break;
    }
    if (!any) break;
  }
  return out;
}

function malformed(models: string[], message: string): ElleResult {
  return {
    valid: 'unknown',
    error: message,
    reason: `the history cannot be analysed: ${message}`,
    'anomaly-types': [],
    anomalies: {},
    'anomaly-counts': {},
    'unreported-anomaly-types': [],
    not: [],
    'also-not': [],
    'weakest-violated': [],
    'strongest-satisfiable': [],
    'consistency-models': models,
    counts: { txns: 0, ok: 0, info: 0, fail: 0, keys: 0, 'micro-ops': 0 },
    graph: { nodes: 0, edges: 0, 'time-nodes': 0, 'cyclic-components': 0, 'largest-cyclic-component': 0, realtime: false, process: false },
    explanations: [],
    'search-limits': [],
  };
}
