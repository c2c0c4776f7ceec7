// What CI reads: summary.json in every run directory (valid against the shipped schema), JUnit XML
// from `run --junit` (a testsuite per run, a testcase per checker, a <failure> naming the bad op),
// and a table of runs with --test-count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { junitXml, xmlText } from '../src/junit.ts';
import { cli, readJson, runDir, tempStore } from './helpers.ts';

const schema = readJson(new URL('../schemas/summary.schema.json', import.meta.url).pathname);
const validate = new Ajv({ allErrors: true }).compile(schema);

/** Well-formed XML, for the subset we write: balanced tags, quoted attributes, only the five escapes. */
function wellFormed(xml: string): boolean {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(body))) {
    at = re.lastIndex;
    if (m[5] !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(m[5])) return false;
      continue;
    }
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(m[3])) return false;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else if (!m[4]) stack.push(m[2]);
  }
  return at === body.length && stack.length === 0;
}

test('run --junit: one <failure> for the workload checker naming the op; summary.json matches the schema', async () => {
  const store = tempStore();
  const junit = path.join(store, 'out.xml');
  const r = await cli(['run', 'register', '--flavor', 'lww', '--nemesis', 'partition', '--time-limit', '10', '--junit', junit], { store });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const xml = fs.readFileSync(junit, 'utf8');
  assert.ok(wellFormed(xml), xml.slice(0, 500));
  const failures = [...xml.matchAll(/<testcase name="([^"]+)"[^>]*>\s*<failure message="([^"]*)"/g)];
  assert.equal(failures.length, 1);
  assert.equal(failures[0][1], 'workload');
  assert.match(failures[0][2], /process \d+('s)? (read|write|cas)/, 'the message names the op');
  assert.match(xml, /See the report: .*report\.html/);
  const summary = readJson<{ verdict: string; checkers: Array<{ name: string; verdict: string }> }>(path.join(runDir(r), 'summary.json'));
  assert.ok(validate(summary) as boolean, JSON.stringify(validate.errors));
  assert.equal(summary.verdict, 'invalid');
  assert.equal(summary.checkers.find((c) => c.name === 'workload')?.verdict, 'invalid');
});

test('--test-count: a line per run, a final table, one JUnit file with a testsuite per run', async () => {
  const store = tempStore();
  const junit = path.join(store, 'all.xml');
  const r = await cli(['run', 'counter', '--time-limit', '1', '--recovery-time', '0', '--test-count', '3', '--seed', '7', '--junit', junit], { store });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Run 3 of 3: valid, seed 9/);
  assert.match(r.stdout, /^3 runs: 3 valid, 0 invalid, 0 unknown$/m);
  assert.match(r.stdout, /^1 +7 +valid/m);
  const xml = fs.readFileSync(junit, 'utf8');
  assert.ok(wellFormed(xml));
  assert.equal([...xml.matchAll(/<testsuite /g)].length, 3);
});

test('property: JUnit stays well-formed whatever the names and messages hold', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (name, msg) => {
      const xml = junitXml([{ name, timestamp: 't', time: 1, cases: [{ name, classname: 'c', failure: { message: msg, body: msg } }] }]);
      return wellFormed(xml) && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml);
    }),
    { numRuns: 500 },
  );
  assert.equal(xmlText('a<b>&"\''), 'a&lt;b&gt;&amp;&quot;&apos;');
});
