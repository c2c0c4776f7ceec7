// Consistency models and the anomalies they prohibit, after Elle's elle.consistency-model (which
// cites Adya, Cerone, Bailis, Daudjee and others): which anomalies imply which, which models imply
// which, and from a set of anomalies the weakest models ruled out ("not") and the rest ("also-not").
// Names are Elle's; canonical (Adya) names such as PL-2 map to friendly ones such as
// read-committed.
import { UsageError } from '../../src/errors.ts';

type Dag = ReadonlyMap<string, readonly string[]>;

/** a -> [b...]: anomaly a implies anomalies b. */
const IMPLIED_ANOMALIES: Dag = new Map<string, string[]>([
  ['G0', ['G1c', 'G0-process']],
  ['G0-process', ['G1c-process', 'G0-realtime']],
  ['G0-realtime', ['G1c-realtime']],
  ['G1a', ['G1']],
  ['G1b', ['G1']],
  ['G1c', ['G1', 'G1c-process']],
  ['G1c-process', ['G1c-realtime', 'G1-process']],
  ['G1c-realtime', ['G1-realtime']],
  ['G1', ['G1-process']],
  ['G1-process', ['G1-realtime']],
  ['G-single-item', ['G-single', 'G-single-item-process', 'G-nonadjacent-item']],
  ['G-single-item-process', ['G-single-process', 'G-single-item-realtime', 'G-nonadjacent-item-process']],
  ['G-single-item-realtime', ['G-single-realtime', 'G-nonadjacent-item-realtime']],
  ['G-single', ['G-nonadjacent', 'GSIb', 'G-single-process']],
  ['G-single-process', ['G-nonadjacent-process', 'G-single-realtime']],
  ['G-single-realtime', ['G-nonadjacent-realtime']],
  ['G-nonadjacent-item', ['G-nonadjacent', 'G2-item', 'G-nonadjacent-item-process']],
  ['G-nonadjacent-item-process', ['G-nonadjacent-process', 'G2-item-process', 'G-nonadjacent-item-realtime']],
  ['G-nonadjacent-item-realtime', ['G2-item-realtime', 'G-nonadjacent-realtime']],
  ['G-nonadjacent', ['G2', 'G-nonadjacent-process']],
  ['G-nonadjacent-process', ['G2-process', 'G-nonadjacent-realtime']],
  ['G-nonadjacent-realtime', ['G2-realtime']],
  ['G2', ['G2-process']],
  ['G2-item', ['G2', 'G2-item-process']],
  ['G2-item-process', ['G2-process', 'G2-item-realtime']],
  ['G2-item-realtime', ['G2-realtime']],
  ['G2-process', ['G2-realtime']],
  ['GSIa', ['GSI']],
  ['GSIb', ['GSI']],
  // Two committed reads that could not come from one timeline imply a dirty read.
  ['incompatible-order', ['G1a']],
  // A read of the transaction's own later write is a trivial wr cycle.
  ['future-read', ['G1c']],
  ['dirty-update', ['G1a']],
  ['lost-update', ['write-skew', 'G2-item']],
  ['write-skew', ['G2']],
]);

/** Extra "worse than" edges, used only to order the cycle searches (most severe first). */
const SEVERITY: Dag = new Map<string, string[]>([
  ['G0', ['G1c']],
  ['G0-process', ['G1c-process']],
  ['G0-realtime', ['G1c-realtime']],
  ['G1c', ['G-single', 'G2-item']],
  ['G1c-process', ['G-single-process', 'G2-item-process']],
  ['G1c-realtime', ['G-single-realtime', 'G2-item-realtime']],
  ['G2', ['G0-process']],
  ['G2-process', ['G0-realtime']],
]);

/** Friendly name -> canonical (Adya) name. */
const CANONICAL = new Map<string, string>([
  ['consistent-view', 'PL-2+'],
  ['conflict-serializable', 'PL-3'],
  ['cursor-stability', 'PL-CS'],
  ['forward-consistent-view', 'PL-FCV'],
  ['monotonic-snapshot-read', 'PL-MSR'],
  ['monotonic-view', 'PL-2L'],
  ['read-committed', 'PL-2'],
  ['read-uncommitted', 'PL-1'],
  ['repeatable-read', 'PL-2.99'],
  ['serializable', 'PL-3'],
  ['snapshot-isolation', 'PL-SI'],
  ['strict-serializable', 'PL-SS'],
  ['strong-serializable', 'PL-SS'],
  ['update-serializable', 'PL-3U'],
  ['strong-session-read-uncommitted', 'strong-session-PL-1'],
  ['strong-session-read-committed', 'strong-session-PL-2'],
  ['strong-read-uncommitted', 'strong-PL-1'],
  ['strong-read-committed', 'strong-PL-2'],
]);

const FRIENDLY = new Map<string, string>([...CANONICAL].map(([f, c]) => [c, f]));
FRIENDLY.set('PL-3', 'serializable');
FRIENDLY.set('PL-SS', 'strict-serializable');

export function canonicalModel(m: string): string {
  return CANONICAL.get(m) ?? m;
}

export function friendlyModel(m: string): string {
  return FRIENDLY.get(m) ?? m;
}

function canonicalDag(entries: Array<[string, string[]]>): Dag {
  const out = new Map<string, string[]>();
  for (const [k, vs] of entries) {
    const ck = canonicalModel(k);
    out.set(ck, [...(out.get(ck) ?? []), ...vs.map(canonicalModel)]);
  }
  return out;
}

/** a -> [b...]: a history satisfying model a satisfies every b. */
const MODELS: Dag = canonicalDag([
  ['causal-cerone', ['read-atomic']],
  ['consistent-view', ['cursor-stability', 'monotonic-view']],
  ['conflict-serializable', ['view-serializable']],
  ['cursor-stability', ['read-committed', 'PL-2']],
  ['forward-consistent-view', ['consistent-view']],
  ['PL-2', ['PL-1']],
  ['PL-3', ['repeatable-read', 'update-serializable']],
  ['update-serializable', ['forward-consistent-view']],
  ['monotonic-atomic-view', ['read-committed']],
  ['monotonic-view', ['PL-2']],
  ['monotonic-snapshot-read', ['PL-2']],
  ['parallel-snapshot-isolation', ['causal-cerone', 'update-atomic']],
  ['prefix', ['causal-cerone']],
  ['read-atomic', ['monotonic-atomic-view']],
  ['read-committed', ['read-uncommitted']],
  ['repeatable-read', ['cursor-stability', 'monotonic-atomic-view']],
  ['update-atomic', ['read-atomic']],
  ['serializable', ['repeatable-read', 'snapshot-isolation', 'view-serializable']],
  ['session-serializable', ['1SR']],
  ['snapshot-isolation', ['forward-consistent-view', 'monotonic-atomic-view', 'monotonic-snapshot-read', 'parallel-snapshot-isolation', 'prefix']],
  ['strict-serializable', ['PL-3', 'serializable', 'linearizable', 'snapshot-isolation', 'strong-snapshot-isolation', 'strong-session-serializable']],
  ['strong-session-PL-1', ['PL-1']],
  ['strong-session-PL-2', ['PL-2', 'strong-session-PL-1']],
  ['strong-PL-1', ['strong-session-PL-1']],
  ['strong-PL-2', ['strong-session-PL-2', 'strong-PL-1']],
  ['strong-session-serializable', ['serializable', 'strong-session-snapshot-isolation']],
  ['strong-session-snapshot-isolation', ['snapshot-isolation', 'strong-session-PL-2']],
  ['strong-serializable', ['session-serializable']],
  ['strong-snapshot-isolation', ['strong-session-snapshot-isolation', 'strong-PL-2']],
  ['linearizable', ['sequential']],
  ['sequential', ['causal']],
  ['causal', ['writes-follow-reads', 'PRAM']],
  ['PRAM', ['monotonic-reads', 'monotonic-writes', 'read-your-writes']],
]);

/** model -> anomalies it directly prohibits (on top of those of the models it implies). */
const PROSCRIBED: Dag = canonicalDag([
  ['causal-cerone', ['internal', 'G1a']],
  ['cursor-stability', ['G1', 'G-cursor', 'lost-update']],
  ['monotonic-view', ['G1', 'G-monotonic']],
  ['monotonic-snapshot-read', ['G1', 'G-MSR']],
  ['consistent-view', ['G1', 'G-single']],
  ['forward-consistent-view', ['G1', 'G-SIb']],
  ['parallel-snapshot-isolation', ['internal', 'G1a']],
  ['PL-3', ['G1', 'G2', 'predicate-read-miss', 'PL-3-cycle-exists']],
  ['PL-2', ['G1', 'PL-2-cycle-exists']],
  ['PL-1', ['G0', 'duplicate-elements', 'cyclic-versions', 'PL-1-cycle-exists']],
  ['prefix', ['internal', 'G1a']],
  ['serializable', ['internal']],
  ['snapshot-isolation', ['internal', 'G1', 'G-SI', 'G-nonadjacent', 'PL-SI-cycle-exists']],
  ['read-atomic', ['internal', 'G1a', 'future-read']],
  ['repeatable-read', ['G1', 'G2-item', 'PL-2.99-cycle-exists', 'lost-update']],
  ['update-atomic', ['lost-update']],
  ['strict-serializable', ['G1', 'G1c-realtime', 'G2-realtime', 'PL-SS-cycle-exists']],
  ['strong-session-PL-1', ['strong-session-PL-1-cycle-exists', 'G0-process']],
  ['strong-session-PL-2', ['strong-session-PL-2-cycle-exists', 'G1c-process']],
  ['strong-PL-1', ['strong-PL-1-cycle-exists', 'G0-realtime']],
  ['strong-PL-2', ['strong-PL-2-cycle-exists', 'G1c-realtime']],
  ['strong-session-snapshot-isolation', ['internal', 'G1-process', 'G-nonadjacent-process', 'strong-session-snapshot-isolation-cycle-exists']],
  ['strong-snapshot-isolation', ['internal', 'G1-realtime', 'G-nonadjacent-realtime', 'strong-snapshot-isolation-cycle-exists']],
  ['strong-session-serializable', ['G1-process', 'G2-process', 'strong-session-serializable-cycle-exists']],
  ['update-serializable', ['G1', 'G-update']],
]);

function invert(g: Dag): Dag {
  const out = new Map<string, string[]>();
  for (const [a, bs] of g) for (const b of bs) out.set(b, [...(out.get(b) ?? []), a]);
  return out;
}

const IMPLIED_BY = invert(IMPLIED_ANOMALIES);
const MODELS_IN = invert(MODELS);
const PROSCRIBED_BY = invert(PROSCRIBED);

/** Everything reachable from xs (xs included). */
function reach(g: Dag, xs: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...xs];
  while (stack.length) {
    const x = stack.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    for (const y of g.get(x) ?? []) if (!seen.has(y)) stack.push(y);
  }
  return seen;
}

const ALL_MODELS: ReadonlySet<string> = new Set([...MODELS.keys(), ...[...MODELS.values()].flat(), ...CANONICAL.keys(), ...CANONICAL.values(), ...PROSCRIBED.keys()]);

/** Every model name we know, friendly names preferred, sorted. */
export function knownModels(): string[] {
  return [...new Set([...ALL_MODELS].map(friendlyModel))].sort();
}

/** Throws a UsageError naming the first unknown model. */
export function validateModels(ms: readonly string[]): void {
  for (const m of ms) {
    if (typeof m !== 'string' || !ALL_MODELS.has(canonicalModel(m))) {
      throw new UsageError(`Unknown consistency model ${JSON.stringify(m)}; known models are: ${knownModels().join(', ')}.`);
    }
  }
}

export function allImpliedAnomalies(as: Iterable<string>): Set<string> {
  return reach(IMPLIED_ANOMALIES, as);
}

export function allAnomaliesImplying(as: Iterable<string>): Set<string> {
  return reach(IMPLIED_BY, as);
}

export function allImpliedModels(ms: Iterable<string>): Set<string> {
  return reach(MODELS, [...ms].map(canonicalModel));
}

export function allImpossibleModels(ms: Iterable<string>): Set<string> {
  return reach(MODELS_IN, [...ms].map(canonicalModel));
}

/** Anomalies that cannot be present if all these models hold. */
export function anomaliesProhibitedBy(models: Iterable<string>): Set<string> {
  const direct: string[] = [];
  for (const m of allImpliedModels(models)) direct.push(...(PROSCRIBED.get(m) ?? []));
  return allAnomaliesImplying(direct);
}

/** Canonical models ruled out by the presence of these anomalies. */
export function anomaliesToImpossibleModels(anomalies: Iterable<string>): Set<string> {
  const direct: string[] = [];
  for (const a of allImpliedAnomalies(anomalies)) direct.push(...(PROSCRIBED_BY.get(a) ?? []));
  return allImpossibleModels(direct);
}

/** The subset of ms not implying (weakest) / not implied by (strongest) another member. */
function most(ms: Iterable<string>, g: Dag): Set<string> {
  const set = new Set([...ms].map(canonicalModel));
  for (const m of [...set]) {
    const rest = new Set(set);
    rest.delete(m);
    for (const x of reach(g, [m])) {
      if (rest.has(x)) {
        set.delete(m);
        break;
      }
    }
  }
  return set;
}

export function weakestModels(ms: Iterable<string>): Set<string> {
  return most(ms, MODELS);
}

export function strongestModels(ms: Iterable<string>): Set<string> {
  return most(ms, MODELS_IN);
}

/** Elle's boundary, in friendly names: the weakest models ruled out, and every other one. */
export function boundary(anomalies: Iterable<string>): { not: string[]; alsoNot: string[] } {
  const impossible = anomaliesToImpossibleModels(anomalies);
  const not = weakestModels(impossible);
  const friendly = (xs: Iterable<string>) => [...new Set([...xs].map(friendlyModel))].sort();
  return { not: friendly(not), alsoNot: friendly([...impossible].filter((m) => !not.has(m))) };
}

/** Depth of each anomaly: the longest chain of implication / severity leading to it. Elle
 *  searches cycle types in (depth, name) order, so the most severe come first. */
const DEPTHS: ReadonlyMap<string, number> = (() => {
  const g = new Map<string, string[]>();
  for (const d of [IMPLIED_ANOMALIES, SEVERITY]) for (const [a, bs] of d) g.set(a, [...(g.get(a) ?? []), ...bs]);
  const depth = new Map<string, number>();
  const nodes = new Set([...g.keys(), ...[...g.values()].flat(), ...[...PROSCRIBED.values()].flat()]);
  // Longest path from a source; the graph is small and acyclic, so relax until stable.
  for (const n of nodes) depth.set(n, 0);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [a, bs] of g) {
      for (const b of bs) {
        if (depth.get(b)! < depth.get(a)! + 1) {
          depth.set(b, depth.get(a)! + 1);
          changed = true;
        }
      }
    }
  }
  return depth;
})();

export function compareAnomalies(a: string, b: string): number {
  const d = (DEPTHS.get(a) ?? 0) - (DEPTHS.get(b) ?? 0);
  return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
}

/** Headline transactional models we report as satisfiable or not, by the edges they need. */
const HEADLINE_MODELS: ReadonlyArray<{ name: string; needs: 'data' | 'process' | 'realtime' }> = [
  { name: 'read-uncommitted', needs: 'data' },
  { name: 'read-committed', needs: 'data' },
  { name: 'monotonic-atomic-view', needs: 'data' },
  { name: 'read-atomic', needs: 'data' },
  { name: 'update-atomic', needs: 'data' },
  { name: 'consistent-view', needs: 'data' },
  { name: 'repeatable-read', needs: 'data' },
  { name: 'snapshot-isolation', needs: 'data' },
  { name: 'serializable', needs: 'data' },
  { name: 'strong-session-read-uncommitted', needs: 'process' },
  { name: 'strong-session-read-committed', needs: 'process' },
  { name: 'strong-session-snapshot-isolation', needs: 'process' },
  { name: 'strong-session-serializable', needs: 'process' },
  { name: 'strong-read-uncommitted', needs: 'realtime' },
  { name: 'strong-read-committed', needs: 'realtime' },
  { name: 'strong-snapshot-isolation', needs: 'realtime' },
  { name: 'strict-serializable', needs: 'realtime' },
];

/** The strongest headline models not ruled out, among those the analysed edges can judge. */
export function strongestSatisfiable(impossible: ReadonlySet<string>, edges: { process: boolean; realtime: boolean }): string[] {
  const judged = HEADLINE_MODELS.filter((m) => m.needs === 'data' || (m.needs === 'process' && edges.process) || (m.needs === 'realtime' && edges.realtime));
  const possible = judged.map((m) => canonicalModel(m.name)).filter((m) => !impossible.has(m));
  return [...strongestModels(possible)].map(friendlyModel).sort();
}

/** Cycle anomaly types Elle names, for item (not predicate) dependencies. */
export const CYCLE_BASES = ['G0', 'G1c', 'G-single-item', 'G-nonadjacent-item', 'G2-item'] as const;
export const CYCLE_TYPES: ReadonlySet<string> = new Set(CYCLE_BASES.flatMap((b) => [b, `${b}-process`, `${b}-realtime`]));

export const PROCESS_TYPES = [...CYCLE_TYPES].filter((t) => t.endsWith('-process'));
export const REALTIME_TYPES = [...CYCLE_TYPES].filter((t) => t.endsWith('-realtime'));

/** Anomaly types that make a result unknown rather than false (Elle's). */
export const UNKNOWN_TYPES: ReadonlySet<string> = new Set(['empty-transaction-graph', 'cycle-search-timeout']);
