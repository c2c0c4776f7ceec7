// The arrays of one part, built op by op as the history is read. Two kinds:
// - values: the ops' f, input and output as they are, for a model's own step;
// - registers: for the built-in registers, each op compiled at once to a code and interned
//   values (small integers), so the search compares integers and a worker receives typed arrays
//   only. Compiling is also where a register op that does not fit is found.
// Either way, failed ops and indeterminate pure ops are dropped when the part is finished, and
// the first op that does not fit the model is reported.
import { canonical } from '../../src/util/values.ts';
import { shortText } from '../../src/util/safe-text.ts';
import type { LinOp, Model, RegisterKernelSpec } from './models.ts';

export const READ_ANY = 0;
export const READ = 1;
export const WRITE = 2;
export const CAS = 3;

/** A register part's ops: code, and value ids (a: write value, read value or cas from; b: cas to). */
export interface RegisterOps {
  code: Uint8Array;
  a: Int32Array;
  b: Int32Array;
  /** Distinct values by id; id 0 is the initial value. */
  values: unknown[];
}

/** One independent part of a history, as the search reads it. Op i has a call event and, when
 *  its outcome is known, a return event; events are in real-time (history) order. */
export interface Part {
  /** The key, as text for people ('*' when the ops name no key). */
  key: string;
  n: number;
  /** op << 1 for a call, op << 1 | 1 for a return. */
  events: Int32Array;
  /** Positions in the history of each op's invocation and completion (-1: outcome unknown). */
  invokeIndex: Int32Array;
  completeIndex: Int32Array;
  /** The ops as the model's step sees them (values parts). */
  f?: string[];
  input?: unknown[];
  output?: unknown[];
  process?: Array<number | string>;
  /** The ops compiled (register parts). */
  reg?: RegisterOps;
}

export interface Mismatch {
  at: number;
  reason: string;
}

/** A bigger copy: four times as big while small, twice past 64k (fewer copies in all). */
function grow<T extends Int32Array | Uint8Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * (a.length < 65536 ? 4 : 2));
  b.set(a);
  return b;
}

abstract class Builder {
  n = 0;
  nEvents = 0;
  events: Int32Array = new Int32Array(2048);
  invokeIndex: Int32Array = new Int32Array(1024);
  completeIndex: Int32Array = new Int32Array(1024);
  /** 1: failed (dropped); 2: does not fit the model (dropped, reported). */
  dropped: Uint8Array = new Uint8Array(1024);
  mismatch: Mismatch | undefined;
  /** The key as it appeared in the history (for a quick comparison with completions'). */
  keyValue: unknown;
  constructor(readonly key: string, readonly no: number) {}

  protected open(i: number): number {
    const id = this.n++;
    if (id === this.invokeIndex.length) {
      this.invokeIndex = grow(this.invokeIndex);
      this.completeIndex = grow(this.completeIndex);
      this.dropped = grow(this.dropped);
    }
    this.invokeIndex[id] = i;
    this.completeIndex[id] = -1;
    this.event(id << 1);
    return id;
  }

  protected event(ev: number): void {
    if (this.nEvents === this.events.length) this.events = grow(this.events);
    this.events[this.nEvents++] = ev;
  }

  protected refuse(id: number, at: number, reason: string): void {
    this.dropped[id] = 2;
    if (!this.mismatch || at < this.mismatch.at) this.mismatch = { at, reason };
  }

  fail(id: number): void {
    if (this.dropped[id] === 0) this.dropped[id] = 1;
  }

  /** Records an ok completion. */
  complete(id: number, i: number, output: unknown): void {
    this.completeIndex[id] = i;
    this.event((id << 1) | 1);
    this.completed(id, i, output);
  }

  abstract invoke(i: number, f: string, input: unknown, process: number | string): number;
  protected abstract completed(id: number, i: number, output: unknown): void;
  /** Whether a kept op is dropped anyway (an indeterminate pure op); may refuse it. */
  protected abstract drop(id: number): boolean;
  protected abstract keepOps(keep: Uint8Array, kept: number): Pick<Part, 'f' | 'input' | 'output' | 'process' | 'reg'>;

  finish(): Part {
    const keep = new Uint8Array(this.n);
    let kept = 0;
    for (let id = 0; id < this.n; id++) {
      if (this.dropped[id] !== 0 || this.drop(id)) continue;
      keep[id] = 1;
      kept++;
    }
    const renumber = new Int32Array(this.n).fill(-1);
    const invokeIndex = new Int32Array(kept);
    const completeIndex = new Int32Array(kept);
    for (let id = 0, k = 0; id < this.n; id++) {
      if (!keep[id]) continue;
      renumber[id] = k;
      invokeIndex[k] = this.invokeIndex[id];
      completeIndex[k++] = this.completeIndex[id];
    }
    const events = new Int32Array(2 * kept);
    let ne = 0;
    for (let k = 0; k < this.nEvents; k++) {
      const ev = this.events[k];
      const r = renumber[ev >> 1];
      if (r >= 0) events[ne++] = (r << 1) | (ev & 1);
    }
    return { key: this.key, n: kept, events: events.subarray(0, ne).slice(), invokeIndex, completeIndex, ...this.keepOps(keep, kept) };
  }
}

/** Ops kept as they are, checked against the model when finished. */
export class ValueBuilder extends Builder {
  f: string[] = [];
  input: unknown[] = [];
  output: unknown[] = [];
  process: Array<number | string> = [];
  constructor(key: string, no: number, private readonly model: Model<any>, private readonly check: boolean) {
    super(key, no);
  }

  invoke(i: number, f: string, input: unknown, process: number | string): number {
    const id = this.open(i);
    this.f.push(f);
    this.input.push(input);
    this.output.push(undefined);
    this.process.push(process);
    return id;
  }

  protected completed(id: number, _i: number, output: unknown): void {
    this.output[id] = output;
  }

  private readonly scratch: LinOp = { f: '', input: undefined, output: undefined, process: 0 };
  protected drop(id: number): boolean {
    if (!this.check) return false;
    const op = this.scratch;
    op.f = this.f[id];
    op.input = this.input[id];
    op.output = this.output[id];
    op.process = this.process[id];
    const determinate = this.completeIndex[id] >= 0;
    const why = this.model.check?.(op);
    if (why !== undefined) {
      op.output = undefined;
      const blame = determinate && this.model.check!(op) === undefined ? this.completeIndex[id] : this.invokeIndex[id];
      this.refuse(id, blame, why);
      return true;
    }
    return !determinate && Boolean(this.model.pure?.(op));
  }

  protected keepOps(keep: Uint8Array, kept: number): Pick<Part, 'f' | 'input' | 'output' | 'process'> {
    if (kept === this.n) return { f: this.f, input: this.input, output: this.output, process: this.process };
    const pick = <T>(a: T[]) => a.filter((_, id) => keep[id] === 1);
    return { f: pick(this.f), input: pick(this.input), output: pick(this.output), process: pick(this.process) };
  }
}

/** Register ops compiled as they are read. */
export class RegisterBuilder extends Builder {
  code: Uint8Array = new Uint8Array(1024);
  a: Int32Array = new Int32Array(1024);
  b: Int32Array = new Int32Array(1024);
  readonly values: unknown[] = [];
  private readonly prim = new Map<unknown, number>();
  private readonly objs = new Map<string, number>();
  constructor(key: string, no: number, private readonly spec: RegisterKernelSpec, private readonly fs: string) {
    super(key, no);
    this.intern(spec.init);
  }

  private readonly small = new Int32Array(256).fill(-1);
  /** The id of a value: equal values (valueEquals) share one. */
  private intern(v: unknown): number {
    if (typeof v === 'number' && v >= 0 && v < 256 && (v | 0) === v) {
      const id = this.small[v];
      if (id >= 0) return id;
      return (this.small[v] = this.internAny(v));
    }
    return this.internAny(v);
  }

  private internAny(v: unknown): number {
    if (v === undefined) v = null;
    if (typeof v === 'bigint' && Number.isSafeInteger(Number(v))) v = Number(v);
    let id: number | undefined;
    if (v !== null && typeof v === 'object') {
      const c = canonical(v);
      id = this.objs.get(c);
      if (id === undefined) this.objs.set(c, (id = this.values.push(v) - 1));
    } else {
      id = this.prim.get(v);
      if (id === undefined) this.prim.set(v, (id = this.values.push(v) - 1));
    }
    return id;
  }

  invoke(i: number, f: string, input: unknown): number {
    const id = this.open(i);
    if (id === this.code.length) {
      this.code = grow(this.code);
      this.a = grow(this.a);
      this.b = grow(this.b);
    }
    if (f === 'read') this.code[id] = READ;
    else if (f === 'write') {
      this.code[id] = WRITE;
      this.a[id] = this.intern(input);
    } else if (f === 'cas' && this.spec.cas) {
      this.code[id] = CAS;
      if (Array.isArray(input) && input.length === 2) {
        this.a[id] = this.intern(input[0]);
        this.b[id] = this.intern(input[1]);
      } else this.refuse(id, i, 'a cas takes a [from, to] pair');
    } else this.refuse(id, i, `the model knows no f ${shortText(f, 40)} (it takes ${this.fs})`);
    return id;
  }

  protected completed(id: number, _i: number, output: unknown): void {
    if (this.code[id] !== READ) return;
    if (output === undefined || output === null) {
      if (this.spec.nilReadIsUnknown) this.code[id] = READ_ANY;
      else this.a[id] = this.intern(null);
    } else this.a[id] = this.intern(output);
  }

  protected drop(id: number): boolean {
    // A read with no known outcome says nothing.
    return this.completeIndex[id] < 0 && this.code[id] === READ;
  }

  protected keepOps(keep: Uint8Array, kept: number): Pick<Part, 'reg'> {
    if (kept === this.n) return { reg: { code: this.code.slice(0, kept), a: this.a.slice(0, kept), b: this.b.slice(0, kept), values: this.values } };
    const code = new Uint8Array(kept);
    const a = new Int32Array(kept);
    const b = new Int32Array(kept);
    for (let id = 0, k = 0; id < this.n; id++) {
      if (!keep[id]) continue;
      code[k] = this.code[id];
      a[k] = this.a[id];
      b[k++] = this.b[id];
    }
    return { reg: { code, a, b, values: this.values } };
  }
}
