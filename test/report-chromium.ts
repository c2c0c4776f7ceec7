// Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe): no
// port, no WebSocket, no dependency. Used by the report tests and bench/report.ts to load a
// report, wait until the page says it has drawn everything, and read the DOM.
//
// Why not `--dump-dom`: it cannot time the render (virtual time also virtualises
// performance.now()), and it cannot tell a page that finished from one that gave up. Why not
// playwright-core: ~100 lines over a pipe do all we need, without a package to keep current.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM);
}

interface Pending { resolve(v: Record<string, unknown>): void; reject(e: Error): void }

export interface PageLoad {
  /** ms from navigation start until the page set data-rendered (the page's own clock). */
  renderMs: number;
  /** ms of wall time from navigate to rendered, as the controller saw it. */
  wallMs: number;
  /** ms of CPU the page's main thread used to get there (unlike the clocks, not inflated by other load). */
  cpuMs: number;
  /** Uncaught exceptions, console errors and CSP violations seen while loading. */
  errors: string[];
}

export class Chromium {
  private buf = '';
  private nextId = 0;
  private pending = new Map<number, Pending>();
  private listeners: Array<(m: Record<string, unknown>) => void> = [];

  private constructor(private readonly proc: ChildProcess, private readonly dataDir: string) {
    const out = proc.stdio[4] as NodeJS.ReadableStream;
    out.on('data', (d: Buffer) => {
      this.buf += d.toString('utf8');
      for (let i = this.buf.indexOf('\0'); i >= 0; i = this.buf.indexOf('\0')) {
        const msg = JSON.parse(this.buf.slice(0, i)) as Record<string, unknown>;
        this.buf = this.buf.slice(i + 1);
        const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
        if (p) {
          this.pending.delete(msg.id as number);
          if (msg.error) p.reject(new Error(JSON.stringify(msg.error)));
          else p.resolve((msg.result ?? {}) as Record<string, unknown>);
        } else for (const l of this.listeners) l(msg);
      }
    });
    proc.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  static async launch(): Promise<Chromium> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-chromium-'));
    const proc = spawn(CHROMIUM, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${dataDir}`, '--remote-debugging-pipe', 'about:blank',
    ], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    const c = new Chromium(proc, dataDir);
    await c.send('Browser.getVersion');
    return c;
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      (this.proc.stdio[3] as NodeJS.WritableStream).write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  /** Opens a report file in a fresh tab, waits (up to timeoutMs) for data-rendered, runs probe. */
  async load<T>(file: string, probe: string, timeoutMs = 60_000): Promise<PageLoad & { value: T }> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const errors: string[] = [];
    const onMsg = (m: Record<string, unknown>) => {
      if (m.sessionId !== sessionId) return;
      const p = m.params as Record<string, any> | undefined;
      if (m.method === 'Runtime.exceptionThrown') errors.push(`exception: ${p?.exceptionDetails?.exception?.description ?? p?.exceptionDetails?.text}`);
      if (m.method === 'Runtime.consoleAPICalled' && p?.type === 'error') errors.push(`console: ${(p.args ?? []).map((a: any) => a.value ?? a.description).join(' ')}`);
      if (m.method === 'Log.entryAdded' && p?.entry?.level === 'error' && !/favicon/.test(p.entry.text ?? '')) errors.push(`log: ${p.entry.text}`);
    };
    this.listeners.push(onMsg);
    try {
      await this.send('Runtime.enable', {}, sessionId);
      await this.send('Log.enable', {}, sessionId);
      await this.send('Page.enable', {}, sessionId);
      await this.send('Performance.enable', { timeDomain: 'threadTicks' }, sessionId);
      const threadTime = async () => {
        const { metrics } = (await this.send('Performance.getMetrics', {}, sessionId)) as { metrics: Array<{ name: string; value: number }> };
        return (metrics.find((m) => m.name === 'ThreadTime')?.value ?? 0) * 1000;
      };
      const cpu0 = await threadTime();
      // Before any page script: record CSP violations, which the page itself cannot report.
      await this.send('Page.addScriptToEvaluateOnNewDocument', {
        source: "window.__csp=[];document.addEventListener('securitypolicyviolation',function(e){window.__csp.push(e.violatedDirective+' '+e.blockedURI)});",
      }, sessionId);
      const t0 = performance.now();
      await this.send('Page.navigate', { url: pathToFileURL(path.resolve(file)).href }, sessionId);
      const waited = await this.send('Runtime.evaluate', {
        expression: `new Promise(function (resolve) {
          var until = Date.now() + ${timeoutMs};
          (function poll() {
            var r = document.documentElement && document.documentElement.getAttribute('data-rendered');
            if (r || Date.now() > until) resolve(r ? Number(r) : -1); else setTimeout(poll, 10);
          })();
        })`,
        awaitPromise: true, returnByValue: true,
      }, sessionId);
      const wallMs = performance.now() - t0;
      const cpuMs = Math.round((await threadTime()) - cpu0);
      const renderMs = (waited.result as { value: number }).value;
      if (renderMs < 0) errors.push(`the page did not finish rendering within ${timeoutMs} ms`);
      const csp = await this.send('Runtime.evaluate', { expression: 'JSON.stringify(window.__csp || [])', returnByValue: true }, sessionId);
      for (const v of JSON.parse((csp.result as { value: string }).value) as string[]) errors.push(`csp: ${v}`);
      const probed = await this.send('Runtime.evaluate', { expression: probe, returnByValue: true, awaitPromise: true }, sessionId);
      if (probed.exceptionDetails) throw new Error(`probe failed: ${JSON.stringify(probed.exceptionDetails).slice(0, 500)}`);
      return { renderMs, wallMs, cpuMs, errors, value: (probed.result as { value: T }).value };
    } finally {
      this.listeners = this.listeners.filter((l) => l !== onMsg);
      await this.send('Target.closeTarget', { targetId }).catch(() => {});
    }
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((r) => (this.proc.exitCode !== null ? r() : this.proc.once('exit', () => r())));
    await Promise.race([this.send('Browser.close').catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
