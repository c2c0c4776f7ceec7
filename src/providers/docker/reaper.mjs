// The docker provider's reaper (testcontainers' Ryuk, in-process style): started detached by the
// controller with a pipe on stdin. When that pipe closes — the controller exited, crashed or was
// SIGKILLed — it removes every container and network labelled with the run id, then exits.
import Docker from 'dockerode';

const runId = process.argv[2];
if (!runId) process.exit(2);
process.stdin.resume();
process.stdin.on('data', () => {});
const reap = async () => {
  const docker = new Docker();
  const filters = { label: [`jepsen-ts.run=${runId}`] };
  try {
    for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {});
    // Endpoints of just-removed containers can linger for a moment: retry.
    for (let attempt = 0; attempt < 20; attempt++) {
      const left = await docker.listNetworks({ filters });
      if (!left.length) break;
      for (const n of left) await docker.getNetwork(n.Id).remove().catch(() => {});
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    process.exit(0);
  }
};
process.stdin.on('end', reap);
process.stdin.on('close', reap);
process.on('SIGINT', () => {}); // a Ctrl-C at the terminal is the controller's to handle
