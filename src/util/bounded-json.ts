// The first `max` characters of a value's JSON text, in work proportional to `max` rather than to
// the value: a node's 8 MB message is logged (and shown) cut short, and cutting it must not cost
// stringifying 8 MB first. Iterative, so no depth can overflow the stack. For display only:
// bigints print as their digits, and what JSON.stringify would drop (undefined, functions) is dropped.

type Frame = { kind: 'array'; items: readonly unknown[]; i: number } | { kind: 'object'; entries: [string, unknown][]; i: number };

/** JSON text of `v`, cut after `max` characters with "…" appended when cut. */
export function boundedJson(v: unknown, max: number): string {
  let out = '';
  const full = () => out.length > max;
  const scalar = (x: unknown): string | undefined => {
    if (x === null) return 'null';
    switch (typeof x) {
      case 'string': return JSON.stringify(x.length > max ? x.slice(0, max + 1) : x);
      case 'number': return Number.isFinite(x) ? String(x) : 'null';
      case 'boolean': return String(x);
      case 'bigint': return x.toString();
      default: return undefined;
    }
  };
  const open = (x: object): Frame => {
    if (Array.isArray(x)) {
      out += '[';
      return { kind: 'array', items: x, i: 0 };
    }
    out += '{';
    // Only as many keys as could still be printed: each takes at least 4 characters ("k":0,).
    const entries: [string, unknown][] = [];
    for (const k in x) {
      if (!Object.hasOwn(x, k)) continue;
      const val = (x as Record<string, unknown>)[k];
      if (val === undefined || typeof val === 'function' || typeof val === 'symbol') continue;
      entries.push([k, val]);
      if (entries.length * 4 > max) break;
    }
    return { kind: 'object', entries, i: 0 };
  };
  const stack: Frame[] = [];
  const emit = (x: unknown): void => {
    if (x !== null && typeof x === 'object') stack.push(open(x));
    else out += scalar(x) ?? 'null';
  };
  emit(v);
  while (stack.length > 0 && !full()) {
    const f = stack[stack.length - 1];
    if (f.kind === 'array') {
      if (f.i >= f.items.length) {
        out += ']';
        stack.pop();
        continue;
      }
      if (f.i > 0) out += ',';
      emit(f.items[f.i++]);
    } else {
      if (f.i >= f.entries.length) {
        out += '}';
        stack.pop();
        continue;
      }
      const [k, val] = f.entries[f.i++];
      out += `${f.i > 1 ? ',' : ''}${JSON.stringify(k.length > max ? k.slice(0, max + 1) : k)}:`;
      emit(val);
    }
  }
  return out.length > max || stack.length > 0 ? `${out.slice(0, max)}…` : out;
}
