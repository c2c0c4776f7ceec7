// What the explanations say about a checked history: per checker a verdict, a one-line headline
// and its anomalies, each first as one plain sentence, then the ops and evidence behind it.
// Plain data (JSON-able): the CLI summary, summary.json and JUnit use the same text as the page.
import type { CheckResult } from '../../src/types.ts';

/** A bar the timeline draws on its own row: e.g. the span in which an owner believed it held a lock. */
export interface TimelineSpan {
  row: string;
  start: number; // ns
  end: number | null; // ns; null = to the right edge
  label: string;
}

/** What an anomaly's timeline shows: these ops (history positions of invocations), the culprit
 *  and the other ops it is about marked, model states when the checker gave them. */
export interface TimelineFocus {
  ops: number[];
  mark: number[];
  culprit?: number;
  spans?: TimelineSpan[];
  /** Model states before/after an op (by the op's invocation position), as text. */
  states?: Array<{ op: number; before?: string; after?: string }>;
}

export interface GraphView {
  nodes: Array<{ id: string; label: string; ops: number[] }>;
  edges: Array<{ from: string; to: string; type: string; label: string }>;
}

export interface Anomaly {
  /** e.g. nonlinearizable, lost-updates, bad-read, overlap, lost-message, stale-read. */
  type: string;
  /** The checker it came from, as a path in the composed result: "workload.linearizable". */
  checker: string;
  /** One line: what was observed, what should have been, which ops, during which fault. */
  sentence: string;
  /** History positions of the ops it is about. */
  ops: number[];
  /** How many anomalies of this type the checker found (on the first of each type). */
  count?: number;
  /** How many of them this one sentence speaks for (default 1; a group of lost messages: more). */
  covers?: number;
  /** The faults active at the time (their descriptions), or [] when none was. */
  faults: string[];
  focus?: TimelineFocus;
  graph?: GraphView;
}

/** A small table of evidence, cells already bounded text. */
export interface Evidence {
  title: string;
  columns: string[];
  rows: string[][];
  /** Rows there would be without the cap. */
  total: number;
}

export interface CheckerExplanation {
  /** Path in the composed result: "workload", "workload.session", "stats". */
  name: string;
  /** What kind of result it was recognised as (counter, linearizable, lock, ...; generic). */
  kind: string;
  valid: CheckResult['valid'];
  /** One line. */
  headline: string;
  anomalies: Anomaly[];
  evidence: Evidence[];
  /** Sub-checkers of a composed checker. */
  parts: CheckerExplanation[];
  /** Facts worth a line that are not anomalies (duplicates allowed by at-least-once, ...). */
  notes: string[];
}

export interface Explanation {
  valid: CheckResult['valid'];
  /** One line for the whole result. */
  headline: string;
  /** The top-level checkers (workload, stats, perf, exceptions), each with its parts. */
  checkers: CheckerExplanation[];
}
