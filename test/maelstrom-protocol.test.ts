// Nodes held to the node protocol as Maelstrom holds them: a crash, a line that is not JSON, a
// reply of the wrong type, a reply to a msg_id never sent, a message to a node that does not
// exist each fail the run with one sentence quoting the offending line (or the node's last
// stderr lines): unknown (exit 2), or invalid (exit 1) when a checker found an anomaly too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RunAbortedError } from '../src/errors.ts';
import { cli, readJson, runDir } from './helpers.ts';
import { fixture, runNode } from './maelstrom-helpers.ts';

type Nodes = { valid: unknown; error: string; failures: Array<{ node: string; kind: string; text: string }> };
const nodesOf = (r: { results: Record<string, unknown> }) => r.results.nodes as Nodes;

test('a node that exits mid-run fails the run at once, with its exit status and last stderr lines', async () => {
  const r = await runNode('echo', 'exit_midrun.py', { timeLimit: 20 });
  assert.equal(r.valid, 'unknown');
  assert.equal(r.interrupted, false);
  const n = nodesOf(r);
  assert.match(n.error, /^Node n\d crashed with exit status 3; its last lines on stderr: fatal: out of echoes \(deliberate crash\)/);
  assert.equal(n.failures[0].kind, 'crash');
  const last = r.history[r.history.length - 1];
  assert.ok(last.time < 15e9, 'the run stopped long before its time limit');
});

test('a crash and an anomaly: invalid', async () => {
  const r = await runNode('echo', 'misbehave.mjs', { binArg: ['wrong-echo-then-exit'], timeLimit: 20 });
  assert.equal(r.valid, false);
  assert.match(nodesOf(r).error, /crashed with exit status 4; its last lines on stderr: giving up/);
  assert.equal((r.results.workload as { valid: unknown }).valid, false);
});

test('a line on stdout that is not JSON is quoted', async () => {
  const r = await runNode('echo', 'noisy.rb');
  assert.equal(r.valid, 'unknown');
  assert.match(nodesOf(r).error, /wrote a line to stdout that is not a JSON message \(stdout carries only messages; log to stderr\): got an echo: Please echo \d+/);
});

test('read answered with write_ok: Malformed RPC response', async () => {
  const r = await runNode('lin-kv', 'wrong-reply.mjs');
  assert.equal(r.valid, 'unknown');
  assert.match(nodesOf(r).error, /^Malformed RPC response from n\d: it answered a read request with write_ok, expected read_ok or error: \{"src":"n\d","dest":"c\d+","body":\{"type":"write_ok","in_reply_to":\d+\}\}/);
  // The op it answered is indeterminate, not an ok read.
  const reads = r.history.filter((op) => op.f === 'read' && op.type === 'ok');
  assert.equal(reads.length, 0);
});

test('a reply to a msg_id never sent, and a message to a node that does not exist', async () => {
  const irt = await runNode('echo', 'misbehave.mjs', { binArg: ['unknown-reply'] });
  assert.equal(irt.valid, 'unknown');
  assert.match(nodesOf(irt).error, /^Node n\d sent c\d+ a reply to msg_id 1\d{5}, which c\d+ never sent: /);
  const dest = await runNode('echo', 'misbehave.mjs', { binArg: ['unknown-dest'] });
  assert.equal(dest.valid, 'unknown');
  assert.match(nodesOf(dest).error, /^Node n\d sent a message to n99, which does not exist \(the nodes are n1, n2, n3; the services lin-kv, seq-kv, lww-kv, lin-tso\): \{"src":"n\d","dest":"n99"/);
});

test('a request sent to a client gets Maelstrom\'s not-supported error, and the run goes on', async () => {
  const r = await runNode('echo', 'misbehave.mjs', { binArg: ['not-a-reply'] });
  assert.equal(r.valid, true, JSON.stringify(r.results.nodes));
  const log = fs.readFileSync(path.join(r.dir, 'net.jsonl'), 'utf8');
  assert.match(log, /"src":"c\d+","dest":"n\d","type":"error","in_reply_to":1,"body":"\{\\"type\\":\\"error\\",\\"code\\":10,/);
});

test('init answered with an error: the node does not start', async () => {
  await assert.rejects(runNode('echo', 'misbehave.mjs', { binArg: ['bad-init'] }), (e: unknown) => e instanceof RunAbortedError && /^Node n\d answered init with error instead of init_ok: \{"type":"error","code":12,"text":"I do not like init"/.test(e.message));
});

test('through the CLI: exit 2 and the sentence for a crash; --bin is required and checked', async () => {
  const r = await cli(['run', 'echo', '--bin', fixture('exit_midrun.py'), '--node-count', '2', '--time-limit', '20']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /nodes +unknown \(Node n\d crashed with exit status 3; its last lines on stderr: fatal: out of echoes/);
  assert.equal(readJson(path.join(runDir(r), 'results.json')).nodes.failures[0].kind, 'crash');
  const none = await cli(['run', 'kafka']);
  assert.equal(none.code, 254);
  assert.match(none.stderr, /No built-in system runs the kafka workload: give your own node with --bin/);
});
