/** The geo module: admin units and their boundaries over time, point → unit lookup. */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import { AdminUnitsService } from './admin-units.service.js';
import { adminUnitsRoutes } from './admin-units.routes.js';

export function geoModule(ctx: CoreContext) {
  const service = new AdminUnitsService(ctx.db, ctx.clock, ctx.config.timezone);
  const module: CityOpsModule = { name: 'geo', routes: adminUnitsRoutes(service) };
  return { module, service };
}
