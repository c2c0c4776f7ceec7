// The composition root: wires workloads, systems, providers, nemeses, checkers and the report
// into the engine. The only place that knows all of them.
import { UsageError } from '../src/errors.ts';
import type { CliRegistries } from '../src/cli.ts';
import { localProvider } from '../src/providers/local/index.ts';
import type { RunOptions } from '../src/types.ts';
import { fullChecker } from '../checkers/index.ts';
import { demoConsistency, demoDb, resolveDemoFlavor } from '../dbs/demo/index.ts';
import { binDb } from '../dbs/maelstrom.ts';
import { faultFamilies, nemesisPackage } from '../nemeses/index.ts';
import { parseShape } from '../nemeses/partition.ts';
import { parseTargets } from '../nemeses/kill.ts';
import { parsePacket } from '../nemeses/packet.ts';
import { renderReport } from '../reports/render.ts';
import { workloads } from '../workloads/index.ts';
import { checkLinearizable, isModelPath } from '../checkers/linearizable/index.ts';
import { MODELS } from '../checkers/linearizable/models.ts';

const DBS = ['demo'];

export const registries: CliRegistries = {
  workloads,
  providers: { local: localProvider },
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
    if (opts.db !== 'demo') throw new UsageError(`Unknown db "${opts.db}"; valid systems are: ${DBS.join(', ')} (or --bin PATH for your own node).`);
    const flavor = resolveDemoFlavor(opts.workload, opts.flavor);
    return { ...opts, flavor, consistency: opts.consistency ?? demoConsistency(opts.workload, flavor) };
  },
};
