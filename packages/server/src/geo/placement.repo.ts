/**
 * Placing many things in admin units at once (bulk imports): by the rule of
 * admin_unit_at() — the commune holding a point on the geometry, else the
 * deepest other unit, lowest code first — but set-based, through temporary
 * tables with a spatial index, so each unit's boundary is read once per batch
 * (a call of admin_unit_at() per row costs more than the insert itself).
 */
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';

/** Starts placing within a transaction: temporary tables of a batch's points and their units. */
export async function startPlacing(db: Queryable): Promise<void> {
  await db.query(sql`CREATE TEMP TABLE geo_place_point (id uuid, pt geometry) ON COMMIT DROP`);
  await db.query(sql`CREATE INDEX ON geo_place_point USING gist (pt)`);
  await db.query(sql`
    CREATE TEMP TABLE geo_place_unit (id uuid PRIMARY KEY, unit text) ON COMMIT DROP`);
}

/**
 * Derives the admin unit of a batch's points into geo_place_unit, by the
 * rule of admin_unit_at(): communes first (so the large province boundary is
 * read only for the points no commune holds), then the other levels. Points are
 * given as lon/lat, other geometries as GeoJSON (null for points).
 */
export async function place(
  db: Queryable,
  p: { ids: string[]; lons: Array<number | null>; lats: Array<number | null>; shapes: unknown[] },
  today: string,
): Promise<void> {
  await db.query(sql`TRUNCATE geo_place_point, geo_place_unit`);
  await db.query(sql`
    INSERT INTO geo_place_point (id, pt)
    SELECT r.id, CASE WHEN r.shape IS NULL THEN ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)
      ELSE ST_PointOnSurface(ST_SetSRID(ST_GeomFromGeoJSON(r.shape), 4326)) END
    FROM unnest(${p.ids}::uuid[], ${p.lons}::float8[], ${p.lats}::float8[],
      ${p.shapes.map((s) => (s === null ? null : JSON.stringify(s)))}::text[]) AS r(id, lon, lat, shape)`);
  // Fresh statistics, so that the planner reads each unit once against the points' index.
  await db.query(sql`ANALYZE geo_place_point`);
  const valid = sql`u.boundary IS NOT NULL
    AND u.valid_from <= ${today}::date AND (u.valid_to IS NULL OR u.valid_to >= ${today}::date)`;
  await db.query(sql`
    INSERT INTO geo_place_unit (id, unit)
    SELECT DISTINCT ON (p.id) p.id, u.code
    FROM admin_units u JOIN geo_place_point p ON ST_Intersects(u.boundary, p.pt)
    WHERE u.level = 'commune' AND ${valid}
    ORDER BY p.id, u.code`);
  await db.query(sql`
    WITH rest AS MATERIALIZED (
      SELECT p.id, p.pt FROM geo_place_point p
      WHERE NOT EXISTS (SELECT 1 FROM geo_place_unit x WHERE x.id = p.id))
    INSERT INTO geo_place_unit (id, unit)
    SELECT DISTINCT ON (p.id) p.id, u.code
    FROM admin_units u JOIN rest p ON ST_Intersects(u.boundary, p.pt)
    WHERE u.level <> 'commune' AND ${valid}
    ORDER BY p.id, CASE u.level WHEN 'district' THEN 1 ELSE 2 END, u.code`);
}

/** The unit each point was placed in (null: outside every unit). */
export async function placedUnits(
  db: Queryable,
): Promise<Array<{ id: string; unit: string | null }>> {
  return db.query(sql`
    SELECT p.id, u.unit FROM geo_place_point p LEFT JOIN geo_place_unit u ON u.id = p.id`);
}
