// Provider-neutral control of Linux nodes over Remote (Jepsen's control, net and control.util):
// partitions, packet faults, signals, clocks, packages and files, used by the docker and ssh
// providers and by systems such as dbs/daemon.ts alike.
export { LinuxNet, type NetNode } from './net.ts';
export { chainName, CHAIN_PREFIX, teardownScript as chainTeardownScript } from './iptables.ts';
export { clearAllScript as clearQdiscsScript, netemArgs } from './netem.ts';
export { signalGroup, isAlive, startScript, signalScript, type Signal } from './signals.ts';
export { RemoteClocks, findRemoteLibfaketime, FIND_LIBFAKETIME, type ClockNode } from './faketime.ts';
export { ensure as ensurePackages, missing as missingPackages, faultRequirements, FAULT_TOOLS, type Requirement } from './packages.ts';
export { collectLogs, writeText, readText } from './files.ts';
