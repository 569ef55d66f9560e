// The database thread when CityOps runs from its TypeScript source (tests,
// benchmarks): TypeScript is compiled on the fly in the thread as well. The
// built code starts dist/core/db/pglite-thread.js directly instead.
import { register } from 'tsx/esm/api';

register();
await import('./pglite-thread.ts');
