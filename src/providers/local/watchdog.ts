// The local provider's watchdog: started detached by the controller with a pipe on stdin. When the
// pipe closes — the controller exited, crashed or was SIGKILLed — it reaps the cluster's directory
// (every process group it started, resumed and killed; the directory removed). After a normal
// teardown there is nothing left to reap.
import { reap } from './leftovers.ts';

const dir = process.argv[2];
if (!dir) process.exit(2);
process.on('SIGINT', () => {}); // a Ctrl-C at the terminal is the controller's to handle
process.on('SIGTERM', () => {});
let reaping = false;
const done = () => {
  if (reaping) return;
  reaping = true;
  try {
    reap(dir);
  } finally {
    process.exit(0);
  }
};
process.stdin.on('data', () => {});
process.stdin.on('end', done);
process.stdin.on('close', done);
process.stdin.resume();
