// Consistency models and anomaly implications, against Elle's elle.consistency-model-test.
// One deliberate difference: Elle names PL-SS "strong-serializable"; we call it
// "strict-serializable" (both names are accepted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../src/errors.ts';
import {
  allImpossibleModels,
  anomaliesProhibitedBy,
  anomaliesToImpossibleModels,
  boundary,
  compareAnomalies,
  friendlyModel,
  strongestModels,
  strongestSatisfiable,
  validateModels,
  weakestModels,
} from '../checkers/elle/models.ts';
import { elleChecker } from '../checkers/elle/index.ts';

const friendly = (xs: Iterable<string>) => [...new Set([...xs].map(friendlyModel))].sort();

test('weakest and strongest models', () => {
  assert.deepEqual(friendly(weakestModels([])), []);
  assert.deepEqual(friendly(weakestModels(['serializable', 'strict-serializable'])), ['serializable']);
  assert.deepEqual(friendly(weakestModels(['repeatable-read', 'read-committed', 'sequential', 'read-your-writes'])), ['read-committed', 'read-your-writes']);
  assert.deepEqual(friendly(weakestModels(['serializable', 'read-atomic'])), ['read-atomic']);
  assert.deepEqual(friendly(strongestModels(['serializable', 'strong-serializable', 'strict-serializable'])), ['strict-serializable']);
  assert.deepEqual(friendly(strongestModels(['repeatable-read', 'read-committed', 'sequential', 'read-your-writes'])), ['repeatable-read', 'sequential']);
  assert.deepEqual(friendly(strongestModels(['read-atomic', 'serializable'])), ['serializable']);
});

test('anomalies prohibited by read committed', () => {
  assert.deepEqual(
    [...anomaliesProhibitedBy(['read-committed'])].sort(),
    ['G0', 'G1', 'G1a', 'G1b', 'G1c', 'PL-1-cycle-exists', 'PL-2-cycle-exists', 'cyclic-versions', 'dirty-update', 'duplicate-elements', 'future-read', 'incompatible-order'].sort(),
  );
  const ser = anomaliesProhibitedBy(['serializable']);
  for (const a of ['G2-item', 'G-single-item', 'G-nonadjacent-item', 'lost-update', 'internal', 'PL-3-cycle-exists']) assert.ok(ser.has(a), a);
  assert.ok(!ser.has('G-single-item-realtime') && !ser.has('G0-process'));
  const strict = anomaliesProhibitedBy(['strict-serializable']);
  for (const a of ['G-single-item-realtime', 'G0-realtime', 'G2-item-process', 'PL-SS-cycle-exists']) assert.ok(strict.has(a), a);
});

test('models ruled out by anomalies', () => {
  assert.deepEqual(friendly(anomaliesToImpossibleModels(['G-single'])), [
    'consistent-view', 'forward-consistent-view', 'serializable', 'snapshot-isolation', 'strict-serializable', 'strong-session-serializable', 'strong-session-snapshot-isolation', 'strong-snapshot-isolation', 'update-serializable',
  ]);
  assert.deepEqual(friendly(anomaliesToImpossibleModels(['G-SI'])), ['serializable', 'snapshot-isolation', 'strict-serializable', 'strong-session-serializable', 'strong-session-snapshot-isolation', 'strong-snapshot-isolation']);
  assert.deepEqual(friendly(anomaliesToImpossibleModels(['internal'])), [
    'causal-cerone', 'parallel-snapshot-isolation', 'prefix', 'read-atomic', 'serializable', 'snapshot-isolation', 'strict-serializable', 'strong-session-serializable', 'strong-session-snapshot-isolation', 'strong-snapshot-isolation', 'update-atomic',
  ]);
  assert.equal(anomaliesToImpossibleModels(['dirty-update']).size, 22);
  assert.deepEqual([...allImpossibleModels(['strong-session-serializable'])].sort(), ['PL-SS', 'strong-session-serializable']);
});

test('boundaries: the weakest models ruled out, and all the rest', () => {
  assert.deepEqual(boundary([]), { not: [], alsoNot: [] });
  assert.deepEqual(boundary(['cyclic-versions']).not, ['read-uncommitted']);
  assert.deepEqual(boundary(['cyclic-versions']).alsoNot, [
    'causal-cerone', 'consistent-view', 'cursor-stability', 'forward-consistent-view', 'monotonic-atomic-view', 'monotonic-snapshot-read', 'monotonic-view', 'parallel-snapshot-isolation', 'prefix', 'read-atomic', 'read-committed', 'repeatable-read', 'serializable', 'snapshot-isolation',
    'strict-serializable', 'strong-read-committed', 'strong-read-uncommitted', 'strong-session-read-committed', 'strong-session-read-uncommitted', 'strong-session-serializable', 'strong-session-snapshot-isolation', 'strong-snapshot-isolation', 'update-atomic', 'update-serializable',
  ]);
  assert.deepEqual(boundary(['internal']).not, ['read-atomic']);
  assert.deepEqual(boundary(['G1a']).not, ['read-committed']);
  assert.deepEqual(boundary(['G-single']), {
    not: ['consistent-view'],
    alsoNot: ['forward-consistent-view', 'serializable', 'snapshot-isolation', 'strict-serializable', 'strong-session-serializable', 'strong-session-snapshot-isolation', 'strong-snapshot-isolation', 'update-serializable'],
  });
  assert.deepEqual(boundary(['G2', 'internal']).not, ['read-atomic']);
  assert.deepEqual(boundary(['lost-update']).not, ['cursor-stability', 'update-atomic']);
  assert.deepEqual(boundary(['G-single-realtime']), { not: ['strong-snapshot-isolation'], alsoNot: ['strict-serializable'] });
  // Item anti-dependency cycles are G2-item too, so they rule out repeatable read.
  assert.deepEqual(boundary(['G-single-item']).not, ['consistent-view', 'repeatable-read']);
});

test("anomalies are searched in Elle's order: fewest implications first, then by name", () => {
  const elle = [
    'G-MSR', 'G-SI', 'G-SIb', 'G-cursor', 'G-monotonic', 'G-single-item', 'G-update', 'G0', 'G1b', 'GSIa', 'PL-1-cycle-exists', 'PL-2-cycle-exists', 'PL-2.99-cycle-exists', 'PL-3-cycle-exists', 'PL-SI-cycle-exists', 'PL-SS-cycle-exists', 'cyclic-versions', 'dirty-update', 'duplicate-elements', 'future-read', 'incompatible-order', 'internal', 'lost-update', 'predicate-read-miss',
    'strong-PL-1-cycle-exists', 'strong-PL-2-cycle-exists', 'strong-session-PL-1-cycle-exists', 'strong-session-PL-2-cycle-exists', 'strong-session-serializable-cycle-exists', 'strong-session-snapshot-isolation-cycle-exists', 'strong-snapshot-isolation-cycle-exists', 'G-nonadjacent-item', 'G-single-item-process', 'G1a', 'G1c', 'write-skew', 'G-nonadjacent-item-process', 'G-single', 'G-single-item-realtime', 'G1', 'G2-item', 'G-nonadjacent', 'G-nonadjacent-item-realtime', 'GSIb', 'G2', 'GSI', 'G0-process',
    'G1c-process', 'G-single-process', 'G1-process', 'G2-item-process', 'G-nonadjacent-process', 'G2-process', 'G0-realtime', 'G1c-realtime', 'G-single-realtime', 'G1-realtime', 'G2-item-realtime', 'G-nonadjacent-realtime', 'G2-realtime',
  ];
  assert.deepEqual([...elle].sort(compareAnomalies), elle);
});

test('unknown models are a usage error, friendly and canonical names both work', () => {
  assert.throws(() => validateModels(['stricct-snappshot-isolation']), (e: unknown) => e instanceof UsageError && /Unknown consistency model "stricct-snappshot-isolation"; known models are: .*snapshot-isolation/.test(e.message));
  assert.throws(() => elleChecker({ kind: 'list-append', consistencyModels: ['nope'] }), UsageError);
  validateModels(['PL-2', 'read-committed', 'strong-session-snapshot-isolation', 'strong-serializable']);
});

test('strongest satisfiable models only among those the analysed edges can judge', () => {
  assert.deepEqual(strongestSatisfiable(new Set(), { process: false, realtime: false }), ['serializable']);
  assert.deepEqual(strongestSatisfiable(new Set(), { process: true, realtime: false }), ['strong-session-serializable']);
  assert.deepEqual(strongestSatisfiable(new Set(), { process: true, realtime: true }), ['strict-serializable']);
  assert.deepEqual(strongestSatisfiable(anomaliesToImpossibleModels(['G2-item']), { process: false, realtime: false }), ['snapshot-isolation']);
});
