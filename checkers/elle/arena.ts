// Typed arrays carved out of one big ArrayBuffer for the duration of a check.
//
// Why: V8 runs a full mark-compact whenever ArrayBuffer ("external") memory grows by about 64 MB
// since the last one, and a full collection must mark the whole history being checked -- with a
// million transactions in the heap that takes seconds each, several times per check. Reserving
// the check's arrays in one allocation up front means at most one such collection. Untouched
// pages of the reservation cost no memory. When the reservation runs out (or outside a check),
// arrays are allocated normally.
let buf: ArrayBuffer | null = null;
let used = 0;

function carve(bytes: number): number {
  if (!buf) return -1;
  const at = (used + 7) & ~7;
  if (at + bytes > buf.byteLength) return -1;
  used = at + bytes;
  return at;
}

export function i32(n: number): Int32Array {
  const at = carve(n * 4);
  return at < 0 ? new Int32Array(n) : new Int32Array(buf!, at, n);
}

export function u8(n: number): Uint8Array {
  const at = carve(n);
  return at < 0 ? new Uint8Array(n) : new Uint8Array(buf!, at, n);
}

export function f64(n: number): Float64Array {
  const at = carve(n * 8);
  return at < 0 ? new Float64Array(n) : new Float64Array(buf!, at, n);
}

/** Runs fn with a reservation of `bytes` for i32/u8/f64 (released afterwards). Not re-entrant:
 *  fn must be synchronous. */
export function withArena<T>(bytes: number, fn: () => T): T {
  if (buf) return fn();
  try {
    buf = new ArrayBuffer(Math.max(0, Math.floor(bytes)));
  } catch {
    buf = null; // could not reserve: plain allocations
  }
  used = 0;
  try {
    return fn();
  } finally {
    buf = null;
    used = 0;
  }
}
