/** Serves the operator console at / and the citizen app at /citizen/. */
import type { CityOpsModule, CoreContext } from '../core/module.js';

export function webModule(_ctx: CoreContext) {
  const module: CityOpsModule = { name: 'web' };
  return { module };
}
