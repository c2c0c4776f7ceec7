// The self-contained HTML report (DESIGN.md §8): verdict banner, each checker's result with its
// anomalies, Vega-Lite charts with fault bands, the options and seed. Works offline from file://.
import type { ReportInput } from '../src/run.ts';
import type { CheckResult } from '../src/types.ts';
import { vegaScripts } from './assets.ts';
import { chartData, chartSpecs } from './charts.ts';
import { escapeHtml as h, scriptJson } from './escape.ts';
import { timelineSpec } from './timeline.ts';
import type { WindowOp } from '../checkers/linearizable/check.ts';

const VERDICT: Record<string, { text: string; cls: string }> = {
  true: { text: 'VALID', cls: 'valid' },
  false: { text: 'INVALID', cls: 'invalid' },
  unknown: { text: 'UNKNOWN', cls: 'unknown' },
};

const MAX_ROWS = 50;

function badge(v: unknown): string {
  const s = VERDICT[String(v)] ?? VERDICT.unknown;
  return `<span class="badge ${s.cls}">${s.text}</span>`;
}

function scalar(v: unknown): boolean {
  return v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v);
}

/** Renders any checker result: scalars as a list, arrays of records as tables, the rest as JSON. */
export function renderValue(v: unknown, depth = 0): string {
  if (v === undefined) return '<em>unset</em>';
  if (scalar(v)) return `<code>${h(typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v))}</code>`;
  if (Array.isArray(v)) {
    if (v.length === 0) return '<em>none</em>';
    if (v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) return table(v as Record<string, unknown>[]);
    return `<code>${h(JSON.stringify(v).slice(0, 2000))}</code>`;
  }
  if (depth > 2) return `<pre>${h(JSON.stringify(v, null, 1).slice(0, 4000))}</pre>`;
  const entries = Object.entries(v as Record<string, unknown>);
  return `<dl>${entries.map(([k, x]) => `<dt>${h(k)}</dt><dd>${renderValue(x, depth + 1)}</dd>`).join('')}</dl>`;
}

function table(rows: Record<string, unknown>[]): string {
  const cols = [...new Set(rows.slice(0, MAX_ROWS).flatMap((r) => Object.keys(r)))];
  const body = rows
    .slice(0, MAX_ROWS)
    .map((r) => `<tr>${cols.map((c) => `<td>${scalar(r[c]) ? h(r[c] ?? '') : h(JSON.stringify(r[c]))}</td>`).join('')}</tr>`)
    .join('');
  const more = rows.length > MAX_ROWS ? `<p class="more">… and ${rows.length - MAX_ROWS} more</p>` : '';
  return `<table><thead><tr>${cols.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>${more}`;
}

/** The headline figures of a checker, for the summary at the top. */
function headline(name: string, r: CheckResult): string {
  const bits: string[] = [];
  for (const k of ['lost-updates', 'error-count', 'reason', 'error']) {
    if (r[k] !== undefined && r[k] !== 0) bits.push(`${k}: ${typeof r[k] === 'string' ? r[k] : JSON.stringify(r[k])}`);
  }
  return `<li>${badge(r.valid)} <b>${h(name)}</b> ${h(bits.join(' · '))}</li>`;
}

const DEFAULT_WINDOW_TITLE = 'Counterexample: the op that could not be linearized (red) and the ops around it';

/** Timelines to draw: a checker's own counterexample window, and those of the checkers it composes. */
function windowsOf(name: string, r: CheckResult): Array<{ id: string; title: string; window: WindowOp[] }> {
  const one = (id: string, x: Record<string, unknown>) =>
    Array.isArray(x.window) && x.window.length
      ? [{ id, title: typeof x['window-title'] === 'string' ? x['window-title'] : DEFAULT_WINDOW_TITLE, window: x.window as WindowOp[] }]
      : [];
  const nested = Object.entries(r).flatMap(([k, sub]) =>
    sub && typeof sub === 'object' && !Array.isArray(sub) ? one(`timeline-${name}-${k}`, sub as Record<string, unknown>) : []);
  return [...one(`timeline-${name}`, r), ...nested];
}

export function renderReport(input: ReportInput): string {
  const { test, results, history, perf } = input;
  const checkers = Object.entries(results).filter(([k, v]) => k !== 'valid' && v && typeof v === 'object') as Array<[string, CheckResult]>;
  // Charts over time need real timestamps (imported histories may have none: time = index).
  const timed = history.some((op) => op.time !== op.index);
  const specs: Record<string, unknown> = timed ? chartSpecs(chartData(history, perf), perf) : {};
  const fromRun = test.nodes.length > 0;
  for (const [n, r] of checkers) for (const w of windowsOf(n, r)) specs[w.id] = timelineSpec(w.window);
  const v = VERDICT[String(results.valid)] ?? VERDICT.unknown;
  const title = `${test.name} ${test.runId}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${h(title)} — ${v.text}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{padding:18px 28px;color:#fff}
header.valid{background:#1f7a3d}header.invalid{background:#b3261e}header.unknown{background:#8a6d00}
header h1{margin:0;font-size:26px}header p{margin:4px 0 0;opacity:.9}
main{padding:8px 28px 40px;max-width:1200px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px 18px;margin:16px 0}
h2{font-size:17px;margin:4px 0 10px}
.badge{display:inline-block;padding:1px 7px;border-radius:3px;font-size:12px;font-weight:600;color:#fff}
.badge.valid{background:#1f7a3d}.badge.invalid{background:#b3261e}.badge.unknown{background:#8a6d00}
ul.summary{list-style:none;padding:0}ul.summary li{margin:4px 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:4px 0}dt{color:#5a6272}dd{margin:0}
table{border-collapse:collapse;font-size:12.5px;margin:4px 0}th,td{border:1px solid #dde1e6;padding:2px 7px;text-align:left}
th{background:#f0f2f5}pre{background:#f0f2f5;padding:6px;overflow:auto;max-height:300px}.more{color:#5a6272}
.chart{width:100%}
</style></head>
<body>
<header class="${v.cls}"><h1>${h(test.name)}: ${v.text}</h1>
<p>${fromRun ? `run ${h(test.runId)} · seed ${h(test.seed)} · ${h(test.nodes.length)} nodes · concurrency ${h(test.concurrency)} · ${h(history.length)} ops · replay with <code>--seed ${h(test.seed)}</code>` : `${h(history.length)} events from ${h(test.runId)} · ${h(test.concurrency)} processes`}</p></header>
<main>
<section><h2>Verdict by checker</h2><ul class="summary">${checkers.map(([n, r]) => headline(n, r)).join('')}</ul></section>
${timed ? `<section><h2>Latency over time</h2><div id="latency" class="chart"></div></section>
<section><h2>Throughput over time</h2><div id="throughput" class="chart"></div></section>
<section><h2>Latency quantiles</h2><div id="quantiles" class="chart"></div></section>` : ''}
${specs.clock ? `<section><h2>Node clock offsets</h2><div id="clock" class="chart"></div></section>` : ''}
${checkers.map(([n, r]) => `<section id="checker-${h(n)}"><h2>${badge(r.valid)} ${h(n)}</h2>${windowsOf(n, r).map((w) => `<h3>${h(w.title)}</h3><div id="${h(w.id)}" class="chart"></div>`).join('')}${renderValue(r)}</section>`).join('\n')}
<section><h2>Options</h2>${renderValue(test.opts)}</section>
</main>
<script type="application/json" id="specs">${scriptJson(specs)}</script>
${vegaScripts()}
<script>
(function () {
  var specs = JSON.parse(document.getElementById('specs').textContent);
  Object.keys(specs).forEach(function (id) {
    var el = document.getElementById(id);
    if (el && window.vegaEmbed) vegaEmbed(el, specs[id], { actions: false, renderer: 'svg' }).catch(function (e) { el.textContent = 'chart failed: ' + e; });
  });
})();
</script>
</body></html>
`;
}
