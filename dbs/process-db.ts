// A system whose nodes are processes speaking the node protocol, run by the local provider:
// shared by the built-in demo systems and by `--bin` (any Maelstrom-compatible binary).
import { UsageError } from '../src/errors.ts';
import { isLocalNode, type LocalNodeHandle } from '../src/providers/local/index.ts';
import type { Db, NodeHandle, TestInfo } from '../src/types.ts';
import type { LaunchSpec } from '../src/providers/local/node-process.ts';

function local(node: NodeHandle, dbName: string): LocalNodeHandle {
  if (!isLocalNode(node)) throw new UsageError(`The ${dbName} system runs only on the local provider (--provider local).`);
  return node;
}

export function processDb(name: string, launch: (test: TestInfo, node: NodeHandle) => LaunchSpec): Db {
  return {
    name,
    speaksNodeProtocol: true,
    clients: {},
    async setup(test, node) {
      await local(node, name).proc.launch(launch(test, node));
    },
    async teardown(_test, node) {
      await local(node, name).proc.stop();
    },
    async kill(_test, node) {
      await local(node, name).proc.kill();
    },
    async start(_test, node) {
      await local(node, name).proc.start();
    },
    async pause(_test, node) {
      local(node, name).proc.pause();
    },
    async resume(_test, node) {
      local(node, name).proc.resume();
    },
    async primaries(test) {
      return test.nodes.slice(0, 1);
    },
    async logFiles(_test, node) {
      return [local(node, name).proc.logPath];
    },
  };
}
