// The docker provider (DESIGN.md §6): its options and how it names nodes. The cluster itself is
// cluster.ts; compose files compose.ts; the node image image.ts.
import { UsageError } from '../../errors.ts';
import type { Provider, RunOptions } from '../../types.ts';
import { DockerCluster, dockerMode } from './cluster.ts';
import { loadCompose } from './compose.ts';

export { DockerCluster, isDockerNode, FAKETIME_LIB, CLOCK_FILE, NODE_DIR, type DockerNodeHandle } from './cluster.ts';

export const dockerProvider: Provider = {
  name: 'docker',
  options: [
    {
      name: 'dockerSubnet', type: 'string', defaultText: 'a free 10.213.x.0/24', description: "The subnet of the run's docker network",
      validate: (v) => (/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-8])$/.test(String(v)) ? undefined : 'expected an IPv4 subnet such as 10.213.0.0/24 (prefix /16 to /28)'),
    },
    {
      name: 'image', type: 'string', description: "Run every node as this image of yours (its own command, or --node-command); the image needs no iptables or tc",
      validate: (_v, all) => (all.compose !== undefined ? 'give --image or --compose, not both' : undefined),
    },
    { name: 'compose', type: 'string', description: 'A compose file: its services are the nodes (or those in x-jepsen.nodes; the others run as unfaulted helpers)' },
    {
      name: 'nodeCommand', type: 'string', description: "With --image: the command every node runs instead of the image's own",
      validate: (_v, all) => (all.image === undefined ? 'it applies to --image only (a compose file names each service\'s command)' : undefined),
    },
    {
      name: 'nodeEnv', type: 'list', repeatable: true, description: 'With --image: KEY=VALUE in every node\'s environment (repeatable)',
      validate: (v, all) => {
        if (all.image === undefined) return 'it applies to --image only (a compose file names each service\'s environment)';
        const bad = (v as string[]).find((kv) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(kv));
        return bad === undefined ? undefined : `"${bad}" is not KEY=VALUE`;
      },
    },
  ],
  nodeNames(opts: RunOptions): string[] {
    if (opts.compose) return loadCompose(String(opts.compose)).services.filter((s) => s.node).map((s) => s.name);
    return Array.from({ length: opts.nodeCount }, (_, i) => `n${i + 1}`);
  },
  provision: (spec) => {
    if (dockerMode(spec.opts) === 'compose' && spec.nodes.length === 0) throw new UsageError('The compose file names no node.');
    return DockerCluster.create(spec);
  },
};
