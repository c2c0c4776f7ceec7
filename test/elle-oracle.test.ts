// The Elle checker against a brute-force oracle (every order of the transactions that may have
// happened), on thousands of small random histories.
//
// Soundness, always: whenever the checker says a history violates serializable (or strict, or
// strong-session serializable), no order explains it.
//
// Completeness where Elle's inference is complete, which we assert:
// - list-append, every transaction ok or failed (no indeterminate ones), every read a list of
//   values some transaction appended: each read names the writer of its last element, reads
//   that are prefixes of one another give every key a total order of its observed appends, and
//   an append never observed must follow all observed ones, so an acyclic graph (plus no
//   non-cycle anomaly) has a topological order that reproduces every read;
// - rw-register under the same conditions when every key is written by at most one transaction
//   (its version order nil < v is then total).
// With several writers per register key the version order is partial and Elle (like us) can miss
// non-serializable histories; with indeterminate transactions an unobserved append may not have
// happened. There we check soundness only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkListAppend, checkRwRegister } from '../checkers/elle/index.ts';
import { type Kind, type OracleMode, oracle, randomHistory } from './elle-oracle.ts';

const MODES: OracleMode[] = ['serializable', 'strict-serializable', 'strong-session-serializable'];

function agree(kind: Kind, seed: number, complete: boolean): void {
  const h = randomHistory({ kind, seed, noInfo: complete, singleWriter: kind === 'rw-register' && complete });
  for (const mode of MODES) {
    const r = (kind === 'list-append' ? checkListAppend : checkRwRegister)(h, { consistencyModels: [mode] });
    const explained = oracle(h, kind, mode);
    const show = () => `${kind} ${mode} seed ${seed}: checker ${r.valid} (${r['anomaly-types'].join(', ')}), oracle ${explained}\n${h.map((op) => JSON.stringify([op.index, op.type, op.process, op.value])).join('\n')}\n${r.explanations.map((e) => e.sentence).join('\n')}`;
    if (r.valid === false) assert.equal(explained, false, `unsound: ${show()}`);
    if (complete && !explained) assert.equal(r.valid, false, `incomplete: ${show()}`);
  }
}

test('list-append: sound on every history, complete without indeterminate transactions (3,000 cases)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (seed, complete) => agree('list-append', seed, complete)),
    { numRuns: 3000 },
  );
});

test('rw-register: sound on every history, complete with one writer per key (2,000 cases)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (seed, complete) => agree('rw-register', seed, complete)),
    { numRuns: 2000 },
  );
});

test('the random histories exercise both verdicts and several anomaly types', () => {
  const verdicts = new Set<string>();
  const types = new Set<string>();
  for (let seed = 0; seed < 400; seed++) {
    const h = randomHistory({ kind: 'list-append', seed });
    const r = checkListAppend(h, { consistencyModels: ['serializable'] });
    verdicts.add(String(r.valid));
    for (const t of r['anomaly-types']) types.add(t);
  }
  assert.deepEqual([...verdicts].sort(), ['false', 'true', 'unknown']);
  for (const t of ['G0', 'G1a', 'G1b', 'G1c', 'G-single-item', 'internal', 'incompatible-order', 'lost-update']) assert.ok(types.has(t), `no ${t} among ${[...types]}`);
});
