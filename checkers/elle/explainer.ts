// What a workload analysis hands to cycle explanation: why transaction b depends on a.
import { shortText } from '../../src/util/values.ts';

export interface StepExplanation {
  /** Elle-style data: {type: 'wr', key, value, ...}. */
  data: Record<string, unknown>;
  /** "T2 observed T1's append of 3 to key 7", given the names of a and b. */
  render(a: string, b: string): string;
  /** A short edge label for drawings: "wr 7: 3". */
  label: string;
}

export interface DataExplainer {
  /** Why b depends on a through relationship rel (WW, WR or RW), or null if it does not. */
  explain(a: number, b: number, rel: number): StepExplanation | null;
}

export const show = (v: unknown): string => shortText(v, 40);
