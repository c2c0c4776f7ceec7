// PostgreSQL (Debian's postgresql) for the transactional workloads, driven by the real `pg` client:
// one server on the first node (as Jepsen's single-node Postgres tests run it), every client
// connected to it, each transaction in a BEGIN ISOLATION LEVEL --isolation ... COMMIT.
//   list-append: a row per key holding an array; append = INSERT ... ON CONFLICT DO UPDATE SET
//                val = val || v; read = SELECT val (Jepsen's layout, with a Postgres array)
//   rw-register: a row per key; write = upsert; read = SELECT val
// Keys are spread over a few tables, so transactions touch several relations as real ones do.
// Errors: a serialization failure or deadlock (SQLSTATE 40001, 40P01) aborts the transaction —
// certainly not committed: fail. A connection refused before BEGIN: fail. Anything lost mid-commit
// (a reset, a timeout, the server killed): info, unless the transaction only read.
import pg from 'pg';
import { sh, shq } from '../src/remote-shell.ts';
import type { Client, Completion, Db, NodeHandle, Op, TestInfo } from '../src/types.ts';
import { ErrorCode } from '../src/op-errors.ts';
import { daemonDb } from './daemon.ts';

const PORT = 5432;
const TABLES = 3;
const ISOLATIONS = { 'read-uncommitted': 'READ UNCOMMITTED', 'read-committed': 'READ COMMITTED', 'repeatable-read': 'REPEATABLE READ', serializable: 'SERIALIZABLE' } as const;
export type Isolation = keyof typeof ISOLATIONS;

type Micro = [string, unknown, unknown];
const table = (k: unknown) => `txn${Math.abs(Number(k) | 0) % TABLES}`;

/** Where the server's binaries are on Debian (the version's own directory). */
const BIN = 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1';

class PostgresTxnClient implements Client {
  constructor(
    private readonly isolation: Isolation,
    private readonly conn: pg.Client | null = null,
    private readonly node = '',
  ) {}

  async open(test: TestInfo, _node: NodeHandle): Promise<Client> {
    const primary = test.cluster!.nodes[0];
    const conn = new pg.Client({
      host: primary.host, port: PORT, user: 'postgres', database: 'jepsen',
      connectionTimeoutMillis: 5000, query_timeout: test.opts.opTimeout * 1000, statement_timeout: test.opts.opTimeout * 1000,
    });
    conn.on('error', () => {}); // a dead connection fails the next query; nothing to do here
    await conn.connect();
    return new PostgresTxnClient(this.isolation, conn, primary.name);
  }

  async invoke(_test: TestInfo, op: Op, signal: AbortSignal): Promise<Completion> {
    const c = this.conn!;
    const txn = op.value as Micro[];
    const readOnly = txn.every(([f]) => f === 'r');
    let begun = false;
    const abort = () => c.end().catch(() => {}); // an abandoned transaction must not linger
    signal.addEventListener('abort', abort, { once: true });
    try {
      await c.query(`BEGIN ISOLATION LEVEL ${ISOLATIONS[this.isolation]}`);
      begun = true;
      const out: Micro[] = [];
      for (const [f, k, v] of txn) {
        const t = table(k);
        if (f === 'r') {
          const r = await c.query(`SELECT val FROM ${t} WHERE id = $1`, [k]);
          out.push([f, k, r.rows.length ? normalise(r.rows[0].val) : null]);
        } else if (f === 'append') {
          await c.query(`INSERT INTO ${t} (id, val) VALUES ($1, ARRAY[$2::bigint]) ON CONFLICT (id) DO UPDATE SET val = ${t}.val || $2::bigint`, [k, v]);
          out.push([f, k, v]);
        } else {
          await c.query(`INSERT INTO ${t} (id, val) VALUES ($1, ARRAY[$2::bigint]) ON CONFLICT (id) DO UPDATE SET val = ARRAY[$2::bigint]`, [k, v]);
          out.push([f, k, v]);
        }
      }
      await c.query('COMMIT');
      return { ...op, type: 'ok', node: this.node, value: out };
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (begun) await c.query('ROLLBACK').catch(() => {});
      // Aborted by the server: the transaction certainly did not commit.
      if (code === '40001' || code === '40P01') return { ...op, type: 'fail', node: this.node, error: { code: ErrorCode.txnConflict, text: `${code}: ${(e as Error).message}` } };
      const refused = /ECONNREFUSED|Connection terminated due to connection timeout|not queryable/.test(String((e as Error)?.message));
      return { ...op, type: readOnly || (!begun && refused) ? 'fail' : 'info', node: this.node, error: { text: String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200) } };
    } finally {
      signal.removeEventListener('abort', abort);
    }
  }

  async close(): Promise<void> {
    await this.conn?.end().catch(() => {});
  }
}

/** A read returns a list for list-append, and the single value for rw-register. */
function normalise(val: unknown): unknown {
  if (!Array.isArray(val)) return val ?? null;
  return val.map((x) => (typeof x === 'string' && /^-?\d+$/.test(x) ? (Number.isSafeInteger(Number(x)) ? Number(x) : BigInt(x)) : x));
}

export interface PostgresOptions {
  /** The isolation level every transaction asks for (default serializable). */
  isolation?: Isolation;
}

/** PostgreSQL on the first node, for list-append and rw-register. */
export function postgres(o: PostgresOptions = {}): Db {
  const isolation = o.isolation ?? 'serializable';
  const first = (test: TestInfo, node: NodeHandle) => node.name === test.cluster!.nodes[0].name;
  const server = daemonDb({
    name: 'postgres',
    port: PORT,
    command: () => ['sh', '-c', `exec runuser -u postgres -- "$(${BIN})/postgres" -D pgdata -c listen_addresses='*' -c port=${PORT} -c fsync=on`],
    async prepare(_test, node) {
      const dir = shq(node.dir);
      // A fresh cluster, reachable from the run network without a password (a test cluster).
      await sh(node, `mkdir -p ${dir} && chown postgres ${dir} && cd ${dir} && [ -d pgdata ] || `
        + `(runuser -u postgres -- "$(${BIN})/initdb" -D pgdata --auth=trust >/dev/null && `
        + `echo "host all all 0.0.0.0/0 trust" >> pgdata/pg_hba.conf)`, 120_000);
    },
    providers: ['docker', 'ssh'],
  });
  const createSchema = async (node: NodeHandle) => {
    const ddl = ['CREATE DATABASE jepsen'];
    await sh(node, `runuser -u postgres -- psql -p ${PORT} -qc ${shq(ddl[0])} || true`);
    const tables = Array.from({ length: TABLES }, (_, i) => `CREATE TABLE IF NOT EXISTS txn${i} (id bigint PRIMARY KEY, val bigint[] NOT NULL)`).join('; ');
    await sh(node, `runuser -u postgres -- psql -p ${PORT} -d jepsen -qc ${shq(tables)}`);
  };
  return {
    ...server,
    name: `postgres/${isolation}`,
    // Only the first node runs the server; the others are only names.
    async setup(test, node) {
      if (!first(test, node)) return;
      await server.setup(test, node);
      await createSchema(node);
    },
    async teardown(test, node) {
      if (first(test, node)) await server.teardown(test, node);
    },
    async kill(test, node) {
      if (first(test, node)) await server.kill!(test, node);
    },
    async start(test, node) {
      if (first(test, node)) await server.start!(test, node);
    },
    async pause(test, node) {
      if (first(test, node)) await server.pause!(test, node);
    },
    async resume(test, node) {
      if (first(test, node)) await server.resume!(test, node);
    },
    async primaries(test) {
      return test.nodes.slice(0, 1);
    },
    clients: { 'list-append': () => new PostgresTxnClient(isolation), 'rw-register': () => new PostgresTxnClient(isolation) },
    options: [
      { name: 'isolation', type: 'string', default: isolation, choices: Object.keys(ISOLATIONS), description: 'The isolation level every transaction asks for' },
    ],
    configure: (opts) => postgres({ isolation: opts.isolation as Isolation }),
    // Held to serializability whatever the level asked for: the test shows what a weaker level
    // lets through (give --consistency-models read-committed to hold it to its own promise).
    // One server has no real-time anomalies to speak of, so strict serializability is not asked.
    suggest: () => ({ consistencyModels: ['serializable'] }),
    refuse: ({ nemeses }) => (nemeses.includes('clock') ? 'PostgreSQL does not depend on wall clocks for its isolation; --nemesis clock would test nothing here: drop clock.' : undefined),
  };
}
