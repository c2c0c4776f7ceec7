// The composition root: wires workloads, systems, providers, nemeses, checkers and the report
// into the engine. The only place that knows all of them.
import { UsageError } from './errors.ts';
import type { CliRegistries } from './cli.ts';
import { localProvider } from './providers/local/index.ts';
import { dockerProvider } from './providers/docker/index.ts';
import type { RunOptions } from './types.ts';
import { fullChecker } from '../checkers/index.ts';
import { demoConsistency, demoDb, resolveDemoFlavor } from '../dbs/demo/index.ts';
import { binDb } from '../dbs/maelstrom.ts';
import { etcdDb } from '../dbs/etcd.ts';
import { redisDb } from '../dbs/redis.ts';
import { faultFamilies, nemesisPackage } from '../nemeses/index.ts';
import { parseShape } from '../nemeses/partition.ts';
import { parseTargets } from '../nemeses/kill.ts';
import { parsePacket } from '../nemeses/packet.ts';
import { renderReport } from '../reports/render.ts';
import { workloads } from '../workloads/index.ts';
import { checkLinearizable, isModelPath } from '../checkers/linearizable/index.ts';
import { MODELS } from '../checkers/linearizable/models.ts';

const DBS = ['demo', 'etcd', 'redis'];
/** Real servers, run on real nodes (docker provider), and the workloads each one has clients for. */
const REAL_DBS: Record<string, { make: typeof etcdDb; workloads: string[] }> = {
  etcd: { make: etcdDb, workloads: ['register', 'counter', 'lock', 'queue'] },
  redis: { make: redisDb, workloads: ['counter', 'register', 'cache', 'lock', 'queue'] },
};

export const registries: CliRegistries = {
  workloads,
  providers: { local: localProvider, docker: dockerProvider },
  nemesisNames: Object.keys(faultFamilies),
  nemesisPackage,
  fullChecker,
  renderReport,
  checkRegistry: {
    models: Object.keys(MODELS),
    isModelPath,
    check: (history, spec, o) => checkLinearizable(history, spec, o),
    renderReport,
  },
  db(opts: RunOptions) {
    if (opts.bin) return binDb(opts);
    if (opts.db === 'demo') return demoDb(opts);
    if (REAL_DBS[opts.db]) return REAL_DBS[opts.db].make(opts);
    throw new UsageError(`Unknown db "${opts.db}"; valid systems are: ${DBS.join(', ')} (or --bin PATH for your own node).`);
  },
  // Lock runs want many owners per node: a fault must find holders, and waiters to take over.
  defaultConcurrency: (workload) => (workload === 'lock' ? '4n' : undefined),
  resolveDefaults(opts: RunOptions): RunOptions {
    if (!workloads[opts.workload]) {
      throw new UsageError(`Unknown workload "${opts.workload}"; valid workloads are: ${Object.keys(workloads).join(', ')}.`);
    }
    parseShape(opts.partitionShape);
    parseTargets(opts.killTargets, '--kill-targets');
    parseTargets(String(opts.pauseTargets ?? 'one'), '--pause-targets');
    parseTargets(String(opts.packetTargets ?? 'minority'), '--packet-targets');
    parsePacket(String(opts.packet ?? 'delay'));
    if (opts.bin) {
      if (opts.flavor) throw new UsageError('--flavor chooses a variant of the built-in system; it does not apply with --bin.');
      return { ...opts, db: 'bin', consistency: opts.consistency ?? 'linearizable' };
    }
    const real = REAL_DBS[opts.db];
    if (real) {
      if (opts.provider !== 'docker') throw new UsageError(`--db ${opts.db} runs the real server on real nodes: add --provider docker.`);
      if (!real.workloads.includes(opts.workload)) throw new UsageError(`--db ${opts.db} has no client for the ${opts.workload} workload yet; it has: ${real.workloads.join(', ')}.`);
      real.make(opts); // refuses a bad flavor now, before anything starts
      if (opts.db === 'etcd' && opts.nemesis.includes('clock')) {
        throw new UsageError('etcd is a Go program: it reads the clock without libc, so libfaketime cannot move its clock and --nemesis clock would do nothing to it; drop clock from --nemesis (the built-in systems on the local provider take clock faults).');
      }
      if (opts.db === 'redis' && opts.nemesis.includes('clock')) {
        throw new UsageError("Debian's redis-server (built with jemalloc) cannot start under libfaketime 0.9.10 (it stops on a recursive clock_gettime during start-up), so --nemesis clock cannot run against it; drop clock from --nemesis (the built-in systems on the local provider take clock faults).");
      }
      return { ...opts, consistency: opts.consistency ?? 'linearizable' };
    }
    if (opts.provider !== 'local') throw new UsageError(`The built-in demo system runs on the local provider; with --provider ${opts.provider} choose a real system: --db etcd or --db redis.`);
    if (opts.db !== 'demo') throw new UsageError(`Unknown db "${opts.db}"; valid systems are: ${DBS.join(', ')} (or --bin PATH for your own node).`);
    const flavor = resolveDemoFlavor(opts.workload, opts.flavor);
    return { ...opts, flavor, consistency: opts.consistency ?? demoConsistency(opts.workload, flavor) };
  },
};
