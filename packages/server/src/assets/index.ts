/** The assets module: the registry of every located thing. */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import type { AdminUnitsService } from '../geo/admin-units.service.js';

export function assetsModule(_ctx: CoreContext, _deps: { geo: AdminUnitsService }) {
  const module: CityOpsModule = { name: 'assets' };
  return { module };
}
