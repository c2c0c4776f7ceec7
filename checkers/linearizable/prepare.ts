// From a history to the independent parts the search checks, in one pass: invocations paired with
// their completions (a completion with no invocation, a second invocation of a busy process, or a
// completion of another f is refused), ops split by the key they name (P-compositionality),
// failed ops dropped, indeterminate reads dropped (they constrain nothing), and each op checked
// against the model: a history that does not fit is refused with the first op that does not fit.
// Each part is a few flat arrays that can be sent to a worker thread.
import type { History, Op } from '../../src/types.ts';
import { canonical } from '../../src/util/values.ts';
import { shortText } from '../../src/util/safe-text.ts';
import { HistoryMismatchError, opRef } from './errors.ts';
import { keyedValue, REGISTER_KERNEL, type Model, type RegisterKernelSpec } from './models.ts';
import { RegisterBuilder, ValueBuilder, type Part } from './part-builders.ts';

export type { Part } from './part-builders.ts';

/** Open invocations by process: a dense table for small integer processes, a Map otherwise. */
class OpenTable {
  private dense = new Int32Array(64).fill(-1);
  private readonly other = new Map<unknown, number>();
  get(p: unknown): number {
    if (typeof p === 'number' && p >= 0 && p < this.dense.length && Number.isInteger(p)) return this.dense[p];
    return this.other.get(p) ?? -1;
  }
  set(p: unknown, v: number): void {
    if (typeof p === 'number' && p >= 0 && p < 1 << 20 && Number.isInteger(p)) {
      if (p >= this.dense.length) {
        const b = new Int32Array(Math.max(p + 1, this.dense.length * 2)).fill(-1);
        b.set(this.dense);
        this.dense = b;
      }
      this.dense[p] = v;
    } else if (v < 0) this.other.delete(p);
    else this.other.set(p, v);
  }
}

const busyError = (model: string, history: History, op: Op, busy: number) =>
  new HistoryMismatchError(model, opRef(op), `process ${shortText(op.process)} invoked again while its op at index ${history[busy].index} had not completed`);
const otherFError = (model: string, history: History, op: Op, inv: number) =>
  new HistoryMismatchError(model, opRef(op), `completes the ${shortText(history[inv].f, 40)} invoked at index ${history[inv].index} as another f`);

/** Splits a history into parts by the model's keyOf (one part when it has none) and checks each
 *  op against the model. With check false, the model's code is not called here (a user's model
 *  runs only where a deadline can stop it). */
export function prepare(history: History, model: Model<any>, opts: { check?: boolean; split?: boolean } = {}): Part[] {
  const name = model.name;
  const keyOf = opts.split === false ? undefined : model.keyOf;
  const fastKeyed = keyOf === keyedValue;
  const reg = (model as { [REGISTER_KERNEL]?: RegisterKernelSpec })[REGISTER_KERNEL];
  const regFs = reg?.cas ? 'read, write and cas' : 'read and write';
  const check = opts.check !== false;
  const builders: Array<RegisterBuilder | ValueBuilder> = [];
  const byText = new Map<string, RegisterBuilder | ValueBuilder>();
  // Keys are mostly small integers: those find their part by index.
  const bySmall: Array<RegisterBuilder | ValueBuilder | undefined> = [];
  const part = (keyed: boolean, key: unknown) => {
    const small = keyed && typeof key === 'number' && key >= 0 && key < 4096 && Number.isInteger(key);
    if (small && bySmall[key as number]) return bySmall[key as number]!;
    const text = !keyed ? '*' : typeof key === 'number' && Number.isSafeInteger(key) ? String(key) : canonical(key);
    let b = byText.get(text);
    if (!b) {
      b = reg ? new RegisterBuilder(text, builders.length, reg, regFs) : new ValueBuilder(text, builders.length, model, check);
      b.keyValue = key;
      builders.push(b);
      byText.set(text, b);
    }
    if (small) bySmall[key as number] = b;
    return b;
  };
  // The key and value of the op at hand, when its value names a key (no allocation per op).
  let kKey: unknown;
  let kValue: unknown;
  const split = (v: unknown): boolean => {
    if (fastKeyed) {
      if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Map || !Object.hasOwn(v, 'key')) return false;
      kKey = (v as { key: unknown }).key;
      kValue = Object.hasOwn(v, 'value') ? (v as { value: unknown }).value : null;
      return true;
    }
    const k = keyOf ? keyOf(v) : undefined;
    if (!k) return false;
    kKey = k.key;
    kValue = k.value;
    return true;
  };
  const open = new OpenTable();
  // For each invocation: its part and its number there.
  const partNo = new Int32Array(history.length);
  const idOf = new Int32Array(history.length);
  for (let i = 0; i < history.length; i++) {
    const op = history[i];
    const p = op.process;
    if (p === 'nemesis') continue;
    const v = op.value;
    const type = op.type;
    if (type === 'invoke') {
      const busy = open.get(p);
      if (busy >= 0) throw busyError(name, history, op, busy);
      const keyed = keyOf !== undefined && split(v);
      const b = part(keyed, keyed ? kKey : undefined);
      open.set(p, i);
      partNo[i] = b.no;
      idOf[i] = b.invoke(i, op.f, keyed ? kValue : v, p);
      continue;
    }
    if (type !== 'ok' && type !== 'fail' && type !== 'info') throw new HistoryMismatchError(name, opRef(op), `an op of type ${shortText(type, 40)} (types are invoke, ok, fail and info)`);
    const inv = open.get(p);
    if (inv < 0) throw new HistoryMismatchError(name, opRef(op), 'a completion with no invocation before it');
    if (history[inv].f !== op.f) throw otherFError(name, history, op, inv);
    open.set(p, -1);
    const b = builders[partNo[inv]];
    const id = idOf[inv];
    if (type === 'ok') {
      let output = v;
      if (b.key !== '*' && split(v)) {
        if (kKey !== b.keyValue && canonical(kKey) !== b.key) throw new HistoryMismatchError(name, opRef(op), `completes on key ${shortText(kKey)} an op invoked on key ${b.key} at index ${history[inv].index}`);
        output = kValue;
      }
      b.complete(id, i, output);
    } else if (type === 'fail') b.fail(id);
  }
  const parts = builders.map((b) => b.finish());
  const bad = builders.reduce((m, b) => (b.mismatch && (!m || b.mismatch.at < m.at) ? b.mismatch : m), builders[0]?.mismatch);
  if (bad) throw new HistoryMismatchError(name, opRef(history[bad.at]), bad.reason);
  return parts;
}

/** The parts of a history for a model: split by its keyOf, or by its own partition function
 *  (each part's positions mapped back to the whole history by the ops' index fields). */
export function partsOf(history: History, model: Model<any>): Part[] {
  if (!model.partition || model.keyOf) return prepare(history, model);
  const parts: Part[] = [];
  for (const p of model.partition(history)) {
    const got = prepare(p.history, model, { split: false })[0];
    if (!got) continue;
    const global = (pos: number) => {
      const idx = p.history[pos].index;
      return Number.isInteger(idx) && idx >= 0 && idx < history.length ? idx : pos;
    };
    for (let i = 0; i < got.n; i++) {
      got.invokeIndex[i] = global(got.invokeIndex[i]);
      if (got.completeIndex[i] >= 0) got.completeIndex[i] = global(got.completeIndex[i]);
    }
    parts.push({ ...got, key: typeof p.key === 'string' ? p.key : shortText(p.key) });
  }
  return parts;
}
