// Dependency relationships between transactions, as bits (an edge may carry several): Adya's
// write-write, write-read and read-write (anti-)dependencies, plus the session and real-time
// orders Elle adds for the strong-session and strict models.
export const WW = 1;
export const WR = 2;
export const RW = 4;
export const PROCESS = 8;
export const REALTIME = 16;

export type RelName = 'ww' | 'wr' | 'rw' | 'process' | 'realtime';

export function relName(bit: number): RelName {
  switch (bit) {
    case WW:
      return 'ww';
    case WR:
      return 'wr';
    case RW:
      return 'rw';
    case PROCESS:
      return 'process';
    case REALTIME:
      return 'realtime';
    default:
      throw new Error(`not a single relationship: ${bit}`);
  }
}
