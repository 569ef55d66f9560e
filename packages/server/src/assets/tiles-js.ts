/**
 * Vector tiles encoded in Node, for databases without ST_AsMVT: the tile's
 * features (with a buffer) come from PostGIS as GeoJSON, geojson-vt cuts and
 * projects them, vt-pbf writes the protobuf.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import GeoJSONVT from 'geojson-vt';
import vtpbf from 'vt-pbf';
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import {
  BUFFER,
  EXTENT,
  MAX_TILE_FEATURES,
  tileSelection,
  type TileRenderer,
  type TileRequest,
} from './tiles.js';

interface TileRow {
  id: string;
  type: string;
  code: string;
  name: string;
  status: string;
  geometry: Geometry;
}

export class GeoJsonVtTileRenderer implements TileRenderer {
  constructor(private readonly db: Queryable) {}

  async render(req: TileRequest): Promise<Uint8Array | null> {
    const { where, weight } = await tileSelection(this.db, req);
    const rows = await this.db.query<TileRow>(sql`
      SELECT a.id::text AS id, a.type, a.code, a.name, a.status,
        ST_AsGeoJSON(a.geom, 7)::json AS geometry
      FROM assets a
      WHERE ${where}
      LIMIT ${MAX_TILE_FEATURES}`);
    if (rows.length === 0) return null;
    const features: Array<Feature<Geometry>> = rows.map(({ geometry, ...p }) => ({
      type: 'Feature',
      geometry,
      properties: weight > 1 ? { ...p, weight } : p,
    }));
    const collection: FeatureCollection = { type: 'FeatureCollection', features };
    const index = new GeoJSONVT(collection, {
      maxZoom: req.z,
      extent: EXTENT,
      buffer: BUFFER,
      indexMaxZoom: 0,
    });
    const tile = index.getTile(req.z, req.x, req.y);
    if (!tile || tile.features.length === 0) return null;
    return vtpbf.fromGeojsonVt({ [req.layer]: tile }, { version: 2, extent: EXTENT });
  }
}
