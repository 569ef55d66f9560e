/** The dashboards module: aggregations for the console's dashboards and video wall. */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import { DashboardsService } from './dashboards.service.js';
import { dashboardsRoutes } from './dashboards.routes.js';

export { DashboardsService } from './dashboards.service.js';

export function dashboardsModule(ctx: CoreContext) {
  const service = new DashboardsService(ctx.db, ctx.clock, ctx.config.timezone);
  const module: CityOpsModule = { name: 'dashboards', routes: dashboardsRoutes(service) };
  return { module, service };
}
