/**
 * Mapbox Vector Tiles of assets. Two renderers stand behind one interface and
 * are chosen by what the database can do (db.capabilities.mvt), never by which
 * database it is: ST_AsMVT in PostGIS when it has it, else the features of the
 * tile read as GeoJSON and encoded in Node with geojson-vt and vt-pbf (PGlite's
 * PostGIS is built without protobuf). Both select the same features.
 *
 * Dense tiles are thinned, not clustered: each asset holds a stable random
 * `sample` in [0, 512). When more than MAX_TILE_FEATURES assets fall in a tile,
 * the tile shows those with sample < 64, then < 8, then = 0 (1/8, 1/64, 1/512),
 * each read through its own small partial GiST index, and every feature of a
 * thinned tile carries `weight` (how many assets it stands for). Levels are
 * counted from the sparsest up and each count stops at MAX_TILE_FEATURES + 1,
 * so a z8 tile over a million points reads about two thousand index entries
 * instead of a million rows; the same asset stays visible across neighbouring
 * tiles and zooms. Measured with a million assets on PostgreSQL
 * (test/assets/perf.test.ts): the densest z14 tile (~10,600 assets, drawn 1 in
 * 8) and the z8 tile over all of them both answer in about 20-45 ms at p95 on
 * a shared two-core box.
 */
import type { AssetType, BBox } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import { sql, type Sql } from '../core/db/sql.js';
import type { Scope } from '../core/auth/principal.js';
import { filterConditions, trusted, whereOf } from './filters.js';

export const EXTENT = 4096;
export const BUFFER = 64;
export const MAX_ZOOM = 22;
/** Features per tile before it is thinned (ST_AsMVT costs ~10 µs per point; see LIMITS.md). */
export const MAX_TILE_FEATURES = 4000;

export interface TileRequest {
  /** The layer name written inside the tile. */
  layer: string;
  z: number;
  x: number;
  y: number;
  filter: { types?: AssetType[] | undefined };
  scope: Scope;
}

export interface TileRenderer {
  /** The encoded tile, or null when no asset falls in it. */
  render(req: TileRequest): Promise<Uint8Array | null>;
}

/** The lon/lat box of a Web Mercator tile, grown by `margin` tiles on each side. */
export function tileBounds(z: number, x: number, y: number, margin = BUFFER / EXTENT): BBox {
  const n = 2 ** z;
  const lon = (tx: number) => Math.min(180, Math.max(-180, (tx / n) * 360 - 180));
  const lat = (ty: number) => {
    const t = Math.min(n, Math.max(0, ty));
    return (Math.atan(Math.sinh(Math.PI * (1 - (2 * t) / n))) * 180) / Math.PI;
  };
  return {
    minLon: lon(x - margin),
    maxLon: lon(x + 1 + margin),
    maxLat: lat(y - margin),
    minLat: lat(y + 1 + margin),
  };
}

export interface Thinning {
  /** The extra condition (a constant of this module, so the planner can match a partial index). */
  condition: Sql | null;
  /** How many assets each feature stands for. */
  weight: number;
}

const LEVELS: Thinning[] = [
  { condition: null, weight: 1 },
  { condition: trusted('a.sample < 64'), weight: 8 },
  { condition: trusted('a.sample < 8'), weight: 64 },
  { condition: trusted('a.sample = 0'), weight: 512 },
];

/**
 * The conditions selecting the assets of a tile, with the thinning it needs.
 * Levels are counted from the sparsest up, each holding about 8 times the one
 * before: a denser level is counted only while the last count says it may fit,
 * so no count reads more than a few thousand index entries, however many
 * assets the tile covers. The chain is one statement (a CASE runs its
 * subquery only when taken): one round trip, not four. `prefix` is selected
 * with it (settings for the statements after).
 */
export async function tileSelection(
  db: Queryable,
  req: TileRequest,
  prefix: Sql = sql`NULL`,
): Promise<{ where: Sql; weight: number }> {
  const base = filterConditions(
    { types: req.filter.types, overlaps: tileBounds(req.z, req.x, req.y) },
    req.scope,
  );
  const withLevel = (level: Thinning) => (level.condition ? [...base, level.condition] : base);
  const count = (level: Thinning) => sql`(SELECT count(*)::int FROM (
    SELECT 1 FROM assets a WHERE ${whereOf(withLevel(level))} LIMIT ${MAX_TILE_FEATURES + 1}) s)`;
  const fits = (n: string) =>
    sql`${trusted(n)} <= ${MAX_TILE_FEATURES} AND ${trusted(n)} * 8 <= ${MAX_TILE_FEATURES * 2}`;
  const [l0, l1, l2, l3] = LEVELS as [Thinning, Thinning, Thinning, Thinning];
  // MATERIALIZED: each count runs once, not copied into every expression that reads it.
  const [row] = await db.query<{
    n0: number | null;
    n1: number | null;
    n2: number | null;
    n3: number;
  }>(sql`
    WITH c3 AS MATERIALIZED (SELECT ${count(l3)} AS n3),
      c2 AS MATERIALIZED (SELECT CASE WHEN ${fits('n3')} THEN ${count(l2)} END AS n2 FROM c3),
      c1 AS MATERIALIZED (SELECT CASE WHEN ${fits('n2')} THEN ${count(l1)} END AS n1 FROM c2),
      c0 AS MATERIALIZED (SELECT CASE WHEN ${fits('n1')} THEN ${count(l0)} END AS n0 FROM c1)
    SELECT ${prefix} AS prefix, n3, n2, n1, n0 FROM c3, c2, c1, c0`);
  const counts = [row?.n0 ?? null, row?.n1 ?? null, row?.n2 ?? null, row?.n3 ?? null];
  // The densest level counted that fits; the sparsest when none does.
  const chosen = counts.findIndex((n) => n !== null && n <= MAX_TILE_FEATURES);
  const level = LEVELS[chosen < 0 ? LEVELS.length - 1 : chosen]!;
  return { where: whereOf(withLevel(level)), weight: level.weight };
}
