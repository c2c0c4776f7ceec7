// Reads histories recorded anywhere: Jepsen EDN (one vector of maps, or one map per line) and our
// history.jsonl. Every event is validated (ajv); a malformed one is an error naming the file, the
// line and the field. Indexes are assigned densely in file order (invocations included).
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { EdnError, linesOf, readEdn } from './edn.ts';
import { UsageError } from './errors.ts';
import type { Op } from './types.ts';
import { toOpError } from './op-errors.ts';

const eventSchema = {
  type: 'object',
  required: ['process', 'type', 'f'],
  properties: {
    process: { anyOf: [{ type: 'integer' }, { const: 'nemesis' }] },
    type: { enum: ['invoke', 'ok', 'fail', 'info'] },
    f: { type: 'string', minLength: 1 },
    time: { type: 'number' },
    index: { type: 'integer', minimum: 0 },
  },
} as const;

const ajv = new Ajv({ allErrors: false });
const validateEvent = ajv.compile(eventSchema);

function describe(e: ErrorObject): string {
  const field = e.instancePath.replace(/^\//, '') || (e.params as { missingProperty?: string }).missingProperty || '';
  if (e.keyword === 'required') return `field "${field}" is missing`;
  if (e.keyword === 'enum') return `field "${field}" must be one of ${(e.params as { allowedValues: string[] }).allowedValues.join(', ')}`;
  if (field === 'process') return 'field "process" must be an integer or nemesis';
  return `field "${field}" ${e.message}`;
}

function toOp(raw: unknown, where: string, index: number): Op {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`${where}: expected an event (a map), found ${JSON.stringify(raw)?.slice(0, 60)}.`);
  if (!validateEvent(raw)) throw new UsageError(`${where}: ${describe(validateEvent.errors![0])}.`);
  const e = raw as unknown as Record<string, unknown>;
  const op: Op = {
    index,
    time: typeof e.time === 'number' ? e.time : index,
    type: e.type as Op['type'],
    process: e.process as Op['process'],
    f: String(e.f),
    value: e.value === undefined ? null : e.value,
  };
  if (e.node !== undefined) op.node = String(e.node);
  if (e.error !== undefined && e.error !== null) op.error = toOpError(e.error);
  return op;
}

export function parseEdnHistory(text: string, file: string): Op[] {
  let forms;
  try {
    forms = readEdn(text);
  } catch (e) {
    if (e instanceof EdnError) throw new UsageError(`${file}:${e.line}: not valid EDN: ${e.message}.`);
    throw e;
  }
  if (forms.length === 0) throw new UsageError(`${file}: no events in the file.`);
  // Either one vector of events, or one event per top-level form.
  if (forms.length === 1 && Array.isArray(forms[0].value)) {
    const xs = forms[0].value as unknown[];
    const lines = linesOf(xs) ?? [];
    return xs.map((x, i) => toOp(x, `${file}:${lines[i] ?? forms[0].line}`, i));
  }
  return forms.map((f, i) => toOp(f.value, `${file}:${f.line}`, i));
}

export function parseJsonlHistory(text: string, file: string): Op[] {
  const ops: Op[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new UsageError(`${file}:${i + 1}: not valid JSON (${(e as Error).message}).`);
    }
    ops.push(toOp(raw, `${file}:${i + 1}`, ops.length));
  });
  if (ops.length === 0) throw new UsageError(`${file}: no events in the file.`);
  return ops;
}

/** Reads a history file, by extension (.edn, .jsonl/.json) or, failing that, by its first character. */
export function readHistoryFile(file: string): Op[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.edn') return parseEdnHistory(text, file);
  if (ext === '.jsonl' || ext === '.json') return parseJsonlHistory(text, file);
  return text.trimStart().startsWith('{"') ? parseJsonlHistory(text, file) : parseEdnHistory(text, file);
}
