// Property: no history — odd types, prototype keys, huge numbers, deep values, malformed ops —
// makes the linearizability checker throw anything but a HistoryMismatchError (the history does
// not fit the model), or run past its budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkLinearizable, HistoryMismatchError } from '../checkers/linearizable/index.ts';
import type { Op } from '../src/types.ts';

/** A value nested `depth` levels deep, built without recursion. Generated as a marker and built
 *  only inside the property (fast-check would print it recursively). */
class Deep {
  constructor(readonly depth: number, readonly asObject: boolean) {}
  build(): unknown {
    let v: unknown = 1;
    for (let i = 0; i < this.depth; i++) v = this.asObject ? { k: v } : [v];
    return v;
  }
  [fc.toStringMethod](): string {
    return `deep(${this.depth}, ${this.asObject ? 'object' : 'array'})`;
  }
}
const realize = (v: unknown): unknown => {
  if (v instanceof Deep) return v.build();
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype) {
    const o = v as Record<string, unknown>;
    if (o.key instanceof Deep || o.value instanceof Deep || o.lock instanceof Deep) return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, realize(x)]));
  }
  return v;
};
const realized = (h: Op[]): Op[] => h.map((o) => ({ ...o, value: realize(o.value) }));

const protoObject = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'key', 'value').map((k) => JSON.parse(`{"${k}": 1, "key": "${k}"}`) as unknown);
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 5 }) },
  { weight: 2, arbitrary: fc.constantFrom(null, undefined, true, '', 'x', -0, 0.5, Number.MAX_SAFE_INTEGER + 2, 1e300) },
  { weight: 2, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: protoObject },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 200, max: 20_000 }), fc.boolean()).map(([d, o]) => new Deep(d, o)) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })) },
  { weight: 2, arbitrary: fc.array(fc.tuple(fc.constantFrom('read', 'write', 'append', '__proto__'), fc.constantFrom('x', 'y', '__proto__'), fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 3 }))), { maxLength: 3 }) },
);
const odd = fc.oneof(value, fc.record({ key: value, value }), fc.record({ lock: value, owner: value }));
const small = fc.integer({ min: 0, max: 3 });
const f = fc.constantFrom('read', 'write', 'cas', 'add', 'txn', 'acquire', 'release', 'enqueue', 'dequeue', '__proto__', 'constructor', '');
const type = fc.oneof({ weight: 20, arbitrary: fc.constantFrom('invoke', 'ok', 'fail', 'info') }, { weight: 1, arbitrary: fc.constantFrom('done', '__proto__', '') });
const process = fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 0, max: 5 }) }, { weight: 1, arbitrary: fc.constantFrom<unknown>('nemesis', 2 ** 40, -1, 'p', 1.5) });
const oddKey = fc.oneof({ weight: 6, arbitrary: small }, { weight: 1, arbitrary: value });

/** For each model, the ops it takes: [f, invocation value, completion value] (with odd values
 *  now and then); the completion value is used for ok completions. */
const OPS: Record<string, fc.Arbitrary<[string, unknown, unknown]>> = {
  register: fc.oneof(
    fc.tuple(oddKey, fc.oneof(small, value)).map(([key, v]): [string, unknown, unknown] => ['write', { key, value: v }, { key, value: v }]),
    fc.tuple(oddKey, fc.oneof(small, small, value)).map(([key, v]): [string, unknown, unknown] => ['read', { key, value: null }, { key, value: v }]),
  ),
  'cas-register': fc.oneof(
    fc.tuple(oddKey, small).map(([key, v]): [string, unknown, unknown] => ['write', { key, value: v }, { key, value: v }]),
    fc.tuple(oddKey, fc.oneof(small, small, value)).map(([key, v]): [string, unknown, unknown] => ['read', { key, value: null }, { key, value: v }]),
    fc.tuple(oddKey, fc.oneof(fc.tuple(small, small), fc.tuple(small, small), value)).map(([key, v]): [string, unknown, unknown] => ['cas', { key, value: v }, { key, value: v }]),
  ),
  'multi-register': fc
    .array(fc.tuple(fc.constantFrom('read', 'write', 'write', '__proto__'), fc.constantFrom('x', 'y', '__proto__', 'constructor'), small), { minLength: 1, maxLength: 3 })
    .chain((mops) => fc.tuple(fc.constant(mops), fc.array(fc.oneof(fc.constant(null), small), { minLength: mops.length, maxLength: mops.length })))
    .map(([mops, reads]): [string, unknown, unknown] => ['txn', mops.map(([f, k, v]) => [f, k, f === 'read' ? null : v]), mops.map(([f, k, v], i) => [f, k, f === 'read' ? reads[i] : v])]),
  mutex: fc.tuple(fc.constantFrom('acquire', 'release'), fc.oneof(fc.constant(null), fc.record({ lock: oddKey }), fc.record({ lock: small, owner: fc.constantFrom('a', 'b', '__proto__') }))).map(([f, v]): [string, unknown, unknown] => [f, v, v]),
  'fifo-queue': fc.oneof(
    fc.oneof(small, value).map((v): [string, unknown, unknown] => ['enqueue', v, v]),
    fc.oneof(small, fc.constant(null), value).map((v): [string, unknown, unknown] => ['dequeue', null, v]),
  ),
  set: fc.oneof(
    fc.oneof(small, value).map((v): [string, unknown, unknown] => ['add', v, v]),
    fc.oneof(fc.array(small, { maxLength: 3 }), fc.array(value, { maxLength: 2 }), value).map((v): [string, unknown, unknown] => ['read', null, v]),
  ),
  counter: fc.oneof(
    fc.oneof(fc.integer({ min: -2, max: 3 }), fc.bigInt({ min: 2n ** 60n, max: 2n ** 61n }), value).map((v): [string, unknown, unknown] => ['add', v, v]),
    fc.oneof(fc.integer({ min: -2, max: 6 }), value).map((v): [string, unknown, unknown] => ['read', null, v]),
  ),
};

/** Histories for a model: mostly well-formed (each process invokes, then completes the same f),
 *  with noise: odd types, f's, processes and values, and malformed pairings. */
const historyFor = (model: string) =>
  fc
    .array(
      fc.record({
        op: fc.oneof({ weight: 12, arbitrary: OPS[model] }, { weight: 1, arbitrary: fc.tuple(f, odd, odd) as fc.Arbitrary<[string, unknown, unknown]> }),
        process,
        type,
        wellFormed: fc.oneof({ weight: 12, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      }),
      { maxLength: 30 },
    )
    .map((raw) => {
      const open = new Map<unknown, [string, unknown, unknown]>();
      return raw.map((r, index): Op => {
        let t: string = r.type;
        let o = r.op;
        const p = r.wellFormed && typeof r.process !== 'number' ? 0 : r.process;
        if (r.wellFormed) {
          const cur = open.get(p);
          if (cur === undefined) t = 'invoke';
          else {
            o = cur;
            if (t === 'invoke') t = 'ok';
          }
          if (t === 'invoke') open.set(p, o);
          else open.delete(p);
        }
        return { index, time: index, type: t, process: p, f: o[0], value: t === 'invoke' ? o[1] : o[2] } as Op;
      });
    });

const MODELS = Object.keys(OPS);
const withModel = fc.constantFrom(...MODELS).chain((model) => fc.tuple(historyFor(model), fc.constant(model)));

test('property: no history makes the checker throw anything but HistoryMismatchError, or hang', { timeout: 600_000 }, async () => {
  const seen = { valid: 0, invalid: 0, unknown: 0, refused: 0 };
  await fc.assert(
    fc.asyncProperty(withModel, async ([h, model]) => {
      try {
        const r = await checkLinearizable(realized(h), { name: model }, { timeout: 2, workers: 1 });
        assert.ok(r.valid === true || r.valid === false || r.valid === 'unknown');
        seen[r.valid === true ? 'valid' : r.valid === false ? 'invalid' : 'unknown']++;
        if (r.valid === false) assert.ok(r.culprit && r.window?.some((w) => w.culprit), 'an invalid verdict names its culprit');
      } catch (e) {
        if (!(e instanceof HistoryMismatchError)) throw e;
        assert.match(e.message, /^The history does not fit the [\w-]+ model: /);
        assert.ok(e.message.length < 1000, 'one sentence, not a dump');
        seen.refused++;
      }
    }),
    { numRuns: 1500, seed: 42 },
  );
  console.log(`outcomes: ${JSON.stringify(seen)}`);
  // The generator must reach every outcome, or the property proves little.
  assert.ok(seen.valid > 200 && seen.invalid > 50 && seen.refused > 200, JSON.stringify(seen));
});

test('property: the same holds on worker threads', { timeout: 600_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('register', 'cas-register', 'mutex').chain((model) => fc.tuple(historyFor(model), historyFor(model), fc.constant(model))), async ([a, b, model]) => {
      // Two halves on distinct keys, so there is more than one part to share out.
      const h = realized([...a, ...b.map((o) => ({ ...o, index: o.index + a.length, process: typeof o.process === 'number' ? o.process + 100 : o.process }))]);
      try {
        const r = await checkLinearizable(h, { name: model }, { timeout: 5, workers: 2 });
        assert.ok(r.valid === true || r.valid === false || r.valid === 'unknown');
      } catch (e) {
        if (!(e instanceof HistoryMismatchError)) throw e;
      }
    }),
    { numRuns: 30, seed: 7 },
  );
});

test('values nested deeper than a copy to a worker thread can go: judged here all the same', async () => {
  let v: unknown = 1;
  for (let i = 0; i < 100_000; i++) v = [v];
  const h: Op[] = [];
  for (let k = 0; k < 4; k++) {
    h.push({ index: h.length, time: h.length, type: 'invoke', process: k, f: 'write', value: { key: k, value: v } });
    h.push({ index: h.length, time: h.length, type: 'ok', process: k, f: 'write', value: { key: k, value: v } });
  }
  h.push({ index: h.length, time: h.length, type: 'invoke', process: 9, f: 'read', value: { key: 2, value: null } });
  h.push({ index: h.length, time: h.length, type: 'ok', process: 9, f: 'read', value: { key: 2, value: 5 } });
  const r = await checkLinearizable(h, { name: 'cas-register' }, { workers: 2 });
  assert.equal(r.valid, false);
  assert.equal(r.key, '2');
  assert.match(String(r['last-states']), /nested too deep to print/);
});
