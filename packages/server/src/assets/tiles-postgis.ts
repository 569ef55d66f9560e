/**
 * Vector tiles encoded by PostGIS (ST_AsMVT), clipped to ST_TileEnvelope.
 *
 * Each tile runs in a transaction of its own with parallel workers and JIT
 * off: the planner prices ST_AsMVTGeom high, so it would start a worker and
 * compile the query (~15 ms each), more than the whole tile takes without.
 */
import type { Db, Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import {
  BUFFER,
  EXTENT,
  MAX_TILE_FEATURES,
  tileSelection,
  type TileRenderer,
  type TileRequest,
} from './tiles.js';

export class PostgisTileRenderer implements TileRenderer {
  constructor(private readonly db: Db) {}

  render(req: TileRequest): Promise<Uint8Array | null> {
    return this.db.transaction((tx) => this.renderIn(tx, req));
  }

  private async renderIn(tx: Queryable, req: TileRequest): Promise<Uint8Array | null> {
    const { where, weight } = await tileSelection(
      tx,
      req,
      sql`set_config('max_parallel_workers_per_gather', '0', true) || set_config('jit', 'off', true)`,
    );
    const [row] = await tx.query<{ tile: Uint8Array | null }>(sql`
      WITH f AS (
        SELECT ST_AsMVTGeom(ST_Transform(a.geom, 3857),
            ST_TileEnvelope(${req.z}::int, ${req.x}::int, ${req.y}::int)::box2d,
            ${EXTENT}::int, ${BUFFER}::int, true) AS geom,
          a.id::text AS id, a.type, a.code, a.name, a.status
          ${weight > 1 ? sql`, ${weight}::int AS weight` : sql``}
        FROM assets a
        WHERE ${where}
        LIMIT ${MAX_TILE_FEATURES}
      )
      SELECT ST_AsMVT(f, ${req.layer}::text, ${EXTENT}::int, 'geom') AS tile
      FROM f WHERE f.geom IS NOT NULL`);
    const tile = row?.tile;
    return tile && tile.length > 0 ? tile : null;
  }
}
