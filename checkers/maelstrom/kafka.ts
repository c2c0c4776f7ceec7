// Maelstrom's kafka checker (jepsen.tests.kafka, as Maelstrom configures it: single-message sends
// and polls, subscriptions by assign). The anomalies, each named as Jepsen names it:
//
//   inconsistent-offsets   two different messages at one offset of a key
//   duplicate              one message at two offsets of a key
//   lost-write             a message that surely took effect, at an index below the highest one
//                          some poll read, that no poll ever read
//   G1a                    an ok poll read a message whose send failed (an aborted read)
//   poll-skip              a process's successive polls of a key jumped over messages that exist
//   nonmonotonic-poll      a process's poll of a key began at or before where its last one ended
//   int-poll-skip          one poll's messages for a key skip over messages that exist
//   int-nonmonotonic-poll  one poll's messages for a key go backwards (or repeat)
//   nonmonotonic-send      a process's successive sends to a key landed at or before the last
//   unseen                 acknowledged messages no poll ever read (by the end of the test)
//
// Every one of them makes the history invalid (with Maelstrom's settings none is allowed). An
// assign keeps a process's last positions only for the keys it assigns; a crash forgets them all
// (the client starts afresh, as a crashed Jepsen client does). Not checked: transactional
// anomalies (cycles), which single-message sends and polls cannot exhibit beyond the above.
import type { CheckResult, History, Op } from '../../src/types.ts';
import { analyse, delta, mustHaveCommitted, opReadPairs, opWritePairs, texts, type KafkaAnalysis } from './kafka-orders.ts';
import { displayValue, say, sortValues, type Explanation } from './values.ts';

type Case = Record<string, unknown>;

const show = (a: KafkaAnalysis, k: string, m: string) => displayValue(a.display.get(k)?.get(m) ?? m);
const opRef = (op: Op) => ({ index: op.index, process: op.process, f: op.f });

function inconsistentOffsets(a: KafkaAnalysis): Case[] {
  const out: Case[] = [];
  for (const [k, o] of a.orders) {
    o.offsets.forEach((offset, index) => {
      const at = o.log.get(offset)!;
      if (at.size > 1) out.push({ key: k, offset, index, values: sortValues([...at.values()]).map(displayValue) });
    });
  }
  return out;
}

function duplicates(a: KafkaAnalysis): Case[] {
  const out: Case[] = [];
  for (const [k, o] of a.orders) {
    const at = new Map<string, number[]>();
    for (const offset of o.offsets) for (const m of o.log.get(offset)!.keys()) at.set(m, [...(at.get(m) ?? []), offset]);
    for (const [m, offsets] of at) if (offsets.length > 1) out.push({ key: k, value: show(a, k, m), count: offsets.length, offsets });
  }
  return out;
}

function lostWrites(a: KafkaAnalysis): Case[] {
  const out: Case[] = [];
  for (const [k, read] of a.okReads) {
    const o = a.orders.get(k);
    if (!o) continue;
    const firstIndex = new Map<string, number>();
    const lastIndex = new Map<string, number>();
    o.offsets.forEach((offset, i) => {
      for (const m of o.log.get(offset)!.keys()) {
        if (!firstIndex.has(m)) firstIndex.set(m, i);
        lastIndex.set(m, i);
      }
    });
    let bound = -1;
    for (const m of read) bound = Math.max(bound, firstIndex.get(m) ?? -1);
    const maxReadMsg = o.byIndex[bound];
    const maxRead = maxReadMsg === undefined ? undefined : a.readersOf.get(k)?.get(maxReadMsg)?.[0];
    for (const [m, last] of lastIndex) {
      if (last > bound || read.has(m)) continue;
      const writer = a.writerOf.get(k)?.get(m);
      if (!writer || !mustHaveCommitted(a, writer)) continue; // a message no send of ours made is not a lost write
      out.push({ key: k, value: show(a, k, m), index: firstIndex.get(m), 'max-read-index': bound, writer: writer.index, ...(maxRead ? { 'max-read': maxRead.index } : {}) });
    }
  }
  return out;
}

function abortedReads(a: KafkaAnalysis): Case[] {
  const out: Case[] = [];
  for (const [k, read] of a.okReads) {
    for (const m of read) {
      if (!a.failedWrites.get(k)?.has(m)) continue;
      out.push({ key: k, value: show(a, k, m), writer: a.writerOf.get(k)?.get(m)?.index, reader: a.readersOf.get(k)?.get(m)?.[0]?.index });
    }
  }
  return out;
}

/** Within each poll: consecutive messages of a key must be adjacent in the version order. */
function internalPollCases(a: KafkaAnalysis): { skip: Case[]; nonmonotonic: Case[] } {
  const skip: Case[] = [];
  const nonmonotonic: Case[] = [];
  for (const op of a.history) {
    if (op.f !== 'poll' || op.type !== 'ok' || op.process === 'nemesis') continue;
    for (const [k, ms] of texts(opReadPairs(op))) {
      for (let i = 0; i + 1 < ms.length; i++) {
        const d = delta(a, k, ms[i], ms[i + 1]);
        const values = [show(a, k, ms[i]), show(a, k, ms[i + 1])];
        if (d.delta > 1) skip.push({ key: k, values, delta: d.delta, skipped: a.orders.get(k)!.byIndex.slice(d.i1! + 1, d.i2!).map((m) => show(a, k, m)), op: opRef(op) });
        else if (d.delta < 1) nonmonotonic.push({ key: k, values, delta: d.delta, op: opRef(op) });
      }
    }
  }
  return { skip, nonmonotonic };
}

/** Runs through each process's ops in order, with the last op that polled (or sent to) each key. */
function perProcess(history: History, f: 'poll' | 'send', visit: (op: Op, last: Map<string, Op>) => void): void {
  const lasts = new Map<Op['process'], Map<string, Op>>();
  for (const op of history) {
    if (op.process === 'nemesis' || op.type === 'invoke' || op.type === 'fail') continue;
    let last = lasts.get(op.process);
    if (!last) lasts.set(op.process, (last = new Map()));
    if (op.f === 'crash') last.clear();
    else if (op.f === 'assign') {
      const keys = new Set(((op.value as { keys?: unknown } | null)?.keys as unknown[] | undefined)?.map(String) ?? []);
      for (const k of [...last.keys()]) if (!keys.has(k)) last.delete(k);
    } else if (op.f === f) visit(op, last);
  }
}

/** Between a process's successive polls of a key: the next must start right after the last. */
function externalPollCases(a: KafkaAnalysis): { skip: Case[]; nonmonotonic: Case[] } {
  const skip: Case[] = [];
  const nonmonotonic: Case[] = [];
  perProcess(a.history, 'poll', (op, last) => {
    if (op.type !== 'ok') return;
    const reads = texts(opReadPairs(op));
    for (const [k, ms] of reads) {
      const prev = last.get(k);
      const prevMs = prev ? texts(opReadPairs(prev)).get(k) ?? [] : [];
      if (prev && ms.length && prevMs.length) {
        const v = prevMs[prevMs.length - 1];
        const d = delta(a, k, v, ms[0]);
        const values = [show(a, k, v), show(a, k, ms[0])];
        if (d.delta > 1) skip.push({ key: k, values, delta: d.delta, skipped: a.orders.get(k)!.byIndex.slice(d.i1! + 1, d.i2!).map((m) => show(a, k, m)), ops: [opRef(prev), opRef(op)] });
        else if (d.delta < 1) nonmonotonic.push({ key: k, values, delta: d.delta, ops: [opRef(prev), opRef(op)] });
      }
    }
    // As Jepsen: the last poll of a key is this one, even if it returned nothing for it.
    for (const k of reads.keys()) last.set(k, op);
  });
  return { skip, nonmonotonic };
}

/** Between a process's successive sends to a key: the later must land later. */
function nonmonotonicSends(a: KafkaAnalysis): Case[] {
  const out: Case[] = [];
  perProcess(a.history, 'send', (op, last) => {
    for (const [k, ms] of texts(opWritePairs(op))) {
      const prev = last.get(k);
      if (prev) {
        const prevMs = texts(opWritePairs(prev)).get(k)!;
        const v = prevMs[prevMs.length - 1];
        const d = delta(a, k, v, ms[0]);
        if (d.delta < 1) out.push({ key: k, values: [show(a, k, v), show(a, k, ms[0])], delta: d.delta, ops: [opRef(prev), opRef(op)] });
      }
      last.set(k, op);
    }
  });
  return out;
}

/** Acknowledged messages no ok poll ever read. */
function unseen(a: KafkaAnalysis): { unseen: Record<string, number>; messages: Record<string, unknown[]> } | null {
  const counts: Array<[string, number]> = [];
  const messages: Array<[string, unknown[]]> = [];
  for (const [k, sent] of a.okWrites) {
    const missing = [...sent].filter((m) => !a.okReads.get(k)?.has(m));
    if (missing.length === 0) continue;
    counts.push([k, missing.length]);
    messages.push([k, sortValues(missing.map((m) => a.display.get(k)?.get(m))).slice(0, 32).map(displayValue)]);
  }
  if (counts.length === 0) return null;
  // Keys are the nodes' and may be anything ("__proto__" too): a null-prototype record.
  const rec = <T>(entries: Array<[string, T]>) => Object.assign(Object.create(null) as Record<string, T>, Object.fromEntries(entries));
  return { unseen: rec(counts.sort()), messages: rec(messages.sort((x, y) => (x[0] < y[0] ? -1 : 1))) };
}

/** Sentences per kind of anomaly, at most (the explainer counts them and shows the first few). */
const EXPLAINED = 1000;

type Ref = { index: number; process: unknown };
const list = (xs: unknown) => (Array.isArray(xs) ? `${xs.slice(0, 5).map(say).join(', ')}${xs.length > 5 ? ', …' : ''}` : '');

/** An anomaly of the kafka checker in a sentence, with the ops it is about. */
function explain(type: string, c: Case): Explanation {
  const k = say(c.key);
  const [v1, v2] = (c.values as unknown[] | undefined) ?? [];
  const [o1, o2] = (c.ops as Ref[] | undefined) ?? [];
  const op = c.op as Ref | undefined;
  switch (type) {
    case 'lost-write':
      return { type, sentence: `Message ${say(c.value)} sent to key ${k} (the send completing at index ${String(c.writer)}) was never polled, though polls of that key read past it${c['max-read'] !== undefined ? ` (the poll at index ${String(c['max-read'])})` : ''}.`, ops: [c.writer as number, ...(c['max-read'] !== undefined ? [c['max-read'] as number] : [])] };
    case 'poll-skip':
      return { type, sentence: `Process ${String(o2.process)} polled key ${k} up to ${say(v1)} (index ${o1.index}), then from ${say(v2)} (index ${o2.index}), skipping ${list(c.skipped)}.`, ops: [o1.index, o2.index] };
    case 'nonmonotonic-poll':
      return { type, sentence: `Process ${String(o2.process)} polled key ${k} up to ${say(v1)} (index ${o1.index}), then from ${say(v2)} (index ${o2.index}), which is not after it in the log.`, ops: [o1.index, o2.index] };
    case 'int-poll-skip':
      return { type, sentence: `The poll completing at index ${op!.index} read key ${k} from ${say(v1)} straight to ${say(v2)}, skipping ${list(c.skipped)}.`, ops: [op!.index] };
    case 'int-nonmonotonic-poll':
      return { type, sentence: `The poll completing at index ${op!.index} read key ${k} going from ${say(v1)} back to ${say(v2)}.`, ops: [op!.index] };
    case 'nonmonotonic-send':
      return { type, sentence: `Process ${String(o2.process)} sent ${say(v1)} to key ${k} (index ${o1.index}), then ${say(v2)} (index ${o2.index}), which landed at or before it in the log.`, ops: [o1.index, o2.index] };
    case 'duplicate':
      return { type, sentence: `Message ${say(c.value)} is at ${String(c.count)} offsets of key ${k}: ${list(c.offsets)}.` };
    case 'inconsistent-offsets':
      return { type, sentence: `Offset ${String(c.offset)} of key ${k} holds different messages: ${list(c.values)}.` };
    case 'G1a':
      return { type, sentence: `The poll completing at index ${String(c.reader)} read message ${say(c.value)} of key ${k}, whose send failed (index ${String(c.writer)}).`, ops: [c.reader as number, c.writer as number].filter((x) => typeof x === 'number') };
    default:
      return { type, sentence: `${type} on key ${k}` };
  }
}

export interface KafkaResult extends CheckResult {
  'error-types': string[];
  'bad-error-types': string[];
  headline: string;
  explanations: Explanation[];
}

export function checkKafka(history: History): KafkaResult {
  const a = analyse(history);
  const internal = internalPollCases(a);
  const external = externalPollCases(a);
  const found: Array<[string, Case[]]> = [
    ['duplicate', duplicates(a)],
    ['G1a', abortedReads(a)],
    ['inconsistent-offsets', inconsistentOffsets(a)],
    ['int-nonmonotonic-poll', internal.nonmonotonic],
    ['int-poll-skip', internal.skip],
    ['lost-write', lostWrites(a)],
    ['nonmonotonic-poll', external.nonmonotonic],
    ['nonmonotonic-send', nonmonotonicSends(a)],
    ['poll-skip', external.skip],
  ];
  const errors: Record<string, unknown> = {};
  const types: string[] = [];
  const explanations: Explanation[] = [];
  for (const [type, cases] of found) {
    if (cases.length === 0) continue;
    types.push(type);
    for (const c of cases.slice(0, EXPLAINED)) explanations.push(explain(type, c));
    // The most telling few, as Jepsen condenses them: the biggest skips, the worst regressions.
    const sorted = type.endsWith('skip') ? [...cases].sort((x, y) => Number(y.delta) - Number(x.delta)) : type.includes('nonmonotonic') ? [...cases].sort((x, y) => Number(x.delta) - Number(y.delta)) : cases;
    errors[type] = { count: cases.length, errs: sorted.slice(0, type === 'duplicate' || type === 'inconsistent-offsets' ? 32 : 8) };
  }
  const u = unseen(a);
  if (u) {
    types.push('unseen');
    errors.unseen = u;
    const keys = Object.keys(u.unseen);
    const total = keys.reduce((s, k) => s + u.unseen[k], 0);
    explanations.push({ type: 'unseen', sentence: `${total} acknowledged message${total === 1 ? ' was' : 's were'} never polled by anyone: ${keys.slice(0, 4).map((k) => `key ${say(k)}: ${list(u.messages[k])}`).join('; ')}${keys.length > 4 ? '; …' : ''}.` });
  }
  types.sort();
  let sends = 0;
  let polls = 0;
  for (const op of history) {
    if (op.type !== 'ok') continue;
    if (op.f === 'send') sends++;
    else if (op.f === 'poll') polls++;
  }
  const count = (t: string) => (t === 'unseen' ? Object.values(u!.unseen).reduce((s, n) => s + n, 0) : (errors[t] as { count: number }).count);
  return {
    valid: types.length === 0,
    'error-types': types,
    'bad-error-types': types,
    explanations,
    ...errors,
    headline: types.length ? types.map((t) => `${t} ${count(t)}`).join(', ') : `no anomalies in ${sends} sends and ${polls} polls`,
  };
}
