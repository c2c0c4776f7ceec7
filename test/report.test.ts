import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { renderReport } from '../reports/render.ts';
import { chartData } from '../reports/charts.ts';
import { preview, short } from '../reports/bounded.ts';
import { rawJson } from '../reports/raw.ts';
import { faultIntervals } from '../reports/explain/faults.ts';
import { checkPerf } from '../checkers/perf.ts';
import type { Op, RunOptions } from '../src/types.ts';
import { checkRun, counterWorkload, hostileErrors, reportInput, simulateRegister } from './report-fixtures.ts';
import { HOSTILE, hostileHistory, hostileOp } from './report-hostile.ts';

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

/** The page outside its JSON data blocks and our own scripts: where markup could be injected. */
function markup(html: string): string {
  return html.replace(/<script type="application\/json" id="[a-z-]+">[^<]*<\/script>/g, '').replace(/<script>[\s\S]*?<\/script>/g, '');
}

test('every value from the history and results is escaped', () => {
  const html = render();
  assert.ok(!markup(html).includes('<img src=x'), 'no injected element');
  assert.ok(html.includes('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'), 'shown as text');
  // Only the scripts we wrote: two libraries and the viewer, and two JSON data blocks.
  assert.equal((html.match(/<script/g) ?? []).length, 5);
  assert.equal((html.match(/<script type="application\/json"/g) ?? []).length, 2);
});

test('the report is self-contained, and its CSP allows nothing from the network', () => {
  const html = render();
  assert.ok(!/<(script|link|img|iframe)[^>]+(src|href)=/i.test(markup(html)));
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp, 'a CSP meta tag');
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-eval|https?:|\*/);
  assert.doesNotMatch(csp.match(/script-src[^;]*/)![0], /unsafe-inline/, 'scripts by hash only');
  // Every executable inline script is allowed by its hash, and nothing else is.
  const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].length;
  assert.equal((csp.match(/'sha256-/g) ?? []).length, hashes);
  assert.match(html, /INVALID/);
});

test('fault bands run from the start op completing to the stop op completing', () => {
  const faults = faultIntervals(history, perf);
  assert.deepEqual(faults.map((f) => [f.name, f.start, f.end]), [['partition', 1.1e9, 3.5e9]]);
  assert.deepEqual(checkPerf(history, perf).bands, [{ name: 'partition', color: '#f00', start: 1.1, end: 3.5 }]);
  const d = chartData(history, faults);
  assert.deepEqual(d.bands, [{ name: 'partition', start: 1.1, end: 3.5, text: 'a partition fault' }]);
  const rates = (series: string) => d.throughput.filter((t) => t.series === series).map((t) => t.rate);
  assert.equal(d.binSeconds, 0.1);
  assert.equal(rates('add fail').length, 37, 'one bin per 0.1 s from the first op to the last');
  assert.deepEqual(rates('add fail').filter((r) => r !== 0), [10], 'bins without ops are zero, not skipped; the rate is per second');
  assert.equal(rates('add fail')[0], 10);
  assert.equal(rates('read ok')[36], 10);
});

test('charts are bounded whatever the times: the axis spans the data, bins and points are capped', () => {
  for (const late of [1e12, 1e15, 1e300, Number.MAX_VALUE]) {
    const h = simulateRegister({ ops: 3000 });
    h.push({ index: h.length, time: late, type: 'invoke', process: 99, f: 'read', value: { key: 0, value: null } });
    h.push({ index: h.length, time: late, type: 'ok', process: 99, f: 'read', value: { key: 0, value: null } });
    const d = chartData(h, faultIntervals(h, perf));
    assert.ok(d.throughput.length <= 11 * 152, `${late}: ${d.throughput.length} throughput rows`);
    assert.ok(d.points.length <= 4000);
    assert.ok(Number.isFinite(d.domain[1]) && d.domain[1] >= late / 1e9 * 0.999, 'the axis reaches the late op');
    assert.ok(d.throughput.every((r) => Number.isFinite(r.time as number) && Number.isFinite(r.rate as number)));
  }
  // Bins start from the first op (not from 0).
  const h = simulateRegister({ ops: 500 }).map((op) => ({ ...op, time: op.time + 100e9 }));
  const d = chartData(h, []);
  assert.ok((d.throughput[0].time as number) >= 99.9);
  assert.ok(new Set(d.throughput.map((r) => r.time)).size <= 62);
});

test('values are shown bounded, with their full length', () => {
  assert.deepEqual(preview('x'.repeat(10), 4), { text: '"xxx', length: 12, truncated: true });
  assert.equal(short({ a: 'y'.repeat(1000) }, 10), '{"a":"yyyy… (1,008 characters)');
  assert.equal(short(12345678901234567890n), '12345678901234567890');
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.ok(preview(deep, 20).text.startsWith('[[[[['), 'no stack overflow on deep values');
  const proto = JSON.parse('{"__proto__": {"polluted": "<b>"}}');
  assert.equal(short(proto), '{"__proto__":{"polluted":"<b>"}}');
  assert.ok(rawJson(deep).length < 70_000);
  assert.ok(rawJson({ big: 'z'.repeat(1e6), many: Array.from({ length: 1e5 }, (_, i) => i) }).length < 5000);
});

test('the reproductions of issue 15 give small reports', async () => {
  // A node answering with 18 distinct 8 MB error texts (was 289 MB).
  const errors = hostileErrors(18, 8 * 1024 * 1024);
  const big = renderReport(reportInput(errors, await checkRun(errors, counterWorkload, []), 'counter', []));
  assert.ok(big.length < 2_000_000, `${big.length} bytes`);
  assert.match(big, /8,388,609 characters/, 'the full length is shown');
  // One op at time 1e15 (was 93.6 MB), and at 1e300 (was out of memory).
  for (const late of [1e15, 1e300]) {
    const h = simulateRegister({ ops: 2000 });
    h[h.length - 1].time = late;
    const html = renderReport(reportInput(h, await checkRun(h)));
    assert.ok(html.length < 2_000_000, `${late}: ${html.length} bytes`);
  }
  // One 200 kB value.
  const h = simulateRegister({ ops: 1000, mutate: (op, i) => { if (i === 300 && op.process !== 'nemesis') (op.value as { value: unknown }).value = 'w'.repeat(200_000); } });
  const html = renderReport(reportInput(h, await checkRun(h)));
  assert.ok(html.length < 2_000_000);
  assert.ok(!html.includes('w'.repeat(1000)), 'the value is cut');
});

test('a long history of unique long values and errors still gives a report of a few MB', () => {
  const h: Op[] = [];
  for (let i = 0; i < 60_000; i++) {
    const v = `${i}:${'v'.repeat(1000)}`;
    h.push({ index: h.length, time: i * 1e6, type: 'invoke', process: i % 10, f: 'write', value: v });
    h.push({ index: h.length, time: i * 1e6 + 5e5, type: 'fail', process: i % 10, f: 'write', value: v, node: `n${i % 5}`, error: { text: `${i}:${'e'.repeat(1000)}` } });
  }
  const html = renderReport(reportInput(h, { valid: true, workload: { valid: true } }, 'write', []));
  assert.ok(html.length < 5_000_000, `${html.length} bytes`);
});

test('property: no history value makes the report carry markup or exceed its bound', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(hostileOp(), { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 1 }), async (ops, kind) => {
      const h = hostileHistory(ops);
      const results = await checkRun(h, kind ? counterWorkload : undefined);
      const html = renderReport(reportInput(h, results, HOSTILE.name, [], { workload: HOSTILE.name }));
      assert.ok(html.length < 2_500_000, `${html.length} bytes`);
      const page = markup(html);
      for (const bad of ['<img', '<svg onload', '<iframe', '<script>window']) assert.ok(!page.includes(bad), `raw ${bad}`);
      assert.doesNotMatch(page, /(href|src|action)\s*=\s*["']?\s*javascript:/i);
    }),
    { numRuns: 60, seed: 1515 },
  );
});
