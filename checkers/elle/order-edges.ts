// Session (process) and real-time orders between transactions.
//
// Process: each transaction follows the last ok transaction its process completed before it
// (Elle's process graph, plus edges into indeterminate transactions: an info transaction that
// took effect did so after its process's earlier ones, and one that did not has no out-edges).
//
// Real time: T1 precedes T2 when T1 completed ok before T2 was invoked. The full relation is
// quadratic; Elle keeps a transitive reduction (a frontier of recent completions linked to each
// new invocation), which is still O(n * concurrency) edges. We get the same reachability with
// O(n) edges through a chain of virtual "time" nodes: each ok completion links to the current time
// node, time nodes link forward in history order, and each invocation is linked from the current
// time node. T1 reaches T2 through the chain iff T1 completed before T2 was invoked. Cycle search
// later collapses runs of time nodes back into single real-time steps between transactions.
// Info transactions are targets only (they may take effect any time after their invocation);
// failed ones are neither.
import type { EdgeList } from './graph.ts';
import * as H from './history.ts';
import type { Txns } from './history.ts';
import * as R from './rels.ts';
import { i32 } from './arena.ts';

// Imported bindings cost a getter call per use when run through tsx; hot loops use these copies.
const { FAIL, OK } = H;
const { PROCESS, REALTIME } = R;

export function addProcessEdges(t: Txns, edges: EdgeList): void {
  const last = new Map<unknown, number>();
  // Txn ids follow invocation order, which for one process is also completion order.
  for (let i = 0; i < t.n; i++) {
    if (t.type[i] === FAIL) continue;
    const p = last.get(t.process[i]);
    if (p !== undefined) edges.add(p, i, PROCESS);
    if (t.type[i] === OK) last.set(t.process[i], i);
  }
}

/** Adds real-time edges through virtual nodes numbered from t.n; returns how many it made. */
export function addRealtimeEdges(t: Txns, edges: EdgeList): number {
  const h = t.history.length;
  // event[i] = txn*2 (invocation) or txn*2+1 (ok completion) at history index i, else -1.
  const event = i32(h).fill(-1);
  for (let i = 0; i < t.n; i++) {
    if (t.type[i] === FAIL) continue;
    if (t.invoke[i] >= 0) event[t.invoke[i]] = i * 2;
    if (t.type[i] === OK && t.complete[i] >= 0) event[t.complete[i]] = i * 2 + 1;
  }
  let virtual = 0;
  let cur = -1;
  let curLinked = false; // has an invocation been linked from cur yet?
  for (let i = 0; i < h; i++) {
    const e = event[i];
    if (e < 0) continue;
    const txn = e >> 1;
    if ((e & 1) === 0) {
      if (cur >= 0) {
        edges.add(cur, txn, REALTIME);
        curLinked = true;
      }
      continue;
    }
    // Completions with no invocation in between can share a time node.
    if (cur < 0 || curLinked) {
      const node = t.n + virtual++;
      if (cur >= 0) edges.add(cur, node, REALTIME);
      cur = node;
      curLinked = false;
    }
    edges.add(txn, cur, REALTIME);
  }
  return virtual;
}
