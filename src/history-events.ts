// Turns parsed events (from EDN or JSONL) into a well-formed history, one event at a time.
// Every event is validated (ajv, own properties only); a malformed one is an error naming the
// file, the line and the field. Pairing is checked too: a completion needs an open invocation by
// its process, a process may not invoke again before its invocation completes, and a completion
// has its invocation's f (nemesis ops are exempt: Jepsen's nemesis writes info/info pairs
// loosely). Whether the ops fit a model is the checker's business, not this file's.
//
// Keys (independent histories): an event with a top-level `key` (Porcupine's kv histories, some
// Jepsen tests) becomes keyed — value { key, value }, the format the linearizability checker
// partitions on; a completion without a key inherits its invocation's. With `independent`, every
// client op's value is a Jepsen independent tuple [key value] (Jepsen prints them as plain
// vectors, so only the caller can say so).
import { Ajv, type ErrorObject } from 'ajv';
import { UsageError } from './errors.ts';
import { toOpError } from './op-errors.ts';
import type { Op } from './types.ts';
import { toJson, valueEquals } from './util/values.ts';
import { quote } from './parse-helpers.ts';

export interface EventOptions {
  /** Every client op's value is a [key value] tuple (jepsen.independent). */
  independent?: boolean;
}

const eventSchema = {
  type: 'object',
  required: ['process', 'type', 'f'],
  properties: {
    process: { anyOf: [{ type: 'integer' }, { const: 'nemesis' }] },
    type: { enum: ['invoke', 'ok', 'fail', 'info'] },
    f: { type: 'string', minLength: 1 },
    time: { type: 'number' },
    node: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] },
  },
} as const;

const ajv = new Ajv({ allErrors: false, ownProperties: true });
const validateEvent = ajv.compile(eventSchema);

function describe(e: ErrorObject): string {
  const field = e.instancePath.replace(/^\//, '') || (e.params as { missingProperty?: string }).missingProperty || '';
  if (e.keyword === 'required') return `field "${field}" is missing`;
  if (e.keyword === 'enum') return `field "${field}" must be one of ${(e.params as { allowedValues: string[] }).allowedValues.join(', ')}`;
  if (field === 'process') return 'field "process" must be an integer or nemesis';
  if (field === 'node') return 'field "node" must be a string';
  return `field "${field}" ${e.message}`;
}

/** What is known of a client process: its open invocation, or the line of its last completion. */
interface ProcessState {
  open: boolean;
  line: number;
  f: string;
  keyed: boolean;
  key: unknown;
}

/** A file name for a message: escaped when it holds control characters. */
export function fileLabel(file: string): string {
  const q = quote(file, 4096);
  return q === JSON.stringify(file) ? file : q;
}

const hasOwn = Object.hasOwn;

export class HistoryBuilder {
  readonly ops: Op[] = [];
  private readonly procs = new Map<number, ProcessState>();
  private readonly label: string;
  private readonly independent: boolean;

  constructor(file: string, opts: EventOptions = {}) {
    this.label = fileLabel(file);
    this.independent = opts.independent ?? false;
  }

  private fail(line: number, what: string): never {
    throw new UsageError(`${this.label}:${line}: ${what}.`);
  }

  /** Adds one parsed event found at a line. */
  add(raw: unknown, line: number): void {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) this.fail(line, `expected an event (a map), found ${quote(raw, 60)}`);
    const e = raw as Record<string, unknown>;
    // Times beyond 2^53 ns (104 days) arrive exact; a double is plenty for a time.
    if (typeof e.time === 'bigint' && hasOwn(e, 'time')) e.time = Number(e.time);
    if (!validateEvent(e)) this.fail(line, describe(validateEvent.errors![0]));
    // (Fields are read as own properties only: a field that is undefined is absent, and one that
    // is defined is checked to be the event's own, not inherited.)
    const time = e.time !== undefined && hasOwn(e, 'time') ? (e.time as number) : undefined;
    if (time !== undefined && !Number.isFinite(time)) this.fail(line, 'field "time" must be a finite number');
    const index = this.ops.length;
    const type = e.type as Op['type'];
    const process = e.process as Op['process'];
    const f = e.f as string;
    let value: unknown = e.value !== undefined && hasOwn(e, 'value') ? e.value : null;
    if (process !== 'nemesis') value = this.pair(e, line, type, process, f, value);
    const op: Op = { index, time: time ?? index, type, process, f, value };
    if (e.node !== undefined && e.node !== null && hasOwn(e, 'node')) op.node = String(e.node);
    if (e.error !== undefined && e.error !== null && hasOwn(e, 'error')) op.error = toOpError(errorInput(e.error));
    this.ops.push(op);
  }

  /** Checks a client op against its process's open invocation; returns its value, keyed if the
   *  op (or its invocation) has a key. */
  private pair(e: Record<string, unknown>, line: number, type: Op['type'], process: number, f: string, value: unknown): unknown {
    let keyed = e.key !== undefined && hasOwn(e, 'key');
    let key = keyed ? e.key : undefined;
    if (!keyed && this.independent && Array.isArray(value) && value.length === 2) {
      keyed = true;
      key = value[0];
      value = value[1];
    }
    const st = this.procs.get(process);
    if (type === 'invoke') {
      if (st === undefined) this.procs.set(process, { open: true, line, f, keyed, key });
      else if (st.open) this.fail(line, `process ${process} invokes ${quote(f, 40)} while its ${quote(st.f, 40)} invoked at line ${st.line} has not completed`);
      else {
        st.open = true;
        st.line = line;
        st.f = f;
        st.keyed = keyed;
        st.key = key;
      }
      if (this.independent && !keyed) this.fail(line, `field "value" must be an independent [key value] tuple, found ${quote(value, 60)}`);
    } else {
      if (st === undefined || !st.open) {
        const last = st ? ` (its last invocation completed at line ${st.line})` : '';
        this.fail(line, `a completion (${type} ${quote(f, 40)}) by process ${process}, which has no invocation open${last}`);
      }
      if (st.f !== f) this.fail(line, `the completion's f ${quote(f, 40)} differs from ${quote(st.f, 40)} of its invocation at line ${st.line}`);
      if (keyed !== st.keyed) {
        if (keyed) this.fail(line, `the completion has the key ${quote(key, 40)} but its invocation at line ${st.line} has none`);
        keyed = true;
        key = st.key;
      } else if (keyed && !valueEquals(key, st.key)) {
        this.fail(line, `the completion's key ${quote(key, 40)} differs from key ${quote(st.key, 40)} of its invocation at line ${st.line}`);
      }
      st.open = false;
      st.line = line;
      st.key = undefined;
    }
    return keyed ? { key, value } : value;
  }

  /** The history, once every event is in. */
  finish(): Op[] {
    if (this.ops.length === 0) throw new UsageError(`${this.label}: no events in the file.`);
    return this.ops;
  }
}

/** What toOpError should see of an :error: strings and { text, code? } as they are; anything
 *  else as its JSON text (bigints and "__proto__" keys included, which JSON.stringify would
 *  throw on or drop). */
function errorInput(err: unknown): unknown {
  if (typeof err === 'string') return err;
  if (err !== null && typeof err === 'object' && !Array.isArray(err) && hasOwn(err, 'text') && typeof (err as { text: unknown }).text === 'string') {
    const { code, text } = err as { code?: unknown; text: string };
    return hasOwn(err, 'code') && typeof code === 'number' ? { code, text } : { text };
  }
  return toJson(err);
}
