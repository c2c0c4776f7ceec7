import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../reports/render.ts';
import { chartData } from '../reports/charts.ts';
import { checkPerf } from '../checkers/perf.ts';
import type { Op, RunOptions } from '../src/types.ts';

const evil = '</script><img src=x onerror="alert(1)">&<b>';
const perf = [{ name: 'partition', start: ['start-partition'], stop: ['stop-partition'], color: '#f00' }];
const history: Op[] = [
  { index: 0, time: 0, type: 'invoke', process: 0, f: 'add', value: 1 },
  { index: 1, time: 1e9, type: 'invoke', process: 'nemesis', f: 'start-partition', value: null },
  { index: 2, time: 1.1e9, type: 'info', process: 'nemesis', f: 'start-partition', value: null },
  { index: 3, time: 2e9, type: 'fail', process: 0, f: 'add', value: 1, error: { text: evil } },
  { index: 4, time: 3e9, type: 'invoke', process: 'nemesis', f: 'stop-partition', value: null },
  { index: 5, time: 3.5e9, type: 'info', process: 'nemesis', f: 'stop-partition', value: null },
  { index: 6, time: 3.6e9, type: 'invoke', process: 1, f: 'read', value: null },
  { index: 7, time: 3.7e9, type: 'ok', process: 1, f: 'read', value: 0 },
];

function render(): string {
  return renderReport({
    test: { name: 'counter', runId: 'r1', seed: 7, nodes: ['n1'], concurrency: 1, opts: { workload: evil } as unknown as RunOptions },
    history,
    results: { valid: false, workload: { valid: false, errors: [{ index: 3, note: evil }], reason: evil } },
    perf,
  });
}

test('every value from the history and results is escaped', () => {
  const html = render();
  assert.ok(!html.includes('<img src=x'), 'no injected element');
  assert.ok(html.includes('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'), 'shown as text');
  // Only the inline scripts we wrote: three libraries, the spec JSON and the bootstrap.
  assert.equal((html.match(/<script/g) ?? []).length, 5);
});

test('the report is self-contained: no script, style or image is fetched from the network', () => {
  const html = render();
  assert.ok(!/<(script|link|img)[^>]+(src|href)=["']?https?:/i.test(html));
  assert.match(html, /vega-lite/i);
  assert.match(html, /INVALID/);
});

test('fault bands run from the start op completing to the stop op completing', () => {
  const d = chartData(history, perf);
  assert.deepEqual(d.bands, [{ name: 'partition', color: '#f00', start: 1.1, end: 3.5 }]);
  assert.deepEqual(checkPerf(history, perf).bands, d.bands);
  const rates = (series: string) => d.throughput.filter((t) => t.series === series).map((t) => t.rate);
  assert.deepEqual(rates('add fail'), [1, 0, 0, 0], 'seconds without ops are zero, not skipped');
  assert.deepEqual(rates('read ok'), [0, 0, 0, 1]);
});
