// The ssh provider's reaper: started detached by the controller with a pipe on stdin and the
// path of the run's record. When the pipe closes — the controller exited, crashed or was
// SIGKILLed — and the record is still there (no teardown removed it), it logs in to each host
// with the run's own settings and removes what the record names. A record it cannot clear stays
// for the next ssh run on those hosts.
import { reapRecord } from './reap.ts';
import { readRecord } from './state.ts';

const file = process.argv[2];
if (!file) process.exit(2);
process.on('SIGINT', () => {}); // a Ctrl-C at the terminal is the controller's to handle

async function reap(): Promise<void> {
  // The controller's own teardown may still be finishing: give it a moment to remove the record.
  await new Promise((r) => setTimeout(r, 1000));
  const rec = readRecord(file);
  if (!rec) return;
  await reapRecord(rec);
}

let reaping = false;
const onEnd = () => {
  if (reaping) return;
  reaping = true;
  reap().catch(() => {}).finally(() => process.exit(0));
};
process.stdin.on('data', () => {});
process.stdin.on('end', onEnd);
process.stdin.on('close', onEnd);
process.stdin.resume();
