// JUnit XML for CI (DESIGN.md §8): one testsuite per run (or per checked history), one testcase per
// checker; an invalid checker is a <failure> whose message is its one-line explanation and whose
// body names the report; unknown is an <error>. Every text is escaped; characters XML 1.0 cannot
// carry at all are replaced.

export interface JunitCase {
  name: string;
  classname: string;
  failure?: { message: string; body: string };
  error?: { message: string; body: string };
}

export interface JunitSuite {
  name: string;
  timestamp: string;
  /** Seconds. */
  time: number;
  properties?: Record<string, string>;
  cases: JunitCase[];
}

// eslint-disable-next-line no-control-regex
const NOT_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

export function xmlText(s: string): string {
  return s.replace(NOT_XML, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function junitXml(suites: readonly JunitSuite[]): string {
  const n = (p: (c: JunitCase) => boolean) => suites.reduce((s, x) => s + x.cases.filter(p).length, 0);
  const total = n(() => true);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="jepsen-ts" tests="${total}" failures="${n((c) => !!c.failure)}" errors="${n((c) => !!c.error)}">`];
  for (const s of suites) {
    const f = s.cases.filter((c) => c.failure).length;
    const e = s.cases.filter((c) => c.error).length;
    out.push(`  <testsuite name="${xmlText(s.name)}" tests="${s.cases.length}" failures="${f}" errors="${e}" skipped="0" timestamp="${xmlText(s.timestamp)}" time="${s.time.toFixed(3)}">`);
    if (s.properties && Object.keys(s.properties).length) {
      out.push('    <properties>');
      for (const [k, v] of Object.entries(s.properties)) out.push(`      <property name="${xmlText(k)}" value="${xmlText(v)}"/>`);
      out.push('    </properties>');
    }
    for (const c of s.cases) {
      const open = `    <testcase name="${xmlText(c.name)}" classname="${xmlText(c.classname)}"`;
      const outcome = c.failure ? ['failure', c.failure] as const : c.error ? ['error', c.error] as const : null;
      if (!outcome) {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`, `      <${outcome[0]} message="${xmlText(outcome[1].message)}">${xmlText(outcome[1].body)}</${outcome[0]}>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
