// The report: size and headless-Chromium render time of a 100,000-op run's report and of the
// hostile reports of issue 15 (targets: 100,000 ops under 5 MB and 2 s; hostile ones under
// 10 MB and 5 s). Render time is the page's own clock from navigation start until every chart
// and timeline is drawn (median of 3 loads in one browser, after a warm-up load), and the CPU time
// of the page's main thread meanwhile (what the render costs, whatever else the machine is doing).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderReport } from '../reports/render.ts';
import type { ReportInput } from '../src/run.ts';
import { Chromium, CHROMIUM, chromiumAvailable } from '../test/report-chromium.ts';
import { checkRun, counterWorkload, hostileErrors, reportInput, simulateRegister } from '../test/report-fixtures.ts';
import { generateCounterHistory } from './counter-checker.ts';

const late = (t: number) => {
  const h = simulateRegister({ ops: 2000, stale: true });
  h.push({ index: h.length, time: t, type: 'invoke', process: 99, f: 'read', value: { key: 0, value: null } });
  h.push({ index: h.length, time: t, type: 'ok', process: 99, f: 'read', value: { key: 0, value: null }, node: 'n1' });
  return h;
};

const CASES: Array<[string, () => Promise<ReportInput>]> = [
  ['register, 100,000 ops, one stale read', async () => { const h = simulateRegister({ ops: 100_000, stale: true }); return reportInput(h, await checkRun(h)); }],
  ['counter, 100,000 ops', async () => { const h = generateCounterHistory(200_000); return reportInput(h, await checkRun(h, counterWorkload, []), 'counter', []); }],
  ['18 distinct 8 MB error texts', async () => { const h = hostileErrors(18, 8 * 1024 * 1024); return reportInput(h, await checkRun(h, counterWorkload, []), 'counter', []); }],
  ['one 200 kB value', async () => { const h = simulateRegister({ ops: 2000, mutate: (op, i) => { if (i === 500 && op.process !== 'nemesis') (op.value as { value: unknown }).value = 'w'.repeat(200_000); } }); return reportInput(h, await checkRun(h)); }],
  ['one op at time 1e15', async () => { const h = late(1e15); return reportInput(h, await checkRun(h)); }],
  ['one op at time 1e300', async () => { const h = late(1e300); return reportInput(h, await checkRun(h)); }],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-bench-report-'));
  const browser = chromiumAvailable() ? await Chromium.launch() : null;
  if (!browser) console.log(`report: ${CHROMIUM} not found, so sizes only (no render times)`);
  try {
    for (const [name, make] of CASES) {
      const input = await make();
      const t0 = performance.now();
      const html = renderReport(input);
      const buildMs = performance.now() - t0;
      const file = path.join(dir, 'report.html');
      fs.writeFileSync(file, html);
      let render = '';
      if (browser) {
        const probe = "document.querySelectorAll('.chart[data-drawn]').length + '/' + document.querySelectorAll('.chart').length + ' charts, ' + document.querySelectorAll('.tl-op').length + ' timeline bars'";
        await browser.load(file, probe); // warm-up
        const loads = [];
        for (let i = 0; i < 3; i++) loads.push(await browser.load<string>(file, probe));
        const errors = loads.flatMap((l) => l.errors);
        render = `; Chromium render ${median(loads.map((l) => l.renderMs))} ms (main-thread CPU ${median(loads.map((l) => l.cpuMs))} ms; ${loads[0].value})${errors.length ? `; ERRORS: ${errors.slice(0, 3).join(' | ')}` : ''}`;
      }
      console.log(`report: ${name}: ${input.history.length.toLocaleString('en')} events, ${(html.length / 1e6).toFixed(2)} MB, built in ${Math.round(buildMs)} ms${render}`);
    }
  } finally {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
