// The histories `npm run fuzz` mutates: the real ones recorded by Jepsen (test/fixtures/knossos, as
// EDN files and, for some, the same ops as history.jsonl), and generated keyed cas-register
// histories (JSONL and EDN lines), each with the model it is checked against.
import fs from 'node:fs';
import path from 'node:path';
import { parseEdnHistory } from '../src/history-import.ts';
import type { Op } from '../src/types.ts';
import { toJson } from '../src/util/values.ts';
import { generateRegisterHistory } from '../bench/gen-register-history.ts';

export interface Seed {
  name: string;
  format: 'edn' | 'jsonl';
  model: string;
  init?: string;
  bytes: Buffer;
}

/** A model for each folder of the reference histories (see their README). */
const MODEL_OF: Array<[RegExp, string, string?]> = [
  [/cas-register\//, 'cas-register', '0'],
  [/multi-register\//, 'multi-register', '{"x":0,"y":0}'],
  [/mutex\//, 'mutex'],
];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...files(path.join(dir, e.name)));
    else if (e.name.endsWith('.edn')) out.push(path.join(dir, e.name));
  }
  return out.sort();
}

/** EDN text of a value from a history (keys as keywords, strings quoted, bigints with N). */
export function edn(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'bigint') return `${v}N`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(edn).join(' ')}]`;
  return `{${Object.entries(v as object).map(([k, x]) => `:${k} ${edn(x)}`).join(', ')}}`;
}
export const ednOp = (o: Op) => `{:process ${o.process === 'nemesis' ? ':nemesis' : o.process}, :type :${o.type}, :f :${o.f}, :value ${edn(o.value)}, :time ${o.time}}`;
const asJsonl = (h: readonly Op[]) => Buffer.from(`${h.map((o) => toJson(o)).join('\n')}\n`);
const asEdnLines = (h: readonly Op[]) => Buffer.from(`${h.map(ednOp).join('\n')}\n`);

/** Every seed: the real histories under root (if it exists) and generated ones. */
export function seeds(root: string | null): Seed[] {
  const out: Seed[] = [];
  if (root && fs.existsSync(root)) {
    const all = files(root);
    for (const [i, file] of all.entries()) {
      const rule = MODEL_OF.find(([re]) => re.test(file));
      if (!rule) continue;
      const [, model, init] = rule;
      const name = path.relative(root, file);
      const text = fs.readFileSync(file);
      out.push({ name, format: 'edn', model, init, bytes: text });
      // Every fourth also as history.jsonl (the same ops), so the JSONL reader gets real data too.
      if (i % 4 === 0) out.push({ name: `${name} (jsonl)`, format: 'jsonl', model, init, bytes: asJsonl(parseEdnHistory(text.toString('utf8'), name)) });
    }
  }
  for (const [ops, keys, seed] of [[40, 1, 1], [200, 3, 2], [1000, 5, 3]]) {
    const h = generateRegisterHistory({ ops, keys, processes: 6, infoRate: 0.1, seed });
    out.push({ name: `generated ${ops}-event ${keys}-key cas-register (jsonl)`, format: 'jsonl', model: 'cas-register', bytes: asJsonl(h) });
    out.push({ name: `generated ${ops}-event ${keys}-key cas-register (edn lines)`, format: 'edn', model: 'cas-register', bytes: asEdnLines(h) });
  }
  return out;
}
