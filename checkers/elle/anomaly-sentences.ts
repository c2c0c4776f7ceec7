// One sentence for each kind of non-cycle anomaly, from the data kept about it.
import { shortText } from '../../src/util/values.ts';
import type { Explanation } from './explain.ts';

type Entry = Record<string, unknown>;

const v = (x: unknown) => shortText(x, 60);
const at = (i: unknown) => `the transaction at index ${i}`;

function read(e: Entry): string {
  const [, k, val] = e.mop as [string, unknown, unknown];
  return `read key ${v(k)} = ${v(val)}`;
}

function key(e: Entry): string {
  return v((e.mop as unknown[])[1]);
}

/** A sentence (and the ops involved) for a non-cycle anomaly entry, or null for unknown types. */
export function describeAnomaly(type: string, e: Entry, appends: boolean): Explanation | null {
  const op = e.op as number;
  const mk = (sentence: string, ops: unknown[], graph?: Explanation['graph']): Explanation => ({ type, sentence, ops: ops.filter((x): x is number => typeof x === 'number'), graph });
  const writerGraph = (label: string): Explanation['graph'] => ({
    nodes: [
      { id: 'W', label: `W: ${at(e.writer)}`, ops: [e.writer as number] },
      { id: 'R', label: `R: ${at(op)}`, ops: [op] },
    ],
    edges: [{ from: 'W', to: 'R', type: 'wr', label }],
  });
  switch (type) {
    case 'G1a':
      return mk(
        appends
          ? `${at(op)} ${read(e)}, which holds ${v(e.element)}, appended by ${at(e.writer)}, which failed: an aborted read (G1a)`
          : `${at(op)} ${read(e)}, written by ${at(e.writer)}, which failed: an aborted read (G1a)`,
        [op, e.writer],
        writerGraph(`wr ${key(e)} (aborted)`),
      );
    case 'G1b':
      return mk(
        appends
          ? `${at(op)} ${read(e)}, whose last element ${v(e.element)} was an intermediate append of ${at(e.writer)}, which appended to key ${key(e)} again: an intermediate read (G1b)`
          : `${at(op)} ${read(e)}, an intermediate write of ${at(e.writer)}, which wrote key ${key(e)} again: an intermediate read (G1b)`,
        [op, e.writer],
        writerGraph(`wr ${key(e)} (intermediate)`),
      );
    case 'internal':
      return mk(`${at(op)} ${read(e)}, but its own earlier micro-ops on that key imply ${v(e.expected)}: an internal inconsistency`, [op]);
    case 'future-read':
      return mk(`${at(op)} ${read(e)}, which holds ${v(e.element)}, a value the transaction itself writes only later: a future read`, [op]);
    case 'incompatible-order': {
      const [a, b] = e.values as unknown[];
      return mk(`reads of key ${v(e.key)} returned ${v(a)} and ${v(b)}, which cannot both be prefixes of one order of appends: incompatible-order`, []);
    }
    case 'duplicate-elements': {
      const d = (e.duplicates as Array<{ element: unknown; count: number }>).map((x) => `${v(x.element)} (${x.count} times)`).join(', ');
      return mk(`${at(op)} ${read(e)}, which holds ${d}, though every value is appended once: duplicate-elements`, [op]);
    }
    case 'dirty-update': {
      const txns = e.txns as unknown[];
      return mk(`key ${v(e.key)} went through ${v(e.values)}: ${at(txns[0])} failed, yet ${at(txns[2])} committed an append on top of its state: a dirty update`, [txns[0], txns[2]]);
    }
    case 'lost-update': {
      const txns = e.txns as number[];
      return mk(`the transactions at indices ${txns.join(', ')} all read key ${v(e.key)} = ${v(e.value)} and then wrote that key, each overwriting a state it never saw: a lost update`, txns);
    }
    case 'duplicate-appends':
    case 'duplicate-writes': {
      const txns = e.txns as number[];
      return mk(`value ${v(e.value)} was written to key ${v(e.key)} by the transactions at indices ${txns.join(' and ')}; values must be unique per key, so that key was left out of the analysis`, txns);
    }
    case 'cyclic-versions': {
      const scc = e.scc as unknown[];
      const from = Array.isArray(e.sources) ? ` from ${(e.sources as string[]).join(' and ')}` : '';
      const who = typeof e.op === 'number' ? ` (the transaction at index ${e.op} appended them in that order)` : '';
      return mk(`the version order inferred${from} for key ${v(e.key)} is cyclic (${[...scc, scc[0]].map(v).join(' < ')})${who}: cyclic-versions`, typeof e.op === 'number' ? [e.op] : []);
    }
    case 'empty-transaction-graph':
      return mk('no dependency between transactions could be inferred, so no cycle could be looked for', []);
    case 'cycle-search-timeout':
      return mk(`the search for a ${String(e['anomaly-spec-type'])} cycle among ${String(e['scc-size'])} transactions hit its limit (${String(e.limit)}); such a cycle may exist`, []);
    default:
      return null;
  }
}
