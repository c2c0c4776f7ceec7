// Hostile histories for the report's property tests: values, errors, nodes, f names and keys that
// look like markup or script, huge or deep values, prototype keys, bigints, absurd times. Each
// payload that could ever execute sets window.__pwned (the browser tests look for it).
import fc from 'fast-check';
import type { Op } from '../src/types.ts';

export const PAYLOADS = [
  '</script><script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '"><img src=x onerror=window.__pwned=1>',
  "'><svg onload=window.__pwned=1>",
  'javascript:window.__pwned=1',
  '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
  '</style><script>window.__pwned=1</script>',
  '<!--<script>window.__pwned=1//-->',
  '\u2028\u2029<script>window.__pwned=1</script>',
  '{{constructor.constructor("window.__pwned=1")()}}',
  '<a href="javascript:window.__pwned=1">x</a>',
];

export const HOSTILE = { name: '<img src=x onerror="window.__pwned=1">' };

const payload = fc.constantFrom(...PAYLOADS);
const text = fc.oneof(payload, fc.string({ maxLength: 40 }), fc.string({ minLength: 1, maxLength: 3 }).map((s) => s.repeat(5000)));
const leaf = fc.oneof(text, fc.integer(), fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), fc.constant(null), fc.boolean(), fc.double());

/** A JSON-like value: markup strings, prototype keys, deep nesting, long arrays. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  leaf,
  fc.array(leaf, { maxLength: 5 }),
  fc.dictionary(fc.oneof(payload, fc.constantFrom('__proto__', 'constructor', 'toString', 'key', 'value')), leaf, { maxKeys: 4 })
    .map((d) => JSON.parse(JSON.stringify(d, (_k, v) => (typeof v === 'bigint' ? String(v) : v)))),
  fc.integer({ min: 1, max: 3000 }).map((depth) => {
    let v: unknown = PAYLOADS[0];
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  }),
  fc.constant(Array.from({ length: 5000 }, (_, i) => i)),
);

export interface HostileOp {
  f: string;
  value: unknown;
  result: unknown;
  outcome: 'ok' | 'fail' | 'info';
  node: string;
  error: string;
  process: number;
  gap: number;
  nemesis: boolean;
}

export const hostileOp = (): fc.Arbitrary<HostileOp> => fc.record({
  f: fc.oneof(fc.constantFrom('read', 'write', 'add', 'cas'), payload),
  value: hostileValue,
  result: hostileValue,
  outcome: fc.constantFrom('ok', 'fail', 'info'),
  node: fc.oneof(fc.constantFrom('n1', 'n2'), payload),
  error: text,
  process: fc.integer({ min: 0, max: 5 }),
  gap: fc.oneof(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.constantFrom(1e15, 1e300)),
  nemesis: fc.boolean(),
});

/** A well-formed history from hostile ops: each an invocation and a completion, times increasing. */
export function hostileHistory(ops: HostileOp[]): Op[] {
  const out: Array<Omit<Op, 'index'>> = [];
  let t = 0;
  let nextProcess = 100;
  for (const o of ops) {
    t += o.gap;
    if (o.nemesis) {
      out.push({ time: t, type: 'invoke', process: 'nemesis', f: 'start-partition', value: { shape: 'halves', grudge: { [o.node]: ['n2'], n2: [o.node] } } });
      out.push({ time: t + 1, type: 'info', process: 'nemesis', f: 'start-partition', value: o.value });
      out.push({ time: t + 2, type: 'invoke', process: 'nemesis', f: 'stop-partition', value: null });
      out.push({ time: t + 3, type: 'info', process: 'nemesis', f: 'stop-partition', value: o.result });
      t += 3;
    }
    const p = o.outcome === 'info' ? nextProcess++ : o.process;
    out.push({ time: t, type: 'invoke', process: p, f: o.f, value: o.value });
    out.push({ time: t + 1e6, type: o.outcome, process: p, f: o.f, value: o.outcome === 'ok' ? o.result : o.value, node: o.node, ...(o.outcome === 'ok' ? {} : { error: { text: o.error } }) });
    t += 1e6;
  }
  return out.map((e, index) => ({ index, ...e }) as Op);
}
