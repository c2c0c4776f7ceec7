// The kafka workload's history, read as Jepsen's kafka checker reads it (jepsen.tests.kafka):
// what each op sent and polled, and per key the version order the history implies — which
// message sits at which offset, and each message's dense index (its rank among the offsets that
// hold a message; offsets may be sparse).
//
// Ops: send {key, msg} → ok {key, msg, offset}; poll → ok {msgs: [[key, [[offset, msg], ...]], ...]};
// assign {keys, seek?}; crash (the client starts afresh). Messages are compared structurally
// (by canonical text), keys are strings.
import type { History, Op } from '../../src/types.ts';
import { canonical } from '../../src/util/values.ts';

export type Pair = [offset: number | null, msg: unknown];

/** key → [offset, msg] pairs sent by this op (offset null when unknown: an info send). */
export function opWritePairs(op: Op): Map<string, Pair[]> {
  const out = new Map<string, Pair[]>();
  if (op.f !== 'send' || op.type === 'invoke') return out;
  const v = op.value as { key?: unknown; msg?: unknown; offset?: unknown } | null;
  if (!v || typeof v !== 'object' || typeof v.key !== 'string') return out;
  const offset = op.type === 'ok' && typeof v.offset === 'number' ? v.offset : null;
  out.set(v.key, [[offset, v.msg]]);
  return out;
}

/** key → [offset, msg] pairs this op polled, in the order the node returned them. */
export function opReadPairs(op: Op): Map<string, Pair[]> {
  const out = new Map<string, Pair[]>();
  if (op.f !== 'poll' || op.type === 'invoke') return out;
  const msgs = (op.value as { msgs?: unknown } | null)?.msgs;
  if (!Array.isArray(msgs)) return out;
  for (const entry of msgs) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) continue;
    const pairs = out.get(entry[0]) ?? [];
    for (const p of entry[1] as unknown[]) if (Array.isArray(p) && typeof p[0] === 'number') pairs.push([p[0], p[1]]);
    out.set(entry[0], pairs);
  }
  return out;
}

/** key → canonical texts of the messages (for sets and lookups). */
export const texts = (pairs: Map<string, Pair[]>): Map<string, string[]> => new Map([...pairs].map(([k, ps]) => [k, ps.map((p) => canonical(p[1]))]));

export interface KeyOrder {
  /** offset → the messages seen there (canonical text → the message). */
  log: Map<number, Map<string, unknown>>;
  /** Offsets holding a message, ascending. */
  offsets: number[];
  /** Dense index → one message at that offset (the first seen, as Jepsen picks). */
  byIndex: string[];
  /** Message → its dense index in byIndex. */
  byValue: Map<string, number>;
}

/** What the whole history says: who sent what, what was read, and the version orders. */
export interface KafkaAnalysis {
  history: History;
  /** key → message → the completion of the send that sent it. */
  writerOf: Map<string, Map<string, Op>>;
  /** key → message → the ok polls that read it. */
  readersOf: Map<string, Map<string, Op[]>>;
  /** key → messages read by ok polls. */
  okReads: Map<string, Set<string>>;
  /** key → messages sent by ok sends / by failed sends. */
  okWrites: Map<string, Set<string>>;
  failedWrites: Map<string, Set<string>>;
  orders: Map<string, KeyOrder>;
  /** key → message → the message itself (for listing). */
  display: Map<string, Map<string, unknown>>;
}

const addTo = <V>(m: Map<string, Set<V>>, k: string, v: V) => {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
};

/** Whether a send surely took effect: ok, or info and some ok poll read what it sent. */
export function mustHaveCommitted(a: Pick<KafkaAnalysis, 'okReads'>, op: Op): boolean {
  if (op.type === 'ok') return true;
  if (op.type !== 'info') return false;
  for (const [k, ms] of texts(opWritePairs(op))) if (ms.some((m) => a.okReads.get(k)?.has(m))) return true;
  return false;
}

export function analyse(history: History): KafkaAnalysis {
  const ops = history.filter((op) => op.process !== 'nemesis' && op.type !== 'invoke');
  const a: KafkaAnalysis = {
    history, writerOf: new Map(), readersOf: new Map(), okReads: new Map(), okWrites: new Map(), failedWrites: new Map(), orders: new Map(), display: new Map(),
  };
  const remember = (k: string, text: string, msg: unknown) => {
    let d = a.display.get(k);
    if (!d) a.display.set(k, (d = new Map()));
    if (!d.has(text)) d.set(text, msg);
  };
  for (const op of ops) {
    for (const [k, pairs] of opWritePairs(op)) {
      for (const [, msg] of pairs) {
        const t = canonical(msg);
        remember(k, t, msg);
        let w = a.writerOf.get(k);
        if (!w) a.writerOf.set(k, (w = new Map()));
        w.set(t, op);
        if (op.type === 'ok') addTo(a.okWrites, k, t);
        if (op.type === 'fail') addTo(a.failedWrites, k, t);
      }
    }
    if (op.type !== 'ok') continue;
    for (const [k, pairs] of opReadPairs(op)) {
      for (const [, msg] of pairs) {
        const t = canonical(msg);
        remember(k, t, msg);
        addTo(a.okReads, k, t);
        let r = a.readersOf.get(k);
        if (!r) a.readersOf.set(k, (r = new Map()));
        const list = r.get(t) ?? [];
        if (list[list.length - 1] !== op) list.push(op);
        r.set(t, list);
      }
    }
  }
  // Version orders: from every poll, and from the sends that surely took effect.
  const logs = new Map<string, Map<number, Map<string, unknown>>>();
  const note = (k: string, offset: number | null, msg: unknown) => {
    if (offset === null) return;
    let log = logs.get(k);
    if (!log) logs.set(k, (log = new Map()));
    let at = log.get(offset);
    if (!at) log.set(offset, (at = new Map()));
    const t = canonical(msg);
    if (!at.has(t)) at.set(t, msg);
  };
  for (const op of ops) {
    if (op.f === 'send' && mustHaveCommitted(a, op)) for (const [k, pairs] of opWritePairs(op)) for (const [o, m] of pairs) note(k, o, m);
    if (op.f === 'poll') for (const [k, pairs] of opReadPairs(op)) for (const [o, m] of pairs) note(k, o, m);
  }
  for (const [k, log] of logs) {
    const offsets = [...log.keys()].sort((x, y) => x - y);
    const byIndex = offsets.map((o) => log.get(o)!.keys().next().value as string);
    const byValue = new Map<string, number>();
    byIndex.forEach((m, i) => byValue.set(m, i));
    a.orders.set(k, { log, offsets, byIndex, byValue });
  }
  return a;
}

/** The dense distance from message m1 to m2 in key k's order; 1 when either is not in it. */
export function delta(a: KafkaAnalysis, k: string, m1: string, m2: string): { delta: number; i1?: number; i2?: number } {
  const o = a.orders.get(k);
  const i1 = o?.byValue.get(m1);
  const i2 = o?.byValue.get(m2);
  return i1 === undefined || i2 === undefined ? { delta: 1 } : { delta: i2 - i1, i1, i2 };
}
