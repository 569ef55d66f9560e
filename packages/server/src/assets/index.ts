/**
 * The assets module: the registry of every located thing, its import and
 * export, its map layer and vector tiles. Other modules and the demo seeder
 * call `service` (an AssetsService); they never read the assets table.
 */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import type { Db } from '../core/db/db.js';
import type { AdminUnitsService } from '../geo/admin-units.service.js';
import { AssetsService } from './assets.service.js';
import { assetsRoutes } from './assets.routes.js';
import { importRoutes } from './import.routes.js';
import { layersRoutes } from './layers.routes.js';
import type { TileRenderer } from './tiles.js';
import { PostgisTileRenderer } from './tiles-postgis.js';
import { GeoJsonVtTileRenderer } from './tiles-js.js';
import type { SecretBox } from '../core/auth/secret-box.js';

export { AssetsService, PROVINCE_WIDE, type ImportFile } from './assets.service.js';
export { presentAsset } from './assets.present.js';
export { ImportRejectedError, type ImportOptions } from './import.js';

/** Picks the tile renderer by what the database can do, not by which database it is. */
export function tileRendererFor(db: Db): TileRenderer {
  return db.capabilities.mvt ? new PostgisTileRenderer(db) : new GeoJsonVtTileRenderer(db);
}

export function assetsModule(
  ctx: CoreContext,
  deps: { geo: AdminUnitsService; secrets: SecretBox },
) {
  const service = new AssetsService({
    secrets: deps.secrets,
    db: ctx.db,
    audit: ctx.audit,
    clock: ctx.clock,
    geo: deps.geo,
    tiles: tileRendererFor(ctx.db),
  });
  const module: CityOpsModule = {
    name: 'assets',
    routes: async (app) => {
      assetsRoutes(service)(app);
      layersRoutes(service)(app);
      await importRoutes(service, ctx.config.importLimit)(app);
    },
  };
  return { module, service };
}
