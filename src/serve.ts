// `jepsen-ts serve` (DESIGN.md §8): browse the store over HTTP. An index of every run (newest
// first, coloured by verdict, filterable by test and verdict) and each run's files. Node's http,
// no framework. Bound to 127.0.0.1 unless told otherwise; a path that leaves the store (encoded
// "..", encoded slashes, symlinks pointing outside) is a 404. Reports are served sandboxed.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { UsageError } from './errors.ts';
import type { CheckResult } from './types.ts';

export interface ServeOptions {
  store: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** One line for a run's results when it has no summary.json (the CLI passes the report's explainer). */
  describe?: (results: CheckResult) => string;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export type Verdict = 'valid' | 'invalid' | 'unknown' | 'incomplete';

export interface RunRow {
  test: string;
  run: string;
  /** ISO time the run started (from test.json, else its directory name). */
  time: string;
  verdict: Verdict;
  headline: string;
  seed: string;
  /** Seconds, when known. */
  duration: number | null;
  files: string[];
}

const JSON_LIMIT = 64 * 1024 * 1024;
const TEXT = 'text/plain; charset=utf-8';
const TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.jsonl': TEXT, // JSON Lines has no registered type; as text it opens in the browser
  '.log': TEXT, '.txt': TEXT, '.edn': TEXT, '.out': TEXT, '.err': TEXT, '.xml': 'application/xml; charset=utf-8',
  '.png': 'image/png', '.svg': 'text/plain; charset=utf-8', // an SVG can carry script: shown as text
};

function readJson(file: string): unknown {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > JSON_LIMIT) return undefined;
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The time of the last op in history.jsonl (its tail only), in seconds. */
function historySeconds(file: string): number | null {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      const lines = buf.toString('utf8').trim().split('\n');
      const t = (JSON.parse(lines[lines.length - 1]) as { time?: unknown }).time;
      return typeof t === 'number' && Number.isFinite(t) ? t / 1e9 : null;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
}

const str = (x: unknown, max = 500) => (typeof x === 'string' ? x : x === undefined || x === null ? '' : String(x)).slice(0, max).replace(/[\r\n]+/g, ' ');
const verdictOf = (v: unknown): Verdict => (v === true ? 'valid' : v === false ? 'invalid' : 'unknown');

/** "20261203T145651.666Z" → ISO time. */
function timeFromName(name: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d{3}))?Z/.exec(name);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7] ?? '000'}Z` : '';
}

const cache = new Map<string, { key: string; row: RunRow }>();

function runRow(store: string, test: string, run: string, describe?: ServeOptions['describe']): RunRow {
  const dir = path.join(store, test, run);
  const files = fs.readdirSync(dir).sort();
  const stamp = (f: string) => {
    try {
      const s = fs.statSync(path.join(dir, f));
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '-';
    }
  };
  const key = ['summary.json', 'results.json', 'test.json', 'history.jsonl'].map(stamp).join('|');
  const hit = cache.get(dir);
  if (hit && hit.key === key) return hit.row;
  const meta = (readJson(path.join(dir, 'test.json')) ?? {}) as Record<string, unknown>;
  const summary = readJson(path.join(dir, 'summary.json')) as Record<string, unknown> | undefined;
  const hasResults = files.includes('results.json');
  const results = !summary && hasResults ? (readJson(path.join(dir, 'results.json')) as CheckResult | undefined) : undefined;
  let verdict: Verdict;
  let headline: string;
  if (summary && typeof summary === 'object') {
    verdict = verdictOf(summary.valid);
    headline = str(summary.headline ?? (summary.explanation as { headline?: unknown } | undefined)?.headline);
  } else if (results && typeof results === 'object') {
    verdict = verdictOf(results.valid);
    let line = '';
    try {
      line = describe ? describe(results) : '';
    } catch {
      line = '';
    }
    headline = str(line || (verdict === 'valid' ? 'valid' : `${verdict} (see the report)`));
  } else if (hasResults) {
    verdict = 'unknown';
    headline = 'results.json could not be read';
  } else {
    verdict = 'incomplete';
    headline = 'incomplete: the run stopped before its history was checked (no results.json); analyze can re-check it';
  }
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  const duration = num(summary?.duration) ?? num(summary?.['duration-s']) ?? (files.includes('history.jsonl') ? historySeconds(path.join(dir, 'history.jsonl')) : null);
  const row: RunRow = {
    test, run, time: str(meta.started, 40) || timeFromName(run), verdict, headline,
    seed: str(meta.seed ?? summary?.seed, 40), duration, files,
  };
  cache.set(dir, { key, row });
  return row;
}

const isDir = (p: string) => {
  try {
    const st = fs.lstatSync(p);
    return st.isDirectory(); // a symlink (latest) is not a run of its own
  } catch {
    return false;
  }
};

/** Every run in the store, newest first. */
export function listRuns(store: string, describe?: ServeOptions['describe']): RunRow[] {
  const rows: RunRow[] = [];
  let tests: string[] = [];
  try {
    tests = fs.readdirSync(store);
  } catch {
    return rows;
  }
  for (const test of tests) {
    if (!isDir(path.join(store, test))) continue;
    let runs: string[];
    try {
      runs = fs.readdirSync(path.join(store, test));
    } catch {
      continue; // unreadable: nothing to list
    }
    for (const run of runs) {
      const dir = path.join(store, test, run);
      if (!isDir(dir)) continue;
      try {
        const files = fs.readdirSync(dir);
        if (!files.includes('test.json') && !files.includes('history.jsonl')) continue;
        rows.push(runRow(store, test, run, describe));
      } catch {
        // A run directory that vanished or cannot be read is not listed.
      }
    }
  }
  return rows.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : a.run < b.run ? 1 : -1));
}

/**
 * The file a request path names inside the store, or null. Each segment is decoded on its own,
 * so an encoded slash cannot make a new segment; "." and ".." segments are refused; the result
 * (symlinks resolved) must still lie inside the store.
 */
export function resolveInStore(storeReal: string, segments: string[]): string | null {
  const parts: string[] = [];
  for (const raw of segments) {
    if (raw === '') continue;
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (s === '.' || s === '..' || /[/\\\0]/.test(s)) return null;
    parts.push(s);
  }
  let real: string;
  try {
    real = fs.realpathSync(path.join(storeReal, ...parts));
  } catch {
    return null;
  }
  return real === storeReal || real.startsWith(storeReal + path.sep) ? real : null;
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const href = (...segs: string[]) => `/runs/${segs.map(encodeURIComponent).join('/')}`;

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}header{padding:14px 24px;background:#26354a;color:#fff}h1{margin:0;font-size:22px}
main{padding:12px 24px}table{border-collapse:collapse;background:#fff;width:100%}th,td{border:1px solid #dde1e6;padding:4px 8px;text-align:left;vertical-align:top}td.headline{overflow-wrap:anywhere;max-width:640px}
th{background:#eef1f5}.v{display:inline-block;padding:1px 7px;border-radius:3px;color:#fff;font-size:12px;font-weight:600}.valid{background:#1f7a3d}.invalid{background:#b3261e}.unknown{background:#8a6d00}.incomplete{background:#6b7280}
form{margin:0 0 12px}a{color:#1f4f8a}ul{background:#fff;padding:10px 30px;border:1px solid #dde1e6}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body><header><h1>${esc(title)}</h1></header><main>${body}</main></body></html>`;
}

function indexPage(rows: RunRow[], q: URLSearchParams): string {
  const test = q.get('test') ?? '';
  const verdict = q.get('verdict') ?? '';
  const tests = [...new Set(rows.map((r) => r.test))].sort();
  const shown = rows.filter((r) => (!test || r.test === test) && (!verdict || r.verdict === verdict));
  const option = (v: string, cur: string, label = v) => `<option value="${esc(v)}"${v === cur ? ' selected' : ''}>${esc(label)}</option>`;
  const form = `<form method="get" action="/">test <select name="test">${option('', test, 'all')}${tests.map((t) => option(t, test)).join('')}</select>
 verdict <select name="verdict">${option('', verdict, 'all')}${['valid', 'invalid', 'unknown', 'incomplete'].map((v) => option(v, verdict)).join('')}</select> <button type="submit">filter</button> · ${shown.length} of ${rows.length} runs</form>`;
  const link = (r: RunRow, f: string, label: string) => (r.files.includes(f) ? `<a href="${href(r.test, r.run, f)}">${label}</a>` : '');
  const body = shown.map((r) => `<tr class="run ${r.verdict}"><td><span class="v ${r.verdict}">${r.verdict.toUpperCase()}</span></td><td>${esc(r.test)}</td><td><a href="${href(r.test, r.run)}/">${esc(r.time || r.run)}</a></td>
<td class="headline">${esc(r.headline)}</td><td>${esc(r.seed)}</td><td>${r.duration === null ? '' : `${r.duration.toFixed(1)} s`}</td>
<td>${[link(r, 'report.html', 'report'), link(r, 'history.jsonl', 'history'), link(r, 'jepsen.log', 'log'), `<a href="${href(r.test, r.run)}/">files</a>`].filter(Boolean).join(' · ')}</td></tr>`).join('\n');
  return page('jepsen-ts runs', `${form}<table><thead><tr><th>verdict</th><th>test</th><th>time</th><th>headline</th><th>seed</th><th>duration</th><th></th></tr></thead><tbody>${body}</tbody></table>`);
}

function listing(urlPath: string, dir: string): string {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  const base = urlPath.endsWith('/') ? urlPath : `${urlPath}/`;
  const items = entries.map((e) => `<li><a href="${esc(base + encodeURIComponent(e.name))}${e.isDirectory() ? '/' : ''}">${esc(e.name)}${e.isDirectory() ? '/' : ''}</a></li>`).join('');
  return page(decodeURIComponent(urlPath), `<p><a href="/">all runs</a></p><ul>${items}</ul>`);
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer, head: boolean, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', ...extra });
  res.end(head ? undefined : body);
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, storeReal: string, o: ServeOptions): void {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) return send(res, 405, TEXT, 'Only GET and HEAD.\n', false, { Allow: 'GET, HEAD' });
  // The raw path, split before decoding: "%2f" must stay inside its segment.
  const raw = (req.url ?? '/').split('?')[0];
  const query = new URLSearchParams((req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1) : '');
  const notFound = () => send(res, 404, TEXT, 'Not found.\n', head);
  if (raw === '/' || raw === '/index.html') return send(res, 200, 'text/html; charset=utf-8', indexPage(listRuns(storeReal, o.describe), query), head, { 'Content-Security-Policy': PAGE_CSP });
  if (raw === '/index.json') return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(listRuns(storeReal, o.describe)), head);
  const segs = raw.split('/');
  if (segs[1] !== 'runs' || segs.length < 4) return notFound();
  const file = resolveInStore(storeReal, segs.slice(2));
  if (!file) return notFound();
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return notFound();
  }
  if (st.isDirectory()) return send(res, 200, 'text/html; charset=utf-8', listing(raw, file), head, { 'Content-Security-Policy': PAGE_CSP });
  if (!st.isFile()) return notFound();
  const name = path.basename(file);
  const ext = path.extname(name).toLowerCase();
  // Only our reports are served as pages, in a sandbox (an opaque origin, scripts allowed for the
  // charts); any other HTML a node left behind is shown as text.
  const isReport = name === 'report.html';
  const type = isReport ? 'text/html; charset=utf-8' : TYPES[ext] ?? (ext === '' || ext === '.html' ? TEXT : 'application/octet-stream');
  res.writeHead(200, {
    'Content-Type': type, 'Content-Length': st.size, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store',
    ...(isReport ? { 'Content-Security-Policy': 'sandbox allow-scripts' } : {}),
  });
  if (head) return void res.end();
  const stream = fs.createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** Starts serving the store; resolves once listening. */
export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const host = o.host ?? '127.0.0.1';
  const port = o.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${port}: must be an integer from 0 to 65535.`);
  let storeReal: string;
  try {
    storeReal = fs.realpathSync(path.resolve(o.store));
    if (!fs.statSync(storeReal).isDirectory()) throw new Error('not a directory');
  } catch (e) {
    throw new UsageError(`--store ${o.store}: cannot serve it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); it should be a directory of runs.`);
  }
  const server = http.createServer((req, res) => {
    try {
      handle(req, res, storeReal, o);
    } catch (e) {
      if (!res.headersSent) send(res, 500, TEXT, `Internal error: ${str(e instanceof Error ? e.message : e, 200)}\n`, false);
      else res.destroy();
    }
  });
  return new Promise<RunningServer>((resolve, reject) => {
    const refuse = (e: NodeJS.ErrnoException) => reject(new UsageError(`Cannot listen on ${host}:${port} (${e.code ?? e.message}): ${e.code === 'EADDRINUSE' ? 'the port is in use; choose another with --port' : 'choose another --host or --port'}.`));
    server.once('error', refuse);
    server.listen(port, host, () => {
      server.off('error', refuse);
      const { port } = server.address() as AddressInfo;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${port}/`,
        close: () => new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        }),
      });
    });
  });
}
