// Models for the linearizability checker, Porcupine-style: init, step(state, op) -> [ok, state'],
// optional partition (independent keys), hash, equal and describe. A model is a plain object; a
// user can write one in TypeScript and pass it by module path.
import type { History, Op } from '../../src/types.ts';

/** One operation as the search sees it: what was asked (input) and what came back (output).
 *  output is undefined when the outcome is unknown (an info op). */
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
  /** Splits a history into independent parts checked separately (P-compositionality). */
  partition?(history: History): Array<{ key: string; history: History }>;
  hash?(s: S): number;
  equal?(a: S, b: S): boolean;
  describe?(s: S): string;
  /** Set when step reads op.process (the mutex's owner defaults to it): two indeterminate ops
   *  are then interchangeable twins only if their processes match too. */
  usesProcess?: boolean;
}

const json = (x: unknown) => JSON.stringify(x ?? null);
const same = (a: unknown, b: unknown) => a === b || json(a) === json(b);

/** 32-bit FNV-1a of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function hashValue(x: unknown): number {
  if (typeof x === 'number' && Number.isInteger(x)) return Math.imul(x | 0, 0x9e3779b1) >>> 0;
  if (x === null || x === undefined) return 0x51ed27;
  return hashString(json(x));
}

/** Ops of the form {key, value} are split by key, and unwrapped. */
export function partitionByKey(history: History): Array<{ key: string; history: History }> {
  const parts = new Map<string, Op[]>();
  for (const op of history) {
    const v = op.value as { key?: unknown; value?: unknown } | null;
    const keyed = v !== null && typeof v === 'object' && !Array.isArray(v) && 'key' in v;
    const key = keyed ? json(v.key) : op.process === 'nemesis' ? '' : '*';
    if (key === '') continue;
    let p = parts.get(key);
    if (!p) parts.set(key, (p = []));
    p.push(keyed ? { ...op, value: v.value ?? null } : op);
  }
  // An invoke's key decides where its completion goes: completions of reads carry the key too.
  return [...parts].map(([key, h]) => ({ key, history: h }));
}

export interface RegisterOptions {
  /** As Knossos: a read that returned nil says nothing about the value (default). With false, nil
   *  is a value like any other (our own workloads, where nil means the key is absent). */
  nilReadIsUnknown?: boolean;
}

/** A register: read returns the last value written. */
export function register(initial: unknown = null, o: RegisterOptions = {}): Model<unknown> {
  const nilUnknown = o.nilReadIsUnknown ?? true;
  return {
    name: 'register',
    init: () => initial,
    step(s, op) {
      if (op.f === 'write') return [true, op.input];
      if (op.f === 'read') return [op.output === undefined || (nilUnknown && op.output === null) || same(op.output, s), s];
      return [false, s];
    },
    pure: (op) => op.f === 'read',
    partition: partitionByKey,
    hash: hashValue,
    equal: same,
    describe: json,
  };
}

/** A compare-and-set register: cas [from, to] succeeds only when the value is from. */
export function casRegister(initial: unknown = null, o: RegisterOptions = {}): Model<unknown> {
  const base = register(initial, o);
  return {
    ...base,
    name: 'cas-register',
    step(s, op) {
      if (op.f === 'cas') {
        const [from, to] = op.input as [unknown, unknown];
        return same(s, from) ? [true, to] : [false, s];
      }
      return base.step(s, op);
    },
  };
}

type Micro = [string, unknown, unknown];

/** Registers named by key, updated by transactions of [f, k, v] micro-ops (Knossos's multi-register). */
export function multiRegister(initial: Record<string, unknown> = {}): Model<Record<string, unknown>> {
  return {
    name: 'multi-register',
    init: () => ({ ...initial }),
    step(s, op) {
      if (op.f !== 'txn') return [false, s];
      const mops = (op.output === undefined ? op.input : op.output) as Micro[];
      const inMops = op.input as Micro[];
      let next = s;
      for (let i = 0; i < mops.length; i++) {
        const [f, k, v] = mops[i];
        const key = String(k);
        if (f === 'read') {
          if (op.output !== undefined && v !== null && v !== undefined && !same(next[key] ?? null, v)) return [false, s];
        } else if (f === 'write') {
          if (next === s) next = { ...s };
          next[key] = inMops[i]?.[2] ?? v;
        } else return [false, s];
      }
      return [true, next];
    },
    pure: (op) => Array.isArray(op.input) && (op.input as Micro[]).every((m) => m[0] === 'read'),
    hash: (s) => hashString(json(Object.keys(s).sort().map((k) => [k, s[k]]))),
    equal: (a, b) => json(Object.keys(a).sort().map((k) => [k, a[k]])) === json(Object.keys(b).sort().map((k) => [k, b[k]])),
    describe: json,
  };
}

/** A lock. Owner-aware: acquire takes a free lock for its owner; only the holder may release.
 *  The owner is op.value.owner when given, else the process. */
export function mutex(): Model<string | null> {
  const owner = (op: LinOp) => {
    const v = op.input as { owner?: unknown } | null;
    return v && typeof v === 'object' && 'owner' in v ? String(v.owner) : String(op.process);
  };
  return {
    name: 'mutex',
    usesProcess: true,
    init: () => null,
    step(s, op) {
      if (op.f === 'acquire') return s === null ? [true, owner(op)] : [false, s];
      if (op.f === 'release') return s !== null && s === owner(op) ? [true, null] : [false, s];
      return [false, s];
    },
    partition: (history) => {
      // Locks named by value.lock are independent.
      const parts = new Map<string, Op[]>();
      for (const op of history) {
        if (op.process === 'nemesis') continue;
        const v = op.value as { lock?: unknown } | null;
        const k = v && typeof v === 'object' && 'lock' in v ? json(v.lock) : '*';
        let p = parts.get(k);
        if (!p) parts.set(k, (p = []));
        p.push(op);
      }
      return [...parts].map(([key, h]) => ({ key, history: h }));
    },
    hash: (s) => (s === null ? 0 : hashString(s)),
    describe: (s) => (s === null ? 'free' : `held by ${s}`),
  };
}

/** A FIFO queue: dequeue returns the oldest value (null/undefined output on an empty queue). */
export function fifoQueue(): Model<readonly unknown[]> {
  return {
    name: 'fifo-queue',
    init: () => [],
    step(s, op) {
      if (op.f === 'enqueue') return [true, [...s, op.input]];
      if (op.f === 'dequeue') {
        if (op.output === undefined) return s.length ? [true, s.slice(1)] : [true, s];
        if (op.output === null) return [s.length === 0, s];
        return s.length && same(s[0], op.output) ? [true, s.slice(1)] : [false, s];
      }
      return [false, s];
    },
    hash: (s) => hashString(json(s)),
    equal: (a, b) => json(a) === json(b),
    describe: json,
  };
}

/** A grow-only set: add v; read returns every element. */
export function set(): Model<readonly unknown[]> {
  const norm = (xs: readonly unknown[]) => [...new Set(xs.map(json))].sort();
  return {
    name: 'set',
    init: () => [],
    step(s, op) {
      if (op.f === 'add') return [true, s.some((x) => same(x, op.input)) ? s : [...s, op.input]];
      if (op.f === 'read') return [op.output === undefined || json(norm(s)) === json(norm((op.output as unknown[]) ?? [])), s];
      return [false, s];
    },
    pure: (op) => op.f === 'read',
    hash: (s) => hashString(json(norm(s))),
    equal: (a, b) => json(norm(a)) === json(norm(b)),
    describe: (s) => json(norm(s).map((x) => JSON.parse(x))),
  };
}

/** A counter: add delta; read returns the sum. */
export function counter(initial = 0): Model<number> {
  return {
    name: 'counter',
    init: () => initial,
    step(s, op) {
      if (op.f === 'add') return [true, s + Number(op.input)];
      if (op.f === 'read') return [op.output === undefined || Number(op.output) === s, s];
      return [false, s];
    },
    pure: (op) => op.f === 'read',
    hash: hashValue,
    describe: String,
  };
}

export const MODELS: Record<string, (init?: unknown) => Model<any>> = {
  register: (init) => register(init ?? null),
  'cas-register': (init) => casRegister(init ?? null),
  'multi-register': (init) => multiRegister((init as Record<string, unknown>) ?? {}),
  mutex: () => mutex(),
  'fifo-queue': () => fifoQueue(),
  set: () => set(),
  counter: (init) => counter(Number(init ?? 0)),
};
