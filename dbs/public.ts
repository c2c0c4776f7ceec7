// The built-in systems, as the public API offers them.
import { daemon } from './daemon.ts';
import { demo } from './demo/index.ts';
import { etcd } from './etcd.ts';
import { maelstrom } from './maelstrom.ts';
import { redis } from './redis.ts';
import { postgres } from './postgres.ts';
import { service } from './service.ts';

export const dbs = {
  /** The built-in nodes for a workload (local provider), in one of their flavors. */
  demo,
  /** A real etcd cluster on docker or ssh nodes. */
  etcd,
  /** A real Redis primary and replicas on docker or ssh nodes. */
  redis,
  /** PostgreSQL on the first node, for list-append and rw-register (--isolation). */
  postgres,
  /** Your own executable speaking the Maelstrom node protocol, as every node (local provider). */
  maelstrom,
  /** Your own server, started by command on every node (any provider): kill, pause and clock faults included. */
  daemon,
  /** Your own image or compose service as every node (docker --image / --compose): kill, pause
   *  and partitions included, with nothing installed in the image. */
  service,
};
