// Everything found in one strongly connected component of the dependency graph, in Elle's order
// (elle.txn/cycle-cases-in-scc): first which models' subgraphs are cyclic (exact, linear), which
// rules out searching for cycle types those acyclic subgraphs cannot contain; then the named cycle
// types, most severe first, skipping any type implied by one already found.
import { type CycleExistsSpec, CYCLE_EXISTS_SPECS, type CycleExists, cycleExists } from './cycle-exists.ts';
import { type Component, searchCycle } from './cycle-search.ts';
import { CYCLE_TYPES, allImpliedAnomalies, allImpossibleModels, anomaliesProhibitedBy, compareAnomalies } from './models.ts';
import { PROCESS, REALTIME } from './rels.ts';
import type { Step } from './walks.ts';

export interface SccFindings {
  cycles: Array<{ type: string; steps: Step[] }>;
  cycleExists: Array<{ spec: CycleExistsSpec; found: CycleExists }>;
  /** Cycle types whose search ran out of budget. */
  timeouts: string[];
}

export interface SccOptions {
  process: boolean;
  realtime: boolean;
  /** Edge visits allowed per cycle type per component. */
  budget: number;
  /** Shared edge-visit budget across the whole check; decremented. */
  total: { left: number };
  maxLength: number;
}

const SEARCH_ORDER = [...CYCLE_TYPES].sort(compareAnomalies);

export function analyzeComponent(c: Component, opts: SccOptions): SccFindings {
  const usable = (mask: number) => (!(mask & PROCESS) || opts.process) && (!(mask & REALTIME) || opts.realtime);
  const findings: SccFindings = { cycles: [], cycleExists: [], timeouts: [] };

  const impossible = new Set<string>();
  for (const spec of CYCLE_EXISTS_SPECS) {
    if (!usable(spec.mask) || impossible.has(spec.model)) continue;
    const found = cycleExists(c, spec);
    if (!found) continue;
    findings.cycleExists.push({ spec, found });
    for (const m of allImpossibleModels([spec.model])) impossible.add(m);
  }
  if (findings.cycleExists.length === 0) return findings;

  // Cycle types that an acyclic model subgraph rules out need no search.
  const possible = CYCLE_EXISTS_SPECS.map((s) => s.model).filter((m) => !impossible.has(m));
  const redundant = new Set([...anomaliesProhibitedBy(possible)].filter((a) => CYCLE_TYPES.has(a)));

  for (const type of SEARCH_ORDER) {
    if (redundant.has(type)) continue;
    if (type.endsWith('-process') && !opts.process) continue;
    if (type.endsWith('-realtime') && !opts.realtime) continue;
    if (opts.total.left <= 0) {
      findings.timeouts.push(type);
      continue;
    }
    const limits: { budget: number; maxLength: number; cut?: boolean } = { budget: Math.min(opts.budget, opts.total.left), maxLength: opts.maxLength };
    const before = limits.budget;
    const r = searchCycle(c, type, limits);
    opts.total.left -= before - Math.max(0, limits.budget);
    if (r === null) {
      if (limits.cut) findings.timeouts.push(type);
      continue;
    }
    if ('timeout' in r) {
      findings.timeouts.push(type);
      continue;
    }
    findings.cycles.push({ type, steps: r.found });
    for (const a of allImpliedAnomalies([type])) redundant.add(a);
  }
  return findings;
}
