export * from './core.ts';
export * from './combinators.ts';
export { Scheduler, type Decision } from './scheduler.ts';
export { simulate, invocations, type SimulateOptions } from './simulate.ts';
