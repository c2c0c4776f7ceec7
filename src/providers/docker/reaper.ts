// The docker provider's reaper (testcontainers' Ryuk, in-process style): started detached by the
// controller with a pipe on stdin. When that pipe closes — the controller exited, crashed or was
// SIGKILLed — it removes every container and network labelled with the run id, then exits.
import Docker from 'dockerode';
import { removeLabelled } from './engine.ts';

const runId = process.argv[2];
if (!runId) process.exit(2);
process.on('SIGINT', () => {}); // a Ctrl-C at the terminal is the controller's to handle
let reaping = false;
const reap = () => {
  if (reaping) return;
  reaping = true;
  removeLabelled(new Docker(), runId).catch(() => {}).finally(() => process.exit(0));
};
process.stdin.on('data', () => {});
process.stdin.on('end', reap);
process.stdin.on('close', reap);
process.stdin.resume();
