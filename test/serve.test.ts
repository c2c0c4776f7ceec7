import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { listRuns, startServer, type RunningServer } from '../src/serve.ts';
import { UsageError } from '../src/errors.ts';

let root: string;
let store: string;
let outside: string;
let server: RunningServer;
const EVIL = '<img src=x onerror=alert(1)>';

function run(test: string, stamp: string, files: Record<string, string>): string {
  const dir = path.join(store, test, stamp);
  fs.mkdirSync(path.join(dir, 'nodes', 'n1'), { recursive: true });
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  return dir;
}

const history = (seconds: number) => `${JSON.stringify({ index: 0, time: 0, type: 'invoke', process: 0, f: 'read', value: null })}\n${JSON.stringify({ index: 1, time: seconds * 1e9, type: 'ok', process: 0, f: 'read', value: 1 })}\n`;

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-ts-serve-'));
  store = path.join(root, 'store');
  outside = path.join(root, 'secret.txt');
  fs.writeFileSync(outside, 'secret');
  const a = run('register', '20260101T100000.000Z', {
    'test.json': JSON.stringify({ name: 'register', seed: 11, started: '2026-01-01T10:00:00.000Z' }),
    'results.json': JSON.stringify({ valid: false }),
    'summary.json': JSON.stringify({ valid: false, headline: `workload: process 3 read 3 ${EVIL}`, duration: 15.2 }),
    'report.html': '<!doctype html><title>report</title>',
    'history.jsonl': history(15),
    'jepsen.log': 'log line\n',
  });
  fs.writeFileSync(path.join(a, 'nodes', 'n1', 'node.log'), 'node log\n');
  fs.writeFileSync(path.join(a, 'nodes', 'n1', 'page.html'), '<script>alert(1)</script>');
  fs.symlinkSync(outside, path.join(a, 'nodes', 'escape.txt'));
  fs.symlinkSync(root, path.join(a, 'nodes', 'up'));
  run('register', '20260102T100000.000Z', {
    'test.json': JSON.stringify({ name: 'register', seed: 12, started: '2026-01-02T10:00:00.000Z' }),
    'results.json': JSON.stringify({ valid: 'unknown', workload: { valid: 'unknown', reason: 'timeout' } }),
    'history.jsonl': history(3),
  });
  run('counter', '20260103T100000.000Z', { 'test.json': JSON.stringify({ name: 'counter', seed: 13, started: '2026-01-03T10:00:00.000Z' }), 'history.jsonl': history(7) });
  run(EVIL, '20260104T100000.000Z', { 'test.json': JSON.stringify({ seed: 14, started: '2026-01-04T10:00:00.000Z' }), 'results.json': '{"valid": true}', 'history.jsonl': history(1) });
  fs.symlinkSync('register/20260102T100000.000Z', path.join(store, 'latest'));
  fs.symlinkSync('20260102T100000.000Z', path.join(store, 'register', 'latest'));
  server = await startServer({ store, port: 0, describe: (r) => `described ${String(r.valid)}` });
});

after(async () => {
  await server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** GET with the path sent exactly as written (fetch would normalise "..", "%2e%2e"). */
function get(p: string, method = 'GET'): Promise<{ status: number; type: string; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: p, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the index lists every run newest first, with verdict, headline, seed and duration', async () => {
  const r = await get('/');
  assert.equal(r.status, 200);
  assert.match(r.type, /^text\/html/);
  const rows = [...r.body.matchAll(/<tr class="run (\w+)">/g)].map((m) => m[1]);
  assert.deepEqual(rows, ['valid', 'incomplete', 'unknown', 'invalid']);
  assert.ok(r.body.includes('workload: process 3 read 3 &#60;img src=x onerror=alert(1)&#62;'), 'headline from summary.json, escaped');
  assert.ok(!r.body.includes(EVIL), 'no name or headline is markup');
  assert.match(r.body, /described unknown/, 'without summary.json, the injected explainer gives the headline');
  assert.match(r.body, /incomplete: the run stopped before its history was checked/);
  assert.match(r.body, /<td>11<\/td><td>15\.2 s<\/td>/);
  assert.match(r.body, /<td>13<\/td><td>7\.0 s<\/td>/, 'duration from the history when there is no summary');
  assert.equal(r.headers['content-security-policy']?.includes("default-src 'none'"), true);
});

test('the index filters by test and by verdict', async () => {
  const byTest = await get('/?test=register');
  assert.deepEqual([...byTest.body.matchAll(/<tr class="run (\w+)">/g)].map((m) => m[1]), ['unknown', 'invalid']);
  const byVerdict = await get('/?verdict=incomplete');
  assert.deepEqual([...byVerdict.body.matchAll(/<tr class="run (\w+)">[\s\S]*?<td>([^<]*)<\/td>/g)].map((m) => [m[1], m[2]]), [['incomplete', 'counter']]);
  const json = JSON.parse((await get('/index.json')).body) as Array<{ test: string; verdict: string }>;
  assert.equal(json.length, 4);
  assert.deepEqual(listRuns(store).map((x) => x.verdict), ['valid', 'incomplete', 'unknown', 'invalid']);
});

test("each run's report, history, results, logs and files, with their content types", async () => {
  const base = '/runs/register/20260101T100000.000Z';
  const report = await get(`${base}/report.html`);
  assert.equal(report.status, 200);
  assert.match(report.type, /^text\/html/);
  assert.equal(report.headers['content-security-policy'], 'sandbox allow-scripts', 'reports run in an opaque origin');
  assert.match((await get(`${base}/history.jsonl`)).type, /^text\/plain/);
  assert.match((await get(`${base}/results.json`)).type, /^application\/json/);
  assert.equal((await get(`${base}/jepsen.log`)).body, 'log line\n');
  const listing = await get(`${base}/`);
  assert.match(listing.body, /href="\/runs\/register\/20260101T100000.000Z\/nodes\/"/);
  assert.equal((await get(`${base}/nodes/n1/node.log`)).body, 'node log\n');
  const other = await get(`${base}/nodes/n1/page.html`);
  assert.match(other.type, /^text\/plain/, 'HTML other than our report is served as text');
  assert.equal(other.headers['x-content-type-options'], 'nosniff');
  assert.equal((await get('/runs/register/latest/history.jsonl')).status, 200, 'links inside the store are followed');
  assert.equal((await get(`${base}/report.html`, 'HEAD')).status, 200);
  assert.equal((await get(`${base}/report.html`, 'POST')).status, 405);
});

test('nothing outside the store is served: encoded .., encoded slashes, symlinks', async () => {
  for (const p of [
    '/..%2f..%2fetc/passwd', '/runs/..%2f..%2fetc/passwd', '/runs/%2e%2e/%2e%2e/etc/passwd', '/runs/../../etc/passwd',
    '/runs/register/..%2F..%2F..%2Fetc%2Fpasswd', '/runs/register/20260101T100000.000Z/nodes/escape.txt',
    '/runs/register/20260101T100000.000Z/nodes/up/secret.txt', '/runs/register/20260101T100000.000Z/nodes/up/',
    '/runs/%00/x', '/runs/%E0%A4%A/x', '/runs/register/20260101T100000.000Z/..%5c..%5csecret.txt',
  ]) {
    const r = await get(p);
    assert.equal(r.status, 404, p);
    assert.ok(!r.body.includes('secret') && !r.body.includes('root:'), p);
  }
});

test('bound to 127.0.0.1 unless told otherwise', async (t) => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const other = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
  if (!other) return t.skip('no non-loopback IPv4 address on this machine to try');
  const port = Number(new URL(server.url).port);
  const refused = await new Promise<boolean>((resolve) => {
    const s = net.connect({ host: other.address, port }, () => { s.destroy(); resolve(false); });
    s.on('error', () => resolve(true));
  });
  assert.ok(refused, `not reachable on ${other.address}`);
});

test('a store that is not a directory, or a port in use, is one clear sentence', async () => {
  await assert.rejects(startServer({ store: path.join(root, 'nope'), port: 0 }), (e) => e instanceof UsageError && /--store .*nope: cannot serve it \(ENOENT\)/.test(e.message));
  await assert.rejects(startServer({ store: outside, port: 0 }), UsageError);
  const port = Number(new URL(server.url).port);
  await assert.rejects(startServer({ store, port }), (e) => e instanceof UsageError && /port is in use/.test(e.message));
});
