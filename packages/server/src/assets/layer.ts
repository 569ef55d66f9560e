/**
 * The asset map layer as GeoJSON, for small sets (a ward, one type). A dense
 * area answers thousands of points at ~80 ms of serialisation alone (see
 * LIMITS.md), so beyond ASSET_LAYER_MAX_FEATURES the layer refuses and points
 * to the vector tiles, which thin and encode in the database.
 */
import { ASSET_LAYER_MAX_FEATURES } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import type { Scope } from '../core/auth/principal.js';
import { ValidationError } from '../core/errors.js';
import { countUpTo, layerRows } from './assets.repo.js';
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
