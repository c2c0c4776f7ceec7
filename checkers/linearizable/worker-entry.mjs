// Worker threads start here: Node 20 does not apply the parent's TypeScript loader to a worker's
// entry module, so register tsx, then load the worker proper.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
