// A user's model, wrapped so that whatever its code throws, and a step that answers something other
// than [boolean, state], becomes a ModelError naming the model and the call (the original stack is
// kept). The built-in models are ours and run unwrapped: what they throw is our bug.
import type { History } from '../../src/types.ts';
import { shortText } from '../../src/util/safe-text.ts';
import { ModelError, word } from './errors.ts';
import type { LinOp, Model } from './models.ts';

function call<T>(name: string, what: () => string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ModelError) throw e;
    throw new ModelError(name, `${what()} threw`, e);
  }
}

const opText = (op: LinOp) => `${word(op.f)} of ${shortText(op.input)}${op.output === undefined ? '' : ` -> ${shortText(op.output)}`}`;

export function guardModel<S>(model: Model<S>, name: string): Model<S> {
  const m = model;
  const g: Model<S> = {
    name: typeof m.name === 'string' ? m.name : name,
    init: () => call(name, () => 'init()', () => m.init()),
    step(s, op) {
      const r = call(name, () => `step on ${opText(op)}`, () => m.step(s, op));
      if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'boolean') {
        throw new ModelError(name, `step returned ${shortText(r)} for ${opText(op)}, not [boolean, state]`);
      }
      return r as readonly [boolean, S];
    },
    usesProcess: Boolean(m.usesProcess),
  };
  if (typeof m.pure === 'function') g.pure = (op) => Boolean(call(name, () => `pure on ${opText(op)}`, () => m.pure!(op)));
  if (typeof m.check === 'function') {
    g.check = (op) => {
      const r = call(name, () => `check on ${opText(op)}`, () => m.check!(op));
      if (r === undefined || r === null || r === '') return undefined;
      return typeof r === 'string' ? r : shortText(r);
    };
  }
  if (typeof m.keyOf === 'function') {
    g.keyOf = (v) => {
      const r = call(name, () => `keyOf on ${shortText(v)}`, () => m.keyOf!(v));
      if (r === undefined || r === null) return undefined;
      if (typeof r !== 'object' || !Object.hasOwn(r, 'key')) throw new ModelError(name, `keyOf returned ${shortText(r)}, not {key, value} or undefined`);
      return { key: r.key, value: r.value };
    };
  }
  if (typeof m.partition === 'function') {
    g.partition = (h: History) => {
      const r = call(name, () => 'partition', () => m.partition!(h));
      if (!Array.isArray(r) || !r.every((p) => p && typeof p === 'object' && Array.isArray((p as { history?: unknown }).history))) {
        throw new ModelError(name, 'partition did not return a list of {key, history}');
      }
      return r;
    };
  }
  if (typeof m.hash === 'function') g.hash = (s) => Number(call(name, () => 'hash', () => m.hash!(s))) | 0;
  if (typeof m.equal === 'function') g.equal = (a, b) => Boolean(call(name, () => 'equal', () => m.equal!(a, b)));
  if (typeof m.describe === 'function') g.describe = (s) => String(call(name, () => 'describe', () => m.describe!(s)));
  return g;
}
