// The lock table on the primary (n1) of the built-in lock service. Holders and the last fencing
// token are written to the data directory before any acknowledgement, so a SIGKILL of the
// primary forgets nothing it granted, and tokens only ever grow.
//   lease:  a grant expires leaseMs after it was made or last kept alive, measured on the
//           primary's wall clock (Date.now) — as a lease server trusting its clock would. A clock
//           jump, or a holder whose keep-alives stop (paused, cut off), ends the lease while the
//           holder still believes it holds the lock.
//   fenced: a grant lasts until its owner releases it. Nothing expires, so no clock and no pause
//           can hand the lock to a second owner; the price is availability: a lock whose owner
//           vanished stays taken until that owner (by id) comes back and releases it.
import path from 'node:path';
import { loadJson, saveJson } from './json-file.ts';
import { CODE, type Body, NodeError } from './runtime.ts';

interface Holder {
  owner: string;
  fence: number;
  /** Wall-clock ms (lease only). */
  expires?: number;
}

interface State {
  lastFence: number;
  holders: Record<string, Holder>;
}

export class LockTable {
  private state: State = { lastFence: 0, holders: {} };
  private readonly file: string;

  constructor(dataDir: string, private readonly mode: 'lease' | 'fenced', private readonly leaseMs: number) {
    this.file = path.join(dataDir, 'locks.json');
    this.state = loadJson(this.file, this.state);
  }

  private persist(): void {
    saveJson(this.file, this.state);
  }

  /** The current holder, if its grant is still in force. */
  private live(lock: string): Holder | null {
    const h = this.state.holders[lock];
    if (!h) return null;
    if (this.mode === 'lease' && h.expires! <= Date.now()) return null;
    return h;
  }

  acquire(lock: string, owner: string): number {
    const h = this.live(lock);
    if (h && h.owner !== owner) throw new NodeError(CODE.temporarilyUnavailable, `lock ${lock} is held by ${h.owner}`);
    if (h) {
      // Already this owner's (its earlier acquire's answer was lost): the same grant again.
      if (this.mode === 'lease') h.expires = Date.now() + this.leaseMs;
      this.persist();
      return h.fence;
    }
    const fence = ++this.state.lastFence;
    this.state.holders[lock] = { owner, fence, ...(this.mode === 'lease' ? { expires: Date.now() + this.leaseMs } : {}) };
    this.persist();
    return fence;
  }

  release(lock: string, owner: string): void {
    const h = this.state.holders[lock];
    // An expired lease nobody else took is still its owner's to release.
    if (!h || h.owner !== owner) throw new NodeError(CODE.preconditionFailed, `${owner} does not hold lock ${lock}`);
    delete this.state.holders[lock];
    this.persist();
  }

  keepalive(lock: string, owner: string): void {
    const h = this.live(lock);
    if (!h || h.owner !== owner) throw new NodeError(CODE.preconditionFailed, `${owner}'s lease on lock ${lock} has ended`);
    if (this.mode === 'lease') h.expires = Date.now() + this.leaseMs;
    this.persist();
  }

  handle(body: Body): Body {
    const lock = String(body.lock);
    const owner = String(body.owner);
    switch (body.type) {
      case 'p_acquire': return { type: 'p_acquire_ok', fence: this.acquire(lock, owner) };
      case 'p_release': this.release(lock, owner); return { type: 'p_release_ok' };
      case 'p_keepalive': this.keepalive(lock, owner); return { type: 'p_keepalive_ok' };
      default: throw new NodeError(10, `the lock table does not support ${body.type}`);
    }
  }
}
