// A model bound to the ops of one part, as the search calls it: step(state, op number) returns the
// next state or the kernel's `illegal` marker, and states get integer ids for the memo (equal
// states, and only those, share an id).
//
// The built-in registers run on interned values: every distinct value of the part becomes a small
// integer, so a state is an integer and a step is a comparison (no allocation, no hashing). Any
// other model runs through its own step (a user's model wrapped by guard.ts), with states interned
// by hash and equality.
import { canonical, hashValue, valueEquals } from '../../src/util/values.ts';
import { shortText } from '../../src/util/safe-text.ts';
import type { LinOp, Model } from './models.ts';
import { CAS, READ, READ_ANY, WRITE, type Part, type RegisterOps } from './part-builders.ts';

export interface Kernel {
  readonly illegal: unknown;
  readonly init: unknown;
  step(s: unknown, op: number): unknown;
  /** 1 for ops that never change the state. */
  readonly pure: Uint8Array;
  same(a: unknown, b: unknown): boolean;
  stateId(s: unknown): number;
  /** Bytes held by interned states (for the memory budget). */
  stateBytes(): number;
  describe(s: unknown): string;
  /** Indeterminate ops with the same twin key are interchangeable. */
  twinKey(op: number): string;
}

export function makeKernel(part: Part, model: Model<any>): Kernel {
  return part.reg ? new RegisterKernel(part.reg) : modelKernel(part, model);
}

/** A class, not an object of closures: every register part's kernel then shares one step
 *  function, and the search's call to it stays monomorphic (and inlined) from part to part. */
class RegisterKernel implements Kernel {
  readonly illegal = -1;
  readonly init = 0;
  readonly pure: Uint8Array;
  private readonly code: Uint8Array;
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  private readonly values: unknown[];
  constructor(r: RegisterOps) {
    this.code = r.code;
    this.a = r.a;
    this.b = r.b;
    this.values = r.values;
    this.pure = new Uint8Array(r.code.length);
    for (let i = 0; i < r.code.length; i++) this.pure[i] = r.code[i] === READ || r.code[i] === READ_ANY ? 1 : 0;
  }
  step(s: unknown, i: number): unknown {
    switch (this.code[i]) {
      case READ_ANY:
        return s;
      case READ:
        return s === this.a[i] ? s : -1;
      case WRITE:
        return this.a[i];
      default:
        return s === this.a[i] ? this.b[i] : -1;
    }
  }
  same(x: unknown, y: unknown): boolean {
    return x === y;
  }
  stateId(s: unknown): number {
    return s as number;
  }
  stateBytes(): number {
    return this.values.length * 16;
  }
  describe(s: unknown): string {
    return shortText(this.values[s as number], 200);
  }
  twinKey(i: number): string {
    return `${this.code[i]},${this.a[i]},${this.b[i]}`;
  }
}

const ILLEGAL = Symbol('illegal');

function modelKernel(part: Part, model: Model<any>): Kernel {
  const ops = linOps(part);
  const hash = model.hash ? (s: unknown) => model.hash!(s) : hashValue;
  const equal = model.equal ? (x: unknown, y: unknown) => x === y || model.equal!(x, y) : valueEquals;
  const pure = new Uint8Array(part.n);
  if (model.pure) for (let i = 0; i < part.n; i++) pure[i] = model.pure(ops[i]) ? 1 : 0;
  const init = model.init();
  const step = (s: unknown, i: number): unknown => {
    const r = model.step(s, ops[i]);
    return r[0] ? r[1] : ILLEGAL;
  };
  // Interned states: open addressing over (hash, id); states kept in an array by id.
  const states: unknown[] = [];
  const hashes: number[] = [];
  let table = new Int32Array(64).fill(-1);
  let bytes = 0;
  const stateId = (s: unknown): number => {
    const h = hash(s) | 0;
    let mask = table.length - 1;
    let i = (Math.imul(h, 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      const id = table[i];
      if (id < 0) break;
      if (hashes[id] === h && equal(states[id], s)) return id;
      i = (i + 1) & mask;
    }
    const id = states.length;
    states.push(s);
    hashes.push(h);
    bytes += 32 + approxBytes(s);
    if (states.length * 2 > table.length) {
      table = new Int32Array(table.length * 2).fill(-1);
      mask = table.length - 1;
      for (let k = 0; k < states.length; k++) {
        let j = (Math.imul(hashes[k], 0x9e3779b1) >>> 0) & mask;
        while (table[j] >= 0) j = (j + 1) & mask;
        table[j] = k;
      }
    } else table[i] = id;
    return id;
  };
  const describe = model.describe ? (s: unknown) => String(model.describe!(s)) : (s: unknown) => shortText(s, 200);
  return {
    illegal: ILLEGAL,
    init,
    step,
    pure,
    same: (x, y) => x === y || equal(x, y),
    stateId,
    stateBytes: () => bytes + table.length * 4,
    describe: (s) => {
      const d = describe(s);
      return d.length > 400 ? `${d.slice(0, 400)}… (${d.length} characters)` : d;
    },
    twinKey: (i) => `${ops[i].f}\u0000${canonical(ops[i].input)}${model.usesProcess ? `\u0000${canonical(ops[i].process)}` : ''}`,
  };
}

/** A rough size of a state, for the memory budget: its canonical text (two bytes a character),
 *  measured once per distinct state. */
function approxBytes(s: unknown): number {
  if (s === null || typeof s !== 'object') return typeof s === 'string' ? 2 * s.length : 8;
  try {
    return 2 * canonical(s).length;
  } catch {
    return 1024;
  }
}

/** A part's ops as a model's step sees them (register parts decompiled). */
export function linOps(part: Part): LinOp[] {
  const ops: LinOp[] = new Array(part.n);
  const r = part.reg;
  for (let i = 0; i < part.n; i++) {
    if (r) {
      const c = r.code[i];
      const v = (k: number) => r.values[k];
      ops[i] =
        c === WRITE ? { f: 'write', input: v(r.a[i]), output: undefined, process: 0 }
        : c === CAS ? { f: 'cas', input: [v(r.a[i]), v(r.b[i])], output: undefined, process: 0 }
        : { f: 'read', input: null, output: c === READ ? v(r.a[i]) : null, process: 0 };
    } else ops[i] = { f: part.f![i], input: part.input![i], output: part.output![i], process: part.process![i] };
  }
  return ops;
}
