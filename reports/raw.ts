// A checker's raw result as indented JSON text, bounded whatever its size: long strings cut
// (their length shown), long arrays and objects cut (how many more shown), deep nesting cut, and
// the whole text capped. Iterative. The full result is in results.json.
import { count, preview } from './bounded.ts';

export interface RawLimits { string: number; items: number; depth: number; total: number }
const DEFAULTS: RawLimits = { string: 300, items: 40, depth: 12, total: 60_000 };

type Item = string | { v: unknown; d: number; key?: string; last: boolean };

export function rawJson(v: unknown, limits: Partial<RawLimits> = {}): string {
  const L = { ...DEFAULTS, ...limits };
  const out: string[] = [];
  let size = 0;
  const write = (s: string) => {
    out.push(s);
    size += s.length;
  };
  const pad = (d: number) => '  '.repeat(d);
  const stack: Item[] = [{ v, d: 0, last: true }];
  while (stack.length) {
    if (size > L.total) {
      write(`\n… (cut here: the rest is in results.json)`);
      break;
    }
    const it = stack.pop()!;
    if (typeof it === 'string') {
      write(it);
      continue;
    }
    const { v: x, d, key, last } = it;
    const head = `${pad(d)}${key !== undefined ? `${short(key, 80)}: ` : ''}`;
    const tail = last ? '\n' : ',\n';
    if (x === null || typeof x !== 'object') {
      write(`${head}${typeof x === 'string' ? short(x, L.string) : preview(x, 60).text}${tail}`);
      continue;
    }
    const isArray = Array.isArray(x);
    const keys = isArray ? null : Object.keys(x);
    const n = isArray ? (x as unknown[]).length : keys!.length;
    if (n === 0) {
      write(`${head}${isArray ? '[]' : '{}'}${tail}`);
      continue;
    }
    if (d >= L.depth) {
      write(`${head}${short(x, 80)}${tail}`);
      continue;
    }
    write(`${head}${isArray ? '[' : '{'}\n`);
    stack.push(`${pad(d)}${isArray ? ']' : '}'}${tail}`);
    const shown = Math.min(n, L.items);
    if (n > shown) stack.push(`${pad(d + 1)}… ${count(n - shown)} more ${isArray ? 'items' : 'fields'}\n`);
    for (let i = shown - 1; i >= 0; i--) {
      const lastChild = i === shown - 1 && n === shown;
      stack.push(isArray ? { v: (x as unknown[])[i], d: d + 1, last: lastChild } : { v: (x as Record<string, unknown>)[keys![i]], d: d + 1, key: keys![i], last: lastChild });
    }
  }
  return out.join('');
}

function short(s: unknown, max: number): string {
  const p = preview(s, max);
  return p.truncated ? `${p.text}… (${count(p.length)} characters)` : p.text;
}
