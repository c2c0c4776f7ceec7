// The self-contained HTML report (DESIGN.md §8): verdict banner; every anomaly as one sentence at
// the top; per checker the evidence (a timeline of the ops behind each anomaly, tables, graphs)
// and the raw result, folded; the history timeline (paged); Vega-Lite charts with fault bands;
// options and seed. Bounded whatever the history (every value clipped with its length shown,
// charts and timeline capped), and a CSP that lets nothing but our own inline scripts run.
import type { ReportInput } from '../src/run.ts';
import { pairIndex } from '../src/history.ts';
import { contentSecurityPolicy, scriptText, vegaSources } from './assets.ts';
import { clip, count } from './bounded.ts';
import { chartData, chartSpecs } from './charts.ts';
import { counterChartSpec } from './counter-chart.ts';
import { escapeHtml as h, scriptJson } from './escape.ts';
import { explainResults, faultIntervals, type Anomaly, type CheckerExplanation, type Evidence, type Explanation } from './explain/index.ts';
import { graphSvg } from './graph.ts';
import { PAGE_CSS } from './page-style.ts';
import { rawJson } from './raw.ts';
import { timelineData } from './timeline-data.ts';
import { VIEWER_JS } from './viewer.ts';
import { firstActivity, lamportDiagram, windowAround } from './lamport.ts';
import { compileSpec } from './vega-compile.ts';

export interface ReportExtras {
  /** Explanations computed already by explainResults (the run's, for its summary): not computed twice. */
  explanation?: Explanation | ReportInput['explanation'];
}

const VERDICT: Record<string, { text: string; cls: string }> = {
  true: { text: 'VALID', cls: 'valid' },
  false: { text: 'INVALID', cls: 'invalid' },
  unknown: { text: 'UNKNOWN', cls: 'unknown' },
};
const verdictOf = (v: unknown) => VERDICT[String(v)] ?? VERDICT.unknown;
const badge = (v: unknown) => `<span class="badge ${verdictOf(v).cls}">${verdictOf(v).text}</span>`;

function evidenceTable(e: Evidence): string {
  const head = e.columns.map((c) => `<th>${h(c)}</th>`).join('');
  const body = e.rows.map((r) => `<tr>${r.map((c) => `<td><div>${h(c)}</div></td>`).join('')}</tr>`).join('');
  const more = e.total > e.rows.length ? `<p class="more">${count(e.rows.length)} of ${count(e.total)} shown; the rest are in results.json and history.jsonl.</p>` : '';
  return `<h3>${h(e.title)}</h3><div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${more}`;
}

interface Page {
  index: Map<Anomaly, number>;
  specs: Record<string, unknown>;
  input: ReportInput;
  charts: number;
}

function anomalyBlock(a: Anomaly, p: Page, first: boolean): string {
  const i = p.index.get(a)!;
  const count_ = a.count !== undefined && a.count > (a.covers ?? 1) ? `<p class="more">One of ${count(a.count)} ${h(a.type)} anomalies found by this checker.</p>` : '';
  // The first window of each checker is also reachable as #timeline-<checker> (links, scripts).
  const anchor = first ? ` id="timeline-${h(a.checker.replace(/[^A-Za-z0-9_-]/g, (c) => (c === '.' ? '-' : '_')).slice(0, 80))}"` : '';
  const timeline = a.focus && a.focus.ops.length ? `<div class="timeline"${anchor} data-window="w${i}"></div>` : '';
  const graph = a.graph ? `<div class="table-wrap">${graphSvg(a.graph)}</div>` : '';
  return `<div class="anomaly" id="anomaly-${i}"><p class="sentence">${h(a.sentence)}</p>${count_}${timeline}${graph}</div>`;
}

/** Where each checker's raw result is in the composed results. */
function rawAt(results: unknown, name: string): unknown {
  let x = results;
  for (const k of name.split('.')) {
    if (!x || typeof x !== 'object' || !Object.hasOwn(x, k)) return name === 'result' ? results : undefined;
    x = (x as Record<string, unknown>)[k];
  }
  return x;
}

let sectionId = 0;

function anomalyCount(c: CheckerExplanation): string {
  const n = c.anomalies.reduce((s, a) => s + (a.count ?? 0), 0) || c.anomalies.length;
  return `${count(n)} ${n === 1 ? 'anomaly' : 'anomalies'}, described above`;
}

function checkerSection(c: CheckerExplanation, p: Page, depth: number): string {
  const id = `checker-${sectionId++}`;
  const firstWithWindow = c.anomalies.find((a) => a.focus && a.focus.ops.length);
  const own = c.parts.length ? '' : c.anomalies.map((a) => anomalyBlock(a, p, a === firstWithWindow)).join('');
  const parts = c.parts.map((x) => checkerSection(x, p, depth + 1)).join('');
  const notes = c.notes.map((n) => `<p class="note">${h(n)}</p>`).join('');
  let chart = '';
  if (c.kind === 'counter') {
    const spec = counterChartSpec(p.input.history);
    if (spec) {
      p.specs[`${id}-chart`] = spec;
      p.charts++;
      chart = `<h3>Acknowledged sum (line) against the values reads returned (points): where points fall below the line, the counter fell short</h3><div id="${id}-chart" class="chart"></div>`;
    }
  }
  const raw = c.parts.length ? '' : `<details><summary>Raw result</summary><pre>${h(rawJson(rawAt(p.input.results, c.name)))}</pre></details>`;
  const tag = depth === 0 ? 'h2' : 'h3';
  // An invalid checker's headline is its first anomaly's sentence, shown just below: not twice.
  const headline = c.anomalies.length && c.valid === false ? '' : `<p>${h(c.headline)}</p>`;
  return `<section id="${id}"><${tag}>${badge(c.valid)} <span class="checker-name">${h(clip(c.name, 80))}</span></${tag}>${headline}${own}${notes}${chart}${c.evidence.map(evidenceTable).join('')}${parts}${raw}</section>`;
}

/** Who sent what to whom around the first anomaly (or at the start): a Lamport diagram. */
function messageFlow(input: ReportInput, anomalies: ReadonlyArray<{ ops: readonly number[] }>): string {
  const net = input.net;
  if (!net?.length) return '';
  const at = anomalies.find((a) => a.ops.length)?.ops[0];
  const t = at !== undefined ? input.history[at]?.time : undefined;
  const w = t !== undefined && input.history.some((op) => op.time !== op.index) ? windowAround(t, 1e9) : firstActivity(net, 1e9);
  return `<section><h2>Messages</h2><p class="more">The messages between clients, nodes and services in one second ${t !== undefined ? 'around the first anomaly' : 'from the start of the run'} (all of them are in net.jsonl).</p>${lamportDiagram(net, { ...w, maxMessages: 300 })}</section>`;
}

export function renderReport(input: ReportInput & ReportExtras): string {
  const { test, results, history, perf } = input;
  const faults = faultIntervals(history, perf);
  const ex = (input.explanation as Explanation | undefined) ?? explainResults(results, history, perf);
  const anomalies = ex.checkers.flatMap((c) => c.anomalies);
  const p: Page = { index: new Map(anomalies.map((a, i) => [a, i])), specs: {}, input, charts: 0 };
  // Charts over time need real timestamps (imported histories may have none: time = index).
  const timed = history.some((op) => op.time !== op.index);
  if (timed) Object.assign(p.specs, chartSpecs(chartData(history, faults), perf));
  const tl = timelineData(history, pairIndex(history), faults, anomalies, timed);
  const v = verdictOf(ex.valid);
  const fromRun = test.nodes.length > 0;
  sectionId = 0;

  // One line per kind of anomaly at the top, with links to the evidence.
  const seen = new Set<string>();
  const top = anomalies.filter((a) => {
    const k = `${a.checker}\u0000${a.type}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const topList = top.length
    ? `<ol class="anomalies">${top.map((a) => `<li><span class="checker-name">${h(clip(a.checker, 60))}</span> ${h(a.sentence)}${a.count !== undefined && a.count > (a.covers ?? 1) ? ` <span class="more">(${count(a.count)} like it in all)</span>` : ''} <a href="#anomaly-${p.index.get(a)}">evidence</a></li>`).join('')}</ol>`
    : `<p>No anomalies${ex.valid === true ? '' : ', but not every check could decide'}.</p>`;
  const sections = ex.checkers.map((c) => checkerSection(c, p, 0)).join('\n');
  const windowed = tl.ops.length < tl.invocations
    ? `This report includes ${count(tl.ops.length)} of the ${count(tl.invocations)} operations (those around the anomalies); the full history is in history.jsonl.`
    : `All ${count(tl.invocations)} operations.`;
  const charts = timed ? `<section><h2>Latency over time</h2><div id="latency" class="chart"></div></section>
<section><h2>Throughput over time</h2><div id="throughput" class="chart"></div></section>
<section><h2>Latency quantiles</h2><div id="quantiles" class="chart"></div></section>
${p.specs.clock ? '<section><h2>Node clock offsets</h2><div id="clock" class="chart"></div></section>' : ''}` : '';
  const scripts = [...vegaSources(), scriptText(VIEWER_JS)];
  const runLine = fromRun
    ? `run ${h(clip(String(test.runId), 80))} · seed ${h(clip(String(test.seed), 30))} · ${h(count(test.nodes.length))} nodes · concurrency ${h(clip(String(test.concurrency), 12))} · ${h(count(history.length))} history events · replay with <code>--seed ${h(clip(String(test.seed), 30))}</code>`
    : `${h(count(history.length))} events from ${h(clip(String(test.runId), 120))} · ${h(clip(String(test.concurrency), 12))} processes`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(scripts)}">
<title>${h(clip(String(test.name), 100))}: ${v.text}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${PAGE_CSS}</style></head>
<body>
<header class="${v.cls}"><h1>${h(clip(String(test.name), 100))}: ${v.text}</h1><p>${runLine}</p></header>
<main>
<section id="explanations"><h2>${ex.valid === true ? 'What was checked' : ex.valid === false ? 'What went wrong' : 'Why there is no verdict'}</h2>${topList}
<ul class="summary">${ex.checkers.map((c) => `<li>${badge(c.valid)} <span class="checker-name">${h(clip(c.name, 60))}</span> ${c.valid === false && c.anomalies.length ? anomalyCount(c) : h(c.headline)}</li>`).join('')}</ul></section>
${sections}
<section><h2>History timeline</h2><p class="more">${h(windowed)} One row per process; bars run from invocation to completion (blue ok, orange failed, grey indeterminate, dashed never completed); faults shaded behind. Hover over or click an op for its details.</p><div class="timeline" data-history-timeline></div></section>
${charts}
${messageFlow(input, anomalies)}
<section><h2>Options</h2><pre>${h(rawJson(test.opts, { total: 20_000 }))}</pre></section>
</main>
<script type="application/json" id="specs">${scriptJson(Object.fromEntries(Object.entries(p.specs).map(([k, s]) => [k, compileSpec(s as Record<string, unknown>)])))}</script>
<script type="application/json" id="timeline-data">${scriptJson(tl)}</script>
${scripts.map((s) => `<script>${s}</script>`).join('\n')}
</body></html>
`;
}
