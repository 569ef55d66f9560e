/** Asset map layers: a GeoJSON layer for small sets and Mapbox Vector Tiles for everything. */
import { z } from 'zod';
import {
  ASSET_LAYER_MAX_FEATURES,
  assetFilterQuery,
  assetLayerCatalogueSchema,
  assetFilterSchema,
  assetTileLayerSchema,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { principalOf } from '../core/http/app.js';
import { ValidationError } from '../core/errors.js';
import type { AssetsService } from './assets.service.js';
import { MAX_ZOOM } from './tiles.js';

const MVT = 'application/vnd.mapbox-vector-tile';

const tileParams = z
  .object({
    layer: assetTileLayerSchema,
    z: z.coerce.number().int().min(0).max(MAX_ZOOM),
    x: z.coerce.number().int().min(0),
    y: z.coerce.number().int().min(0),
  })
  .superRefine((p, ctx) => {
    const n = 2 ** p.z;
    for (const k of ['x', 'y'] as const) {
      if (p[k] >= n)
        ctx.addIssue({ code: 'custom', path: [k], message: `must be below ${n} at zoom ${p.z}` });
    }
  });

export function layersRoutes(assets: AssetsService) {
  return (app: App) => {
    app.get(
      '/api/v1/layers/assets',
      {
        schema: {
          tags: ['assets', 'layers'],
          summary: 'Which source the map takes for each asset type: GeoJSON or vector tiles',
          description:
            `Per asset type in the caller's scope: \`geojson\` with the exact count while it has at ` +
            `most ${ASSET_LAYER_MAX_FEATURES} assets, else \`tiles\` (count null).`,
          querystring: z.object({}).strict(),
          response: { 200: assetLayerCatalogueSchema },
        },
        config: { access: 'assets:read' },
      },
      async (request) => assets.layerCatalogue(principalOf(request).scope),
    );

    app.get(
      '/api/v1/layers/assets.geojson',
      {
        schema: {
          tags: ['assets', 'layers'],
          summary: `Assets as a GeoJSON FeatureCollection (at most ${ASSET_LAYER_MAX_FEATURES}; beyond, use the vector tiles)`,
          description:
            'Takes the filters of the asset list. Feature properties: id, type, code, name, ' +
            'status, adminUnit.',
          querystring: assetFilterSchema,
          produces: ['application/geo+json'],
        },
        config: { access: 'assets:read' },
      },
      async (request, reply) =>
        reply
          .type('application/geo+json')
          .send(await assets.layer(request.query, principalOf(request).scope)),
    );

    app.get(
      '/api/v1/tiles/:layer/:z/:x/:y.mvt',
      {
        schema: {
          tags: ['assets', 'layers'],
          summary:
            'Asset vector tile (Mapbox Vector Tile), URL template /api/v1/tiles/{layer}/{z}/{x}/{y}.mvt',
          description:
            '`layer` is `assets` (every type; `?type=` filters) or one asset type. The layer ' +
            'inside the tile has the same name; features carry id, type, code, name and status. ' +
            'A tile too dense to draw shows a stable sample of its assets, each feature with ' +
            '`weight` = how many assets it stands for. An empty tile answers 204.',
          params: tileParams,
          querystring: z.object({ type: assetFilterQuery.type }).strict(),
          produces: [MVT],
        },
        config: { access: 'assets:read' },
      },
      async (request, reply) => {
        const { layer, z: zoom, x, y } = request.params;
        if (layer !== 'assets' && request.query.type)
          throw ValidationError.field('type', 'only the assets layer takes a type filter');
        const tile = await assets.tile(
          layer,
          { z: zoom, x, y },
          { types: request.query.type },
          principalOf(request).scope,
        );
        // The tile depends on the caller's scope: never shared by a cache.
        reply.header('cache-control', 'private, max-age=30');
        if (!tile) return reply.status(204).send();
        return reply.type(MVT).send(Buffer.from(tile.buffer, tile.byteOffset, tile.byteLength));
      },
    );
  };
}
