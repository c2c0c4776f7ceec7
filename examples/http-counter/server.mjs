#!/usr/bin/env node
// A small HTTP counter service standing in for "your system": every node serves
//   GET  /counter            -> {"value": n}
//   POST /counter/add {delta} -> {"ok": true}
// and forwards both to the primary (the first node), which keeps the value in a file.
// MODE=naive adds by reading the value and writing value+delta back (two round trips: concurrent
// adds overwrite each other — lost updates); MODE=atomic asks the primary to add. The primary
// writes the value to disk (fsync) before it answers, so a kill -9 loses nothing acknowledged.
//
// Configuration (environment): NODE (this node's name), HOST and PORT to listen on, NODES (every
// node as name=host:port, comma-separated, the primary first), MODE (naive | atomic).
// Plain Node, no dependencies.
import fs from 'node:fs';
import http from 'node:http';

const { NODE = 'n1', HOST = '127.0.0.1', PORT = '8080', NODES = `n1=127.0.0.1:8080`, MODE = 'atomic' } = process.env;
const nodes = NODES.split(',').map((s) => s.split('='));
const [primaryName, primaryAddr] = nodes[0];
const isPrimary = primaryName === NODE;
const FILE = 'counter.json';

// --- the primary's state ------------------------------------------------------------------------
let value = 0;
if (isPrimary && fs.existsSync(FILE)) value = JSON.parse(fs.readFileSync(FILE, 'utf8')).value;
function persist() {
  const fd = fs.openSync(`${FILE}.tmp`, 'w');
  fs.writeSync(fd, JSON.stringify({ value }));
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(`${FILE}.tmp`, FILE);
}

// --- forwarding to the primary --------------------------------------------------------------------
function call(method, path, body) {
  const [host, port] = primaryAddr.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, path, headers: { 'content-type': 'application/json' }, timeout: 2000 }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(data)) : reject(Object.assign(new Error(data), { status: res.statusCode }))));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('primary timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** The node's answer when the primary could not be asked: 503 when the request certainly never
 *  reached it (connection refused), 504 when it may have (a timeout or a reset mid-request). */
function forwardError(res, e) {
  const definite = e.code === 'ECONNREFUSED';
  res.writeHead(definite ? 503 : 504, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: `primary ${primaryName}: ${e.code ?? e.message}`, definite }));
}

const readBody = (req) => new Promise((resolve) => {
  let data = '';
  req.on('data', (c) => (data += c));
  req.on('end', () => resolve(data ? JSON.parse(data) : {}));
});

const reply = (res, body) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

http.createServer(async (req, res) => {
  try {
    // The primary's own endpoints.
    if (isPrimary && req.url === '/primary/value' && req.method === 'GET') return reply(res, { value });
    if (isPrimary && req.url === '/primary/value' && req.method === 'PUT') {
      value = (await readBody(req)).value;
      persist();
      return reply(res, { ok: true });
    }
    if (isPrimary && req.url === '/primary/add' && req.method === 'POST') {
      value += (await readBody(req)).delta;
      persist();
      return reply(res, { ok: true });
    }
    // Every node's public endpoints, served through the primary.
    if (req.url === '/counter' && req.method === 'GET') {
      return reply(res, await call('GET', '/primary/value'));
    }
    if (req.url === '/counter/add' && req.method === 'POST') {
      const { delta } = await readBody(req);
      if (MODE === 'naive') {
        const { value: v } = await call('GET', '/primary/value');
        await call('PUT', '/primary/value', { value: v + delta });
      } else {
        await call('POST', '/primary/add', { delta });
      }
      return reply(res, { ok: true });
    }
    res.writeHead(404).end();
  } catch (e) {
    forwardError(res, e);
  }
}).listen(Number(PORT), HOST, () => console.log(`${NODE} (${MODE}${isPrimary ? ', primary' : ''}) listening on ${HOST}:${PORT}`));
