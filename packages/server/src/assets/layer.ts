/**
 * The asset map layer as GeoJSON, for small sets (a ward, one type). A dense
 * area answers thousands of points at ~80 ms of serialisation alone (see
 * LIMITS.md), so beyond ASSET_LAYER_MAX_FEATURES the layer refuses and points
 * to the vector tiles, which thin and encode in the database.
 */
import { ASSET_LAYER_MAX_FEATURES, assetTypes } from '@cityops/contracts';
import type { AssetLayerCatalogue } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import type { Scope } from '../core/auth/principal.js';
import { ValidationError } from '../core/errors.js';
import { countsByTypeUpTo, countUpTo, layerRows } from './assets.repo.js';
import type { ResolvedFilter } from './filters.js';

export interface AssetFeatureCollection {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    id: string;
    geometry: unknown;
    properties: {
      id: string;
      type: string;
      code: string;
      name: string;
      status: string;
      adminUnit: string | null;
    };
  }>;
}

export const TILE_URL_TEMPLATE = '/api/v1/tiles/{layer}/{z}/{x}/{y}.mvt';

export async function assetLayer(
  db: Queryable,
  f: ResolvedFilter,
  scope: Scope,
): Promise<AssetFeatureCollection> {
  const n = await countUpTo(db, f, scope, ASSET_LAYER_MAX_FEATURES);
  if (n > ASSET_LAYER_MAX_FEATURES) {
    throw ValidationError.field(
      'bbox',
      `more than ${ASSET_LAYER_MAX_FEATURES.toLocaleString('en')} assets match: narrow the bbox ` +
        `or the filters, or use the vector tiles (${TILE_URL_TEMPLATE})`,
    );
  }
  const rows = await layerRows(db, f, scope, ASSET_LAYER_MAX_FEATURES);
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      id: r.id,
      geometry: r.geometry,
      properties: {
        id: r.id,
        type: r.type,
        code: r.code,
        name: r.name,
        status: r.status,
        adminUnit: r.admin_unit_code,
      },
    })),
  };
}

/**
 * Which source each asset type takes on the map, so that a client asks for
 * the GeoJSON layer only where it will be answered (and never meets the 400
 * of a type past the limit).
 */
export async function assetLayerCatalogue(
  db: Queryable,
  scope: Scope,
): Promise<AssetLayerCatalogue> {
  const counts = await countsByTypeUpTo(db, assetTypes, scope, ASSET_LAYER_MAX_FEATURES);
  return {
    maxFeatures: ASSET_LAYER_MAX_FEATURES,
    types: counts.map(({ type, n }) =>
      n > ASSET_LAYER_MAX_FEATURES
        ? { type, count: null, source: 'tiles' as const }
        : { type, count: n, source: 'geojson' as const },
    ),
  };
}
