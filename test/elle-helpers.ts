// Building transactional histories for the Elle checker tests, including Elle's own shorthand
// from its test suite: "ax1ry12" = append 1 to x, then read y = [1 2].
import type { Op, OpType } from '../src/types.ts';

export type Mop = [string, unknown, unknown];
export interface TxnSpec {
  process?: number;
  type?: Exclude<OpType, 'invoke'>;
  value: Mop[];
}

/** Elle's op shorthand: a = append, r = read; keys x y z t u; single-digit values. */
export function txn(s: string, type: Exclude<OpType, 'invoke'> = 'ok', process = 0): TxnSpec {
  const value: Mop[] = [];
  for (const c of s) {
    if (c === 'a') value.push(['append', null, null]);
    else if (c === 'r') value.push(['r', null, null]);
    else if ('xyztu'.includes(c)) value[value.length - 1][1] = c;
    else {
      const m = value[value.length - 1];
      const d = Number(c);
      if (m[0] === 'append') m[2] = d;
      else m[2] = [...((m[2] as number[] | null) ?? []), d];
    }
  }
  return { type, process, value };
}

/** rw-register shorthand: w = write, r = read; "_" reads nil. "rx_wx1" = read x nil, write x 1. */
export function rtxn(s: string, type: Exclude<OpType, 'invoke'> = 'ok', process = 0): TxnSpec {
  const value: Mop[] = [];
  for (const c of s) {
    if (c === 'w') value.push(['w', null, null]);
    else if (c === 'r') value.push(['r', null, null]);
    else if ('xyztu'.includes(c)) value[value.length - 1][1] = c;
    else if (c === '_') value[value.length - 1][2] = null;
    else value[value.length - 1][2] = Number(c);
  }
  return { type, process, value };
}

/** The invocation of a transaction: reads carry no value. */
export function invocationValue(value: Mop[]): Mop[] {
  return value.map(([f, k, v]) => [f, k, f === 'r' ? null : v]);
}

type Event = { kind: 'invoke' | 'complete'; spec: TxnSpec } | { kind: 'only'; spec: TxnSpec };

/** A history of completions only (Elle's hand-written style: every txn alone, in order). */
export function completions(specs: TxnSpec[]): Op[] {
  return build(specs.map((spec) => ({ kind: 'only', spec })));
}

/** Each transaction invoked and completed in turn (strictly sequential in real time). */
export function sequential(specs: TxnSpec[]): Op[] {
  return build(specs.flatMap((spec) => [{ kind: 'invoke' as const, spec }, { kind: 'complete' as const, spec }]));
}

/** All invoked first, then all completed in order: everything concurrent. */
export function concurrent(specs: TxnSpec[]): Op[] {
  return build([...specs.map((spec) => ({ kind: 'invoke' as const, spec })), ...specs.map((spec) => ({ kind: 'complete' as const, spec }))]);
}

/** Explicit interleaving: [i, 'invoke' | 'complete'] refers to specs[i]. */
export function interleaved(specs: TxnSpec[], order: Array<[number, 'invoke' | 'complete']>): Op[] {
  return build(order.map(([i, kind]) => ({ kind, spec: specs[i] })));
}

function build(events: Event[]): Op[] {
  return events.map((e, index) => {
    const { spec } = e;
    const process = spec.process ?? 0;
    if (e.kind === 'invoke') return { index, time: index * 1e6, type: 'invoke', process, f: 'txn', value: invocationValue(spec.value) };
    return { index, time: index * 1e6, type: spec.type ?? 'ok', process, f: 'txn', value: spec.type === 'ok' || spec.type === undefined ? spec.value : invocationValue(spec.value) };
  });
}

/** Distinct processes 0, 1, 2... for the given specs (so real time is the only order). */
export function withProcesses(specs: TxnSpec[]): TxnSpec[] {
  return specs.map((s, i) => ({ ...s, process: i }));
}
