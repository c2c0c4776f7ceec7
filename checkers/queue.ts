// The queue checker (DESIGN.md §7), Jepsen's total-queue semantics over every enqueue and every
// ok dequeue (the final drain included):
//   lost        acknowledged enqueues never dequeued
//   unexpected  dequeued values never enqueued
//   duplicated  values dequeued more than once (allowed with at-least-once delivery)
//   recovered   indeterminate enqueues that came out anyway
// Enqueues refused with a definite error (a full bounded queue) are counted as rejected, never as
// lost. With fifo, values from one producer must first come out in the order they went in.
import type { CheckResult, History } from '../src/types.ts';
import { pairIndex } from '../src/history.ts';

export type Delivery = 'at-least-once' | 'exactly-once';

export interface QueueResult extends CheckResult {
  delivery: Delivery;
  attempted: number;
  acknowledged: number;
  rejected: number;
  indeterminate: number;
  dequeued: number;
  'lost-count': number;
  lost: unknown[];
  'unexpected-count': number;
  unexpected: unknown[];
  'duplicated-count': number;
  duplicated: Array<{ value: unknown; times: number }>;
  'recovered-count': number;
  'fifo-violations'?: Array<{ producer: string; value: unknown; overtook: unknown }>;
}

const MAX_LISTED = 100;
const key = (v: unknown) => JSON.stringify(v);

/** The value a dequeue returned (dequeue completions carry {value, id} or a bare value). */
export function dequeuedValue(v: unknown): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'value' in v ? (v as { value: unknown }).value : v;
}

export function checkQueue(history: History, o: { delivery?: Delivery; fifo?: boolean } = {}): QueueResult {
  const delivery = o.delivery ?? 'at-least-once';
  const pair = pairIndex(history);
  const attempted = new Map<string, unknown>();
  const acked = new Map<string, unknown>();
  const indeterminate = new Set<string>();
  const producerOf = new Map<string, string>();
  const ackOrder: string[] = [];
  let rejected = 0;
  const counts = new Map<string, number>();
  const firstOut = new Map<string, number>();
  let dequeued = 0;

  for (let i = 0; i < history.length; i++) {
    const op = history[i];
    if (op.process === 'nemesis' || (op.type === 'invoke' && op.f !== 'enqueue')) continue;
    if (op.f === 'enqueue' && op.type === 'invoke') {
      const k = key(op.value);
      attempted.set(k, op.value);
      const c = pair[i] >= 0 ? history[pair[i]].type : 'info';
      if (c === 'fail') rejected++;
      else if (c === 'info') indeterminate.add(k);
      continue;
    }
    if (op.f === 'enqueue' && op.type === 'ok') {
      const k = key(history[pair[i]]?.value ?? op.value);
      acked.set(k, op.value);
      ackOrder.push(k);
      producerOf.set(k, String(op.process));
    }
    if ((op.f === 'dequeue' || op.f === 'drain') && op.type === 'ok') {
      const values = op.f === 'drain' && Array.isArray(op.value) ? (op.value as unknown[]).map(dequeuedValue) : [dequeuedValue(op.value)];
      for (const v of values) {
        if (v === null || v === undefined) continue;
        const k = key(v);
        dequeued++;
        counts.set(k, (counts.get(k) ?? 0) + 1);
        if (!firstOut.has(k)) firstOut.set(k, i);
      }
    }
  }

  const lost = [...acked.keys()].filter((k) => !counts.has(k));
  const unexpected = [...counts.keys()].filter((k) => !attempted.has(k));
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([k, n]) => ({ value: JSON.parse(k) as unknown, times: n }));
  const recovered = [...indeterminate].filter((k) => counts.has(k));

  let fifo: QueueResult['fifo-violations'];
  if (o.fifo) {
    // Per producer, acknowledged values in the order they went in must first come out in order.
    fifo = [];
    const lastOut = new Map<string, { k: string; at: number }>();
    for (const k of ackOrder) {
      const at = firstOut.get(k);
      if (at === undefined) continue;
      const p = producerOf.get(k)!;
      const prev = lastOut.get(p);
      if (prev && at < prev.at && fifo.length < MAX_LISTED) fifo.push({ producer: p, value: JSON.parse(k), overtook: JSON.parse(prev.k) });
      if (!prev || at > prev.at) lastOut.set(p, { k, at });
    }
  }

  const valid = lost.length === 0 && unexpected.length === 0 && (delivery === 'at-least-once' || duplicated.length === 0) && (!fifo || fifo.length === 0);
  const parse = (ks: string[]) => ks.slice(0, MAX_LISTED).map((k) => JSON.parse(k) as unknown);
  return {
    valid,
    delivery,
    attempted: attempted.size,
    acknowledged: acked.size,
    rejected,
    indeterminate: indeterminate.size,
    dequeued,
    'lost-count': lost.length,
    lost: parse(lost),
    'unexpected-count': unexpected.length,
    unexpected: parse(unexpected),
    'duplicated-count': duplicated.length,
    duplicated: duplicated.slice(0, MAX_LISTED),
    'recovered-count': recovered.length,
    ...(fifo ? { 'fifo-violations': fifo } : {}),
  };
}
