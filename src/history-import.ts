// Reads histories recorded anywhere: Jepsen EDN (one vector or list of events, or one event per
// top-level form) and our history.jsonl (DESIGN.md §3). The streaming reader with its limits is
// in history-read.ts, events become ops (validated and paired) in history-events.ts; this file
// keeps the entry points for whole texts and files.
import { HistoryParser, readHistory, readHistorySync, type ReadHistoryOptions } from './history-read.ts';
import type { Op } from './types.ts';

export { readHistory, readHistorySync, type ReadHistoryOptions };

export type ParseOptions = Omit<ReadHistoryOptions, 'format' | 'stdin'>;

/** Parses a Jepsen EDN history held in a string. */
export function parseEdnHistory(text: string, file: string, opts: ParseOptions = {}): Op[] {
  const p = new HistoryParser(file, { ...opts, format: 'edn' });
  p.pushText(text);
  return p.end();
}

/** Parses a JSONL history (one event per line) held in a string. */
export function parseJsonlHistory(text: string, file: string, opts: ParseOptions = {}): Op[] {
  const p = new HistoryParser(file, { ...opts, format: 'jsonl' });
  p.pushText(text);
  return p.end();
}

/** Reads a history file synchronously, by extension (.edn; .jsonl, .json, .ndjson) or, failing
 *  that, by its first non-blank character. (readHistory is the streaming, asynchronous reader,
 *  which also reads standard input.) */
export function readHistoryFile(file: string, opts: ReadHistoryOptions = {}): Op[] {
  return readHistorySync(file, opts);
}
