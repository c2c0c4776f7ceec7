// Reports rendered in a real browser (headless Chromium): the charts and timelines are drawn, an
// op's details show on hover, and no history value executes as script.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { renderReport } from '../reports/render.ts';
import type { CheckResult, Op } from '../src/types.ts';
import { Chromium, CHROMIUM, chromiumAvailable } from './report-chromium.ts';
import { checkRun, counterWorkload, hostileErrors, reportInput, simulateRegister } from './report-fixtures.ts';
import { HOSTILE, PAYLOADS, hostileHistory, hostileOp } from './report-hostile.ts';

const skip = chromiumAvailable() ? false : `${CHROMIUM} is not installed (Debian package chromium): the browser tests cannot run`;
if (skip) console.log(`# skipping the browser tests: ${skip}`);

let browser: Chromium;
let dir: string;
before(async () => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-report-'));
  browser = await Chromium.launch();
});
after(async () => {
  if (skip) return;
  await browser.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function write(html: string): string {
  const file = path.join(dir, `report-${n++}.html`);
  fs.writeFileSync(file, html);
  return file;
}

/** What a test looks at once the page has rendered. */
const PROBE = `(function () {
  var q = function (s) { return document.querySelectorAll(s); };
  var charts = {};
  Array.prototype.forEach.call(q('.chart'), function (c) { charts[c.id] = { drawn: c.getAttribute('data-drawn') === '1', error: c.getAttribute('data-error'), marks: c.querySelectorAll('svg .mark-symbol path, svg .mark-line path, svg .mark-rect path').length, bands: c.querySelectorAll('svg .mark-rect path').length }; });
  var win = q('[data-window]')[0];
  var culprit = win && win.querySelector('.tl-culprit');
  var hist = q('[data-history-timeline]')[0];
  var before = hist.querySelector('.tl-where').textContent;
  var op = hist.querySelector('.tl-op');
  op.dispatchEvent(new MouseEvent('mouseenter'));
  var histDetails = hist.querySelector('.tl-details').textContent;
  var later = hist.querySelectorAll('.tl-controls button')[1];
  later.click();
  var culpritDetails = null;
  if (culprit) { culprit.dispatchEvent(new MouseEvent('mouseenter')); culpritDetails = win.querySelector('.tl-details').textContent; }
  return {
    pwned: window.__pwned !== undefined || window.parent.__pwned !== undefined,
    title: document.title,
    injected: q('img, iframe, object, embed, [onerror], [onload], [onclick], a[href^="javascript:"]').length,
    charts: charts,
    windows: Array.prototype.map.call(q('[data-window]'), function (w) { return Number(w.getAttribute('data-drawn')); }),
    culprit: !!culprit,
    culpritDetails: culpritDetails,
    historyDrawn: Number(hist.getAttribute('data-drawn')),
    pageBefore: before,
    pageAfter: hist.querySelector('.tl-where').textContent,
    historyDetails: histDetails,
    faultBands: q('.tl-fault').length,
    topSentences: Array.prototype.map.call(q('#explanations ol.anomalies li'), function (li) { return li.textContent; }),
    width: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  };
})()`;

interface Probe {
  pwned: boolean; title: string; injected: number; charts: Record<string, { drawn: boolean; error: string | null; marks: number; bands: number }>;
  windows: number[]; culprit: boolean; culpritDetails: string | null; historyDrawn: number; pageBefore: string; pageAfter: string;
  historyDetails: string; faultBands: number; topSentences: string[]; width: number; viewport: number;
}

async function load(html: string) {
  return browser.load<Probe>(write(html), PROBE);
}

function assertDrawn(p: Probe & { value?: never }, errors: string[]) {
  assert.deepEqual(errors, [], 'no script errors, no CSP violations');
  for (const id of ['latency', 'throughput', 'quantiles']) {
    assert.ok(p.charts[id]?.drawn, `chart ${id} drawn: ${JSON.stringify(p.charts[id])}`);
    assert.ok(p.charts[id].marks > 0, `chart ${id} has marks`);
  }
  assert.ok(p.historyDrawn > 0, 'the history timeline has bars');
  assert.notEqual(p.pageBefore, p.pageAfter, 'paging moves the history timeline');
  assert.ok(p.width <= p.viewport, `the page is no wider than the window (${p.width} > ${p.viewport})`);
}

test('an invalid register report: the sentence on top, charts, the counterexample timeline with its culprit, op details on hover', { skip }, async () => {
  const h = simulateRegister({ ops: 3000, stale: true });
  const results = await checkRun(h);
  const lin = results.workload as CheckResult & { window: Array<Record<string, unknown>>; culprit: Op };
  for (const [i, w] of lin.window.entries()) Object.assign(w, { 'state-before': `state ${i}`, 'state-after': `state ${i + 1}` });
  const { value: p, errors } = await load(renderReport(reportInput(h, results)));
  assertDrawn(p, errors);
  assert.equal(p.pwned, false);
  assert.equal(p.title, 'register: INVALID');
  assert.match(p.topSentences[0], new RegExp(`process ${lin.culprit.process} read .* \\(index ${lin.culprit.index}`));
  assert.ok(p.windows[0] >= 2, 'the window timeline has the culprit and the ops around it');
  assert.ok(p.culprit, 'the culprit is marked');
  assert.match(p.culpritDetails!, /read by process \d+ on n\d/);
  assert.match(p.culpritDetails!, /invokedindex \d+ at \d+\.\d{3} s/);
  assert.match(p.culpritDetails!, /state beforestate \d+state afterstate \d+/, 'model states before and after');
  assert.match(p.historyDetails, /outcome(ok|failed|indeterminate)/);
  assert.ok(p.faultBands > 0, 'the partition is drawn behind the ops');
  assert.ok(p.charts.latency.bands > 0 && p.charts.throughput.bands > 0, 'and shaded on the charts');
});

test('no value, error, key, node, f, checker or test name from a history executes as script', { skip }, async () => {
  let k = 0;
  const pick = () => PAYLOADS[k++ % PAYLOADS.length];
  const h = simulateRegister({
    ops: 600, stale: true,
    mutate: (op) => {
      if (op.process === 'nemesis') return;
      if (op.index % 7 === 0) op.node = pick();
      if (op.index % 11 === 0 && op.type !== 'invoke') op.error = { text: pick() };
      if (op.index % 13 === 0) (op.value as Record<string, unknown>)[pick()] = pick();
    },
  });
  const results = await checkRun(h);
  const evil = PAYLOADS.join(' ');
  const input = reportInput(h, { ...results, [HOSTILE.name]: { valid: false, reason: evil, [evil]: evil } }, HOSTILE.name, undefined, { workload: evil, [evil]: evil } as never);
  const { value: p, errors } = await load(renderReport(input));
  assert.equal(p.pwned, false);
  assert.equal(p.injected, 0, 'no element from a payload exists');
  assert.equal(p.title, `${HOSTILE.name}: INVALID`);
  assertDrawn(p, errors);
});

test("issue 15's hostile reports render, bounded, with charts and timelines", { skip }, async () => {
  const errors = hostileErrors(18, 8 * 1024 * 1024);
  const late = (t: number) => {
    const h = simulateRegister({ ops: 2000, stale: true });
    h.push({ index: h.length, time: t, type: 'invoke', process: 99, f: 'read', value: { key: 0, value: null } });
    h.push({ index: h.length, time: t, type: 'ok', process: 99, f: 'read', value: { key: 0, value: null }, node: 'n1' });
    return h;
  };
  const wide = simulateRegister({ ops: 1000, mutate: (op, i) => { if (i === 300 && op.process !== 'nemesis') op.node = 'w'.repeat(200_000); } });
  const cases: Array<[string, string]> = [
    ['18 × 8 MB error texts', renderReport(reportInput(errors, await checkRun(errors, counterWorkload, []), 'counter', []))],
    ['an op at 1e15', renderReport(reportInput(late(1e15), await checkRun(late(1e15))))],
    ['an op at 1e300', renderReport(reportInput(late(1e300), await checkRun(late(1e300))))],
    ['a 200 kB node name', renderReport(reportInput(wide, await checkRun(wide)))],
  ];
  for (const [what, html] of cases) {
    assert.ok(html.length < 10_000_000, `${what}: ${html.length} bytes`);
    const { value: p, errors: errs } = await load(html);
    assert.equal(p.pwned, false);
    assertDrawn(p, errs);
  }
});

test('property, in the browser: generated hostile histories never execute script and always draw', { skip }, async () => {
  const samples = fc.sample(fc.tuple(fc.array(hostileOp(), { minLength: 5, maxLength: 40 }), fc.boolean()), { numRuns: 6, seed: 2024 });
  for (const [ops, counter] of samples) {
    const h = hostileHistory(ops);
    const html = renderReport(reportInput(h, await checkRun(h, counter ? counterWorkload : undefined), HOSTILE.name, []));
    const { value: p, errors } = await load(html);
    assert.equal(p.pwned, false);
    assert.equal(p.injected, 0);
    assert.deepEqual(errors, []);
    assert.ok(p.historyDrawn > 0);
    assert.ok(p.width <= p.viewport);
  }
});
