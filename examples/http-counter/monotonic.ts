// Your own workload and checker, against the same service: the counter only grows (adds are
// positive), so no client may ever read a smaller value than one it read before, and no read may
// be smaller than what was acknowledged before it began. Run it with
//   npx jepsen-ts run ./examples/http-counter/monotonic.ts --nemesis kill
import { defineTest, generators as g, type CheckResult, type Checker, type History, type Workload } from 'jepsen-ts';
import { CounterClient, httpCounter } from './test.ts';

/** Reads must never go back: per process, and against the acknowledged adds before them. */
const monotonic: Checker = {
  check(_test, history: History): CheckResult {
    const lastRead = new Map<unknown, number>(); // process -> its last ok read
    const started = new Map<unknown, number>(); // process -> acknowledged sum when its read began
    let acked = 0;
    const backwards: Array<{ index: number; process: unknown; read: number; floor: number }> = [];
    const invoked = new Map<unknown, number>(); // process -> delta of its add in flight
    for (const op of history) {
      if (op.process === 'nemesis') continue;
      if (op.type === 'invoke') {
        if (op.f === 'read') started.set(op.process, acked);
        else invoked.set(op.process, op.value as number);
        continue;
      }
      if (op.f === 'add' && op.type === 'ok') acked += invoked.get(op.process) ?? 0;
      if (op.f !== 'read' || op.type !== 'ok') continue;
      const read = op.value as number;
      const floor = Math.max(lastRead.get(op.process) ?? 0, started.get(op.process) ?? 0);
      if (read < floor) backwards.push({ index: op.index, process: op.process, read, floor });
      lastRead.set(op.process, read);
    }
    return { valid: backwards.length === 0, 'backwards-count': backwards.length, backwards: backwards.slice(0, 20) };
  },
};

/** Mostly reads, a few adds; every client reads once more at the end. */
const workload: Workload = {
  name: 'monotonic',
  generator: g.mix([{ f: 'read', value: null }, { f: 'read', value: null }, (ctx) => ({ f: 'add', value: ctx.rng.int(1, 3) })]),
  finalGenerator: g.eachThread(g.once({ f: 'read', value: null })),
  checker: monotonic,
};

export default defineTest({
  name: 'http-counter-monotonic',
  workload,
  client: () => new CounterClient(),
  db: httpCounter,
  defaults: { nodeCount: 3 },
});
