// Models for the linearizability checker, Porcupine-style: init, step(state, op) -> [ok, state'],
// and optionally: which ops are pure (reads), which ops fit the model at all (check), how ops name
// independent keys (keyOf, or a whole-history partition), hash, equal and describe. A model is a
// plain object; a user can write one in TypeScript and pass it by module path.
//
// Values from histories are data: compared and hashed structurally with src/util/values.ts
// (bigints, "__proto__" keys and key order included), never used as property names.
import type { History } from '../../src/types.ts';
import { UsageError } from '../../src/errors.ts';
import { canonical, hashString, hashValue, valueEquals } from '../../src/util/values.ts';
import { shortText } from '../../src/util/values.ts';

/** One operation as the search sees it: what was asked (input) and what came back (output).
 *  output is undefined when the outcome is unknown (an info op, or one that never completed). */
export interface LinOp {
  f: string;
  input: unknown;
  output: unknown;
  process: number | string;
}

export interface Model<S = unknown> {
  name: string;
  init(): S;
  /** Whether op may take effect in state s, and the state after it. */
  step(s: S, op: LinOp): readonly [boolean, S];
  /** Ops that never change the state (reads): the search linearizes them as soon as legal. */
  pure?(op: LinOp): boolean;
  /** Why op cannot be judged by this model (unknown f, malformed value), or undefined when it
   *  fits. The check refuses such a history instead of calling it not linearizable. */
  check?(op: LinOp): string | undefined;
  /** Independent keys (P-compositionality): the key an invocation's value names and the value the
   *  model sees, or undefined for an op on no key. Completions follow their invocation's key. */
  keyOf?(value: unknown): { key: unknown; value: unknown } | undefined;
  /** Splits a history into independent parts checked separately (when keyOf does not fit). */
  partition?(history: History): Array<{ key: string; history: History }>;
  hash?(s: S): number;
  equal?(a: S, b: S): boolean;
  describe?(s: S): string;
  /** Set when step reads op.process (the mutex's owner defaults to it): two indeterminate ops
   *  are then interchangeable twins only if their processes match too. */
  usesProcess?: boolean;
}

/** Marks the built-in registers, which the search runs on interned integer states. */
export const REGISTER_KERNEL = Symbol('register kernel');
export interface RegisterKernelSpec {
  cas: boolean;
  nilReadIsUnknown: boolean;
  init: unknown;
}

const describeValue = (s: unknown) => shortText(s, 200);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && !ArrayBuffer.isView(v);

/** Ops of the form {key, value} are independent by key, and unwrapped. */
export function keyedValue(v: unknown): { key: unknown; value: unknown } | undefined {
  if (!isPlainObject(v) || !Object.hasOwn(v, 'key')) return undefined;
  return { key: v.key, value: Object.hasOwn(v, 'value') ? v.value : null };
}

const unknownF = (op: LinOp, known: string) => `the model knows no f "${shortText(op.f, 40).replace(/^"|"$/g, '')}" (it takes ${known})`;

export interface RegisterOptions {
  /** As Knossos: a read that returned nil says nothing about the value (default). With false, nil
   *  is a value like any other (our own workloads, where nil means the key is absent). */
  nilReadIsUnknown?: boolean;
}

function registerOptions(name: string, o: unknown): Required<RegisterOptions> {
  const opts = checkOptions(name, o, ['nilReadIsUnknown']);
  if (opts.nilReadIsUnknown !== undefined && typeof opts.nilReadIsUnknown !== 'boolean') {
    throw new UsageError(`The ${name} model's option nilReadIsUnknown must be true or false, not ${shortText(opts.nilReadIsUnknown)}.`);
  }
  return { nilReadIsUnknown: (opts.nilReadIsUnknown as boolean | undefined) ?? true };
}

/** Options are a plain object of known names; anything else is a mistake worth one sentence. */
function checkOptions(name: string, o: unknown, known: string[]): Record<string, unknown> {
  if (o === undefined || o === null) return {};
  if (!isPlainObject(o)) throw new UsageError(`The ${name} model's options must be an object, not ${shortText(o)}.`);
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new UsageError(`The ${name} model has no option "${shortText(k, 40).replace(/^"|"$/g, '')}"${known.length ? ` (it has: ${known.join(', ')})` : ' (it takes none)'}.`);
  }
  return o;
}

/** A register: read returns the last value written. */
export function register(initial: unknown = null, o: RegisterOptions = {}): Model<unknown> {
  const { nilReadIsUnknown } = registerOptions('register', o);
  return registerModel('register', initial, nilReadIsUnknown, false);
}

/** A compare-and-set register: cas [from, to] succeeds only when the value is from. */
export function casRegister(initial: unknown = null, o: RegisterOptions = {}): Model<unknown> {
  const { nilReadIsUnknown } = registerOptions('cas-register', o);
  return registerModel('cas-register', initial, nilReadIsUnknown, true);
}

function registerModel(name: string, initial: unknown, nilReadIsUnknown: boolean, cas: boolean): Model<unknown> {
  const fs = cas ? 'read, write and cas' : 'read and write';
  const model: Model<unknown> & { [REGISTER_KERNEL]: RegisterKernelSpec } = {
    name,
    init: () => initial,
    step(s, op) {
      if (op.f === 'write') return [true, op.input];
      if (op.f === 'read') return [op.output === undefined || (nilReadIsUnknown && op.output === null) || valueEquals(op.output, s), s];
      if (cas && op.f === 'cas') {
        const [from, to] = op.input as [unknown, unknown];
        return valueEquals(s, from) ? [true, to] : [false, s];
      }
      return [false, s];
    },
    check(op) {
      if (op.f === 'read' || op.f === 'write') return undefined;
      if (cas && op.f === 'cas') return Array.isArray(op.input) && op.input.length === 2 ? undefined : 'a cas takes a [from, to] pair';
      return unknownF(op, fs);
    },
    pure: (op) => op.f === 'read',
    keyOf: keyedValue,
    hash: hashValue,
    equal: valueEquals,
    describe: describeValue,
    [REGISTER_KERNEL]: { cas, nilReadIsUnknown, init: initial },
  };
  return model;
}

type Micro = readonly [unknown, unknown, unknown?];
/** A multi-register's state: register values by the canonical text of their key. */
type Registers = ReadonlyMap<string, unknown>;

/** Registers named by key, updated by transactions of [f, k, v] micro-ops (Knossos's
 *  multi-register). A read of nil says nothing, as in Knossos. */
export function multiRegister(initial: unknown = {}): Model<Registers> {
  const init = new Map<string, unknown>();
  if (initial instanceof Map) for (const [k, v] of initial) init.set(canonical(k), v);
  else if (isPlainObject(initial)) for (const k of Object.keys(initial)) init.set(canonical(k), initial[k]);
  else if (initial !== null && initial !== undefined) throw new UsageError(`The multi-register model's initial state must be an object of register values (e.g. {"x": 0}), not ${shortText(initial)}.`);
  const text = new WeakMap<Registers, string>();
  const stateText = (s: Registers) => {
    let t = text.get(s);
    if (t === undefined) {
      t = `{${[...s.keys()].sort().map((k) => `${k}:${canonical(s.get(k))}`).join(',')}}`;
      text.set(s, t);
    }
    return t;
  };
  return {
    name: 'multi-register',
    init: () => init,
    step(s, op) {
      const mops = (op.output === undefined ? op.input : op.output) as Micro[];
      const inMops = op.input as Micro[];
      let next: Map<string, unknown> | null = null;
      for (let i = 0; i < mops.length; i++) {
        const [f, k, v] = mops[i];
        const key = canonical(k);
        if (f === 'read') {
          if (op.output !== undefined && v !== null && v !== undefined && !valueEquals((next ?? s).get(key) ?? null, v)) return [false, s];
        } else {
          next ??= new Map(s);
          next.set(key, inMops[i][2] ?? v ?? null);
        }
      }
      return [true, next ?? s];
    },
    check(op) {
      if (op.f !== 'txn') return unknownF(op, 'txn');
      const bad = checkTxn(op.input, undefined);
      if (bad) return bad;
      return op.output === undefined ? undefined : checkTxn(op.output, op.input as Micro[]);
    },
    pure: (op) => (op.input as Micro[]).every((m) => m[0] === 'read'),
    hash: (s) => hashString(stateText(s)),
    equal: (a, b) => a === b || stateText(a) === stateText(b),
    describe: (s) => `{${[...s.keys()].sort().map((k) => `${k}: ${shortText(s.get(k), 60)}`).join(', ')}}`,
  };
}

/** A transaction is a list of [read|write, key, value] micro-ops; a completion lists the same
 *  micro-ops (reads filled in) as its invocation. */
function checkTxn(txn: unknown, invoked: readonly Micro[] | undefined): string | undefined {
  const what = invoked ? 'the completion of a txn' : 'a txn';
  if (!Array.isArray(txn)) return `${what} must be a list of [f, key, value] micro-ops`;
  if (invoked && txn.length !== invoked.length) return `${what} lists ${txn.length} micro-ops where its invocation had ${invoked.length}`;
  for (let i = 0; i < txn.length; i++) {
    const m = txn[i] as unknown;
    if (!Array.isArray(m) || m.length < 2 || m.length > 3) return `${what}'s micro-op ${shortText(m)} is not [f, key, value]`;
    if (m[0] !== 'read' && m[0] !== 'write') return `${what}'s micro-op ${shortText(m)} is neither a read nor a write`;
    if (invoked && (m[0] !== invoked[i][0] || !valueEquals(m[1], invoked[i][1]))) return `${what}'s micro-op ${shortText(m)} does not match its invocation's ${shortText(invoked[i])}`;
  }
  return undefined;
}

/** A lock. Owner-aware: acquire takes a free lock for its owner; only the holder may release.
 *  The owner is op.value.owner when given, else the process. Locks named by value.lock are
 *  independent. */
function plainOwner(canonicalText: string): unknown {
  try {
    const v: unknown = JSON.parse(canonicalText);
    return typeof v === 'string' ? v : canonicalText;
  } catch {
    return canonicalText;
  }
}

export function mutex(initial: unknown = null): Model<string | null> {
  if (initial !== null && initial !== undefined) throw new UsageError(`The mutex model starts free; it takes no initial state (got ${shortText(initial)}).`);
  const owner = (op: LinOp) => {
    const v = op.input;
    return isPlainObject(v) && Object.hasOwn(v, 'owner') ? canonical(v.owner) : canonical(op.process);
  };
  return {
    name: 'mutex',
    usesProcess: true,
    init: () => null,
    step(s, op) {
      if (op.f === 'acquire') return s === null ? [true, owner(op)] : [false, s];
      return s !== null && s === owner(op) ? [true, null] : [false, s];
    },
    check: (op) => (op.f === 'acquire' || op.f === 'release' ? undefined : unknownF(op, 'acquire and release')),
    keyOf: (v) => (isPlainObject(v) && Object.hasOwn(v, 'lock') ? { key: v.lock, value: v } : undefined),
    hash: (s) => (s === null ? 0 : hashString(s)),
    // States are canonical JSON text: an owner "w12" is shown as w12, a process as its number.
    describe: (s) => (s === null ? 'free' : `held by ${shortText(plainOwner(s), 80).replace(/^"|"$/g, '')}`),
  };
}

/** A FIFO queue: dequeue returns the oldest value (a null output means the queue was empty). */
export function fifoQueue(initial: unknown = null): Model<readonly unknown[]> {
  const init = listInit('fifo-queue', initial);
  return {
    name: 'fifo-queue',
    init: () => init,
    step(s, op) {
      if (op.f === 'enqueue') return [true, [...s, op.input]];
      if (op.output === undefined) return s.length ? [true, s.slice(1)] : [true, s];
      if (op.output === null) return [s.length === 0, s];
      return s.length && valueEquals(s[0], op.output) ? [true, s.slice(1)] : [false, s];
    },
    check: (op) => (op.f === 'enqueue' || op.f === 'dequeue' ? undefined : unknownF(op, 'enqueue and dequeue')),
    hash: (s) => hashString(canonical(s)),
    equal: (a, b) => a === b || canonical(a) === canonical(b),
    describe: (s) => shortText(s, 200),
  };
}

/** A grow-only set: add v; read returns every element (in any order). */
export function set(initial: unknown = null): Model<SetState> {
  const add = (s: SetState, v: unknown): SetState => {
    const c = canonical(v);
    if (s.has(c)) return s;
    const next = new Map(s);
    next.set(c, v);
    return next;
  };
  let init: SetState = new Map();
  for (const v of listInit('set', initial)) init = add(init, v);
  const text = (s: SetState) => [...s.keys()].sort().join(',');
  return {
    name: 'set',
    init: () => init,
    step(s, op) {
      if (op.f === 'add') return [true, add(s, op.input)];
      if (op.output === undefined) return [true, s];
      const seen = new Set<string>();
      for (const v of op.output as unknown[]) seen.add(canonical(v));
      if (seen.size !== s.size) return [false, s];
      for (const k of seen) if (!s.has(k)) return [false, s];
      return [true, s];
    },
    check(op) {
      if (op.f === 'add') return undefined;
      if (op.f !== 'read') return unknownF(op, 'add and read');
      return op.output === undefined || Array.isArray(op.output) ? undefined : 'a set read returns a list of elements';
    },
    pure: (op) => op.f === 'read',
    hash: (s) => hashString(text(s)),
    equal: (a, b) => a === b || text(a) === text(b),
    describe: (s) => shortText([...s.keys()].sort().map((k) => s.get(k)), 200),
  };
}
/** A set's state: its elements by their canonical text. */
type SetState = ReadonlyMap<string, unknown>;

function listInit(name: string, initial: unknown): readonly unknown[] {
  if (initial === null || initial === undefined) return [];
  if (!Array.isArray(initial)) throw new UsageError(`The ${name} model's initial state must be a list, not ${shortText(initial)}.`);
  return initial;
}

/** A counter: add delta; read returns the sum. Numbers, or bigints past 2^53. */
export function counter(initial: unknown = 0): Model<number | bigint> {
  if (initial === null || initial === undefined) initial = 0;
  if (!isNumber(initial)) throw new UsageError(`The counter model's initial value must be a number, not ${shortText(initial)}.`);
  const init = initial;
  return {
    name: 'counter',
    init: () => init,
    step(s, op) {
      if (op.f === 'add') return [true, sum(s, op.input as number | bigint)];
      return [op.output === undefined || numEquals(op.output as number | bigint, s), s];
    },
    check(op) {
      if (op.f === 'add') return isNumber(op.input) ? undefined : 'an add takes a number';
      if (op.f !== 'read') return unknownF(op, 'add and read');
      return op.output === undefined || isNumber(op.output) ? undefined : 'a counter read returns a number';
    },
    pure: (op) => op.f === 'read',
    hash: (s) => hashValue(typeof s === 'bigint' ? norm(s) : s),
    equal: numEquals,
    describe: (s) => String(s),
  };
}

const isNumber = (x: unknown): x is number | bigint => (typeof x === 'number' && Number.isFinite(x)) || typeof x === 'bigint';
/** A bigint that a double holds exactly becomes that number, so 1n and 1 hash and compare alike. */
const norm = (x: number | bigint): number | bigint => (typeof x === 'bigint' && Number.isSafeInteger(Number(x)) ? Number(x) : x);
function sum(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r) || !Number.isInteger(a) || !Number.isInteger(b)) return r;
  }
  if ((typeof a === 'number' && !Number.isInteger(a)) || (typeof b === 'number' && !Number.isInteger(b))) return Number(a) + Number(b);
  return norm(BigInt(a) + BigInt(b));
}
const numEquals = (a: number | bigint, b: number | bigint) => a === b || (typeof a !== typeof b && valueEquals(norm(a), norm(b)));

/** Built-in models by name. Factories take the initial state and the model's options. */
export const MODELS: Record<string, (init?: unknown, options?: unknown) => Model<any>> = {
  register: (init, o) => register(init ?? null, o as RegisterOptions),
  'cas-register': (init, o) => casRegister(init ?? null, o as RegisterOptions),
  'multi-register': (init, o) => (checkOptions('multi-register', o, []), multiRegister(init ?? {})),
  mutex: (init, o) => (checkOptions('mutex', o, []), mutex(init)),
  'fifo-queue': (init, o) => (checkOptions('fifo-queue', o, []), fifoQueue(init)),
  set: (init, o) => (checkOptions('set', o, []), set(init)),
  counter: (init, o) => (checkOptions('counter', o, []), counter(init)),
};

