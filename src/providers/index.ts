// The built-in providers: where a test's nodes run.
import { dockerProvider } from './docker/index.ts';
import { localProvider } from './local/index.ts';
import { sshProvider } from './ssh/index.ts';

export const providers = {
  /** Nodes are local processes; the controller routes node-protocol messages (no root, no Docker). */
  local: localProvider,
  /** One container per node on a labelled docker network (dockerode). */
  docker: dockerProvider,
  /** Real hosts over SSH (ssh2), as Jepsen runs: --nodes, --ssh-user, --ssh-key, --known-hosts. */
  ssh: sshProvider,
};
