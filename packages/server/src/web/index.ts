/**
 * The web module: serves the operator console at / and the citizen app at
 * /citizen/ from the build of packages/web, and GET /api/v1/ui-config.
 */
import { fileURLToPath } from 'node:url';
import type { CityOpsModule, CoreContext } from '../core/module.js';
import { staticRoutes } from './static.routes.js';
import { uiConfigRoutes } from './ui-config.routes.js';

/** packages/web/dist, from packages/server/src/web (tsx) and packages/server/dist/web (built) alike. */
export const defaultWebDist = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export function webModule(ctx: Pick<CoreContext, 'config'>, opts: { distDir?: string } = {}) {
  const serveApps = staticRoutes(opts.distDir ?? defaultWebDist);
  const uiConfig = uiConfigRoutes(ctx.config);
  const module: CityOpsModule = {
    name: 'web',
    routes: async (app) => {
      uiConfig(app);
      await serveApps(app);
    },
  };
  return { module };
}
