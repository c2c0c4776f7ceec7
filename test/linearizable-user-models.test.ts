// A user's model, loaded by module path, runs in a worker thread that the deadline can stop: a step
// that never returns ends in unknown at the deadline; what the model's code throws, or a step that
// answers nonsense, is a ModelError naming the model (the original stack kept); what its check
// refuses is a HistoryMismatchError.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkLinearizable, HistoryMismatchError, loadModel, ModelError, type Model } from '../checkers/linearizable/index.ts';
import type { Op } from '../src/types.ts';

let dir = '';
const file = (name: string) => path.join(dir, name);

const MODULES: Record<string, string> = {
  'register.ts': `
    interface LinOp { f: string; input: unknown; output: unknown }
    export default (init: unknown, options: { strict?: boolean } = {}) => ({
      name: 'my-register',
      init: () => init ?? null,
      step(s: unknown, op: LinOp): readonly [boolean, unknown] {
        if (op.f === 'write') return [true, op.input];
        return [op.output === undefined || (!options.strict && op.output === null) || op.output === s, s];
      },
      pure: (op: LinOp) => op.f === 'read',
      keyOf: (v: any) => (v && typeof v === 'object' && 'key' in v ? { key: v.key, value: v.value } : undefined),
      check: (op: LinOp) => (op.f === 'read' || op.f === 'write' ? undefined : 'my-register only reads and writes'),
    });`,
  'hang.ts': `export default { name: 'hang', init: () => 0, step(s: number): [boolean, number] { for (;;) s++; } };`,
  'throws.ts': `
    function explode(): never { throw new TypeError('boom in step'); }
    export const model = { name: 'thrower', init: () => 0, step(s: number, op: { f: string }): [boolean, number] { if (op.f === 'read') explode(); return [true, s]; } };`,
  'shape.mjs': `export default { name: 'shape', init: () => 0, step: () => 'yes' };`,
  'factory-throws.ts': `export default () => { throw new Error('no factory today'); };`,
  'nothing.ts': `export const other = 1;`,
  'syntax.ts': `export default { step( ;`,
  'init-throws.ts': `export default { name: 'i', init() { throw new RangeError('bad init'); }, step: (s: unknown) => [true, s] };`,
};

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-models-'));
  for (const [name, text] of Object.entries(MODULES)) fs.writeFileSync(file(name), text);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const op = (index: number, process: number, type: Op['type'], f: string, value: unknown): Op => ({ index, time: index, process, type, f, value });
const staleNil: Op[] = [
  op(0, 0, 'invoke', 'write', { key: 1, value: 3 }),
  op(1, 0, 'ok', 'write', { key: 1, value: 3 }),
  op(2, 1, 'invoke', 'read', { key: 1, value: null }),
  op(3, 1, 'ok', 'read', { key: 1, value: null }),
];

test('a model module is loaded with its init and options, and splits keys with its keyOf', async () => {
  assert.equal((await checkLinearizable(staleNil, { name: file('register.ts') })).valid, true);
  const strict = await checkLinearizable(staleNil, { name: file('register.ts'), options: { strict: true } });
  assert.equal(strict.valid, false);
  assert.equal(strict.key, '1');
  assert.equal(strict.culprit?.index, 3);
  assert.deepEqual(strict['last-states'], ['3']);
  const m = await loadModel({ name: file('register.ts'), init: 7 });
  assert.equal(m.init(), 7);
});

test("a model's check refuses the ops that do not fit it", async () => {
  const h = [...staleNil, op(4, 2, 'invoke', 'cas', { key: 1, value: [3, 4] }), op(5, 2, 'ok', 'cas', { key: 1, value: [3, 4] })];
  await assert.rejects(checkLinearizable(h, { name: file('register.ts') }), (e: unknown) => {
    assert.ok(e instanceof HistoryMismatchError);
    assert.equal(e.op?.index, 4);
    assert.equal(e.reason, 'my-register only reads and writes');
    return true;
  });
});

test('a step that never returns ends in unknown at the deadline', { timeout: 120_000 }, async () => {
  // (6 s: time enough for the worker to start and be stuck in the step when the deadline comes.)
  const r = await checkLinearizable(staleNil, { name: file('hang.ts') }, { timeout: 6 });
  assert.equal(r.valid, 'unknown');
  assert.match(String(r.reason), /^check timeout \(model .*hang\.ts was stopped at the deadline\)$/);
});

test('what a model throws is the model\'s fault: a ModelError naming it, the call and the op, with the original stack', async () => {
  await assert.rejects(checkLinearizable(staleNil, { name: file('throws.ts') }), (e: unknown) => {
    assert.ok(e instanceof ModelError, String(e));
    assert.match(e.message, /^Model .*throws\.ts: step on read of .* threw: TypeError: boom in step$/);
    assert.match(String(e.originalStack), /explode/);
    return true;
  });
  await assert.rejects(checkLinearizable(staleNil, { name: file('shape.mjs') }), (e: unknown) => e instanceof ModelError && /step returned "yes" for write .* not \[boolean, state\]/.test(e.message));
  await assert.rejects(checkLinearizable(staleNil, { name: file('factory-throws.ts') }), (e: unknown) => e instanceof ModelError && /its factory threw: Error: no factory today/.test(e.message));
  await assert.rejects(checkLinearizable(staleNil, { name: file('nothing.ts') }), (e: unknown) => e instanceof ModelError && /must export a model/.test(e.message));
  await assert.rejects(checkLinearizable(staleNil, { name: file('syntax.ts') }), (e: unknown) => e instanceof ModelError && /could not be loaded/.test(e.message));
  await assert.rejects(checkLinearizable(staleNil, { name: file('missing.ts') }), (e: unknown) => e instanceof ModelError && /could not be loaded/.test(e.message));
  await assert.rejects(checkLinearizable(staleNil, { name: file('init-throws.ts') }), (e: unknown) => e instanceof ModelError && /init\(\) threw: RangeError: bad init/.test(e.message));
});

test('a model object given in-process runs here, guarded the same way', async () => {
  const model: Model<number> = {
    name: 'inline',
    init: () => 0,
    step: (s, o) => (o.f === 'write' ? [true, o.input as number] : [o.output === s || o.output === undefined, s]),
    pure: (o) => o.f === 'read',
  };
  const h = [op(0, 0, 'invoke', 'write', 3), op(1, 0, 'ok', 'write', 3), op(2, 1, 'invoke', 'read', null), op(3, 1, 'ok', 'read', 4)];
  const r = await checkLinearizable(h, { name: 'inline', model });
  assert.equal(r.valid, false);
  assert.equal(r.culprit?.index, 3);
  const broken: Model<number> = { ...model, step: () => { throw new Error('inline boom'); } };
  await assert.rejects(checkLinearizable(h, { name: 'inline', model: broken }), (e: unknown) => e instanceof ModelError && /inline boom/.test(e.message));
});

test('a history that cannot be handed to the model\'s worker thread is unknown, not run unstoppably here', async () => {
  let v: unknown = 1;
  for (let i = 0; i < 100_000; i++) v = [v];
  const h = [op(0, 0, 'invoke', 'write', v), op(1, 0, 'ok', 'write', v)];
  const r = await checkLinearizable(h, { name: file('register.ts') });
  assert.equal(r.valid, 'unknown');
  assert.match(String(r.reason), /nested too deep/);
});
