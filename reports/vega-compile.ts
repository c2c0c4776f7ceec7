// Vega-Lite specs compiled to Vega here, in Node, so the page needs only Vega and vega-embed
// (not the Vega-Lite compiler: a quarter less script to parse, and no compile per chart in the
// browser). Inline datasets then travel as columns ({$columns: {x: [...]}}), which the page
// expands, to keep the report small.
import { compile, type TopLevelSpec } from 'vega-lite';

type Json = Record<string, unknown>;

/** Rows of flat objects → columns (rows whose keys differ from the first are kept as rows). */
function toColumns(rows: unknown[]): Json | null {
  if (!rows.length || !rows.every((r) => r && typeof r === 'object' && !Array.isArray(r))) return null;
  const keys = Object.keys(rows[0] as Json);
  const cols: Record<string, unknown[]> = Object.fromEntries(keys.map((k) => [k, [] as unknown[]]));
  for (const r of rows as Json[]) {
    if (Object.keys(r).length !== keys.length) return null;
    for (const k of keys) {
      if (!Object.hasOwn(r, k)) return null;
      cols[k].push(r[k]);
    }
  }
  return cols;
}

export function compileSpec(vlSpec: Json): Json {
  const spec = compile(vlSpec as unknown as TopLevelSpec).spec as unknown as Json;
  for (const d of (Array.isArray(spec.data) ? spec.data : []) as Json[]) {
    if (!Array.isArray(d.values)) continue;
    const cols = toColumns(d.values);
    if (cols) {
      delete d.values;
      d.$columns = cols;
    }
  }
  return spec;
}
