// The counterexample of a linearizability check drawn as a per-process timeline: one bar per op
// from invocation to completion (to the right edge when it never completed), the culprit in red.
import type { WindowOp } from '../checkers/linearizable/check.ts';

const short = (v: unknown) => {
  const s = JSON.stringify(v ?? null);
  return s.length > 24 ? `${s.slice(0, 21)}...` : s;
};

export function timelineSpec(window: readonly WindowOp[]): Record<string, unknown> {
  // Histories without timestamps (many Jepsen EDN files) are drawn by position in the history.
  const byIndex = window.every((w) => w.start === w['invoke-index']);
  const scale = byIndex ? 1 : 1e6;
  const t0 = Math.min(...window.map((w) => w.start));
  const ends = window.map((w) => w.end ?? w.start);
  const right = Math.max(...ends, ...window.map((w) => w.start)) - t0;
  const pad = Math.max(right * 0.08, 1);
  const rows = window.map((w) => ({
    process: String(w.process),
    start: (w.start - t0) / scale,
    end: w.end === null ? (right + pad) / scale : (w.end - t0) / scale,
    label: `${w.f}${w.value === null ? '' : ` ${short(w.value)}`}${w.output !== undefined && JSON.stringify(w.output) !== JSON.stringify(w.value) ? ` → ${short(w.output)}` : ''}${w.end === null ? ' (?)' : ''}`,
    outcome: w.culprit ? 'culprit' : w.type === 'info' ? 'indeterminate' : 'ok',
    index: w['invoke-index'],
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: { step: 26 },
    data: { values: rows },
    encoding: {
      y: { field: 'process', type: 'nominal', title: 'process', sort: { field: 'start', op: 'min' } },
    },
    layer: [
      {
        mark: { type: 'bar', cornerRadius: 3, height: 18 },
        encoding: {
          x: { field: 'start', type: 'quantitative', title: byIndex ? 'position in the history, from the first op in the window' : 'time since the first op in the window (ms)' },
          x2: { field: 'end' },
          color: {
            field: 'outcome', type: 'nominal', title: 'op',
            scale: { domain: ['ok', 'indeterminate', 'culprit'], range: ['#9ecae1', '#d9d9d9', '#e34a33'] },
          },
          tooltip: [{ field: 'label', title: 'op' }, { field: 'process' }, { field: 'index', title: 'invoke index' }, { field: 'start', format: '.3f' }, { field: 'end', format: '.3f' }],
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: { x: { field: 'start', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
}
