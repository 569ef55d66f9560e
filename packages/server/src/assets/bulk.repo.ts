/**
 * Set-based storage for imports: each statement takes a batch of thousands of
 * rows as one jsonb parameter (jsonb_to_recordset), so that 100,000 assets
 * cost tens of statements, not 100,000 round trips.
 *
 * Admin units are derived a batch at a time (place), by the rule
 * of admin_unit_at() (the deepest unit valid on the date whose boundary holds
 * ST_PointOnSurface of the geometry, then the lowest code), as a join of the
 * units with the batch's points. Called once per row, admin_unit_at() probes
 * the unit index and re-reads the large province boundary for every point
 * (~50 µs each on PostgreSQL, more than the insert itself); the join reads each
 * unit once against a GiST index of the points (~10 µs a point). Single-asset
 * writes call admin_unit_at() itself; a test holds the two to the same answers.
 */
import type { AssetStatus, AssetType } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';

/** One asset of a batch, as the statements read it from JSON. */
export interface BulkRow {
  id: string;
  type: AssetType;
  code: string;
  name: string;
  /** A point as lon/lat (cheaper than parsing GeoJSON)… */
  lon: number | null;
  lat: number | null;
  /** …or any other geometry as GeoJSON. */
  geometry: unknown;
  properties: Record<string, unknown>;
  secrets: Record<string, string>;
  /** null keeps the current status on update ("unknown" on create). */
  status: AssetStatus | null;
  agency_code: string | null;
  tags: string[];
  search_text: string;
}

const recordset = (batch: string) => sql`
  jsonb_to_recordset(${batch}::jsonb) AS r(id uuid, type text, code text, name text,
    lon float8, lat float8, geometry jsonb, properties jsonb, secrets jsonb, status text,
    agency_code text, tags text[], search_text text)
  CROSS JOIN LATERAL (SELECT CASE WHEN r.geometry IS NULL
      THEN ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)
      ELSE ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), 4326)) END AS geom) g`;

/** A batch serialised once, for the statements that read it. */
export type Batch = string;
export const batchOf = (rows: BulkRow[]): Batch => JSON.stringify(rows);

/** Starts placing an import: temporary tables of a batch's points and their units. */
export async function startPlacing(db: Queryable): Promise<void> {
  await db.query(sql`CREATE TEMP TABLE asset_import_point (id uuid, pt geometry) ON COMMIT DROP`);
  await db.query(sql`CREATE INDEX ON asset_import_point USING gist (pt)`);
  await db.query(sql`
    CREATE TEMP TABLE asset_import_unit (id uuid PRIMARY KEY, unit text) ON COMMIT DROP`);
}

/**
 * Derives the admin unit of a batch's points into asset_import_unit, by the
 * rule of admin_unit_at(): communes first (so the large province boundary is
 * read only for the points no commune holds), then the other levels. Points are
 * given as lon/lat, other geometries as GeoJSON (null for points).
 */
export async function place(
  db: Queryable,
  p: { ids: string[]; lons: Array<number | null>; lats: Array<number | null>; shapes: unknown[] },
  today: string,
): Promise<void> {
  await db.query(sql`TRUNCATE asset_import_point, asset_import_unit`);
  await db.query(sql`
    INSERT INTO asset_import_point (id, pt)
    SELECT r.id, CASE WHEN r.shape IS NULL THEN ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)
      ELSE ST_PointOnSurface(ST_SetSRID(ST_GeomFromGeoJSON(r.shape), 4326)) END
    FROM unnest(${p.ids}::uuid[], ${p.lons}::float8[], ${p.lats}::float8[],
      ${p.shapes.map((s) => (s === null ? null : JSON.stringify(s)))}::text[]) AS r(id, lon, lat, shape)`);
  // Fresh statistics, so that the planner reads each unit once against the points' index.
  await db.query(sql`ANALYZE asset_import_point`);
  const valid = sql`u.boundary IS NOT NULL
    AND u.valid_from <= ${today}::date AND (u.valid_to IS NULL OR u.valid_to >= ${today}::date)`;
  await db.query(sql`
    INSERT INTO asset_import_unit (id, unit)
    SELECT DISTINCT ON (p.id) p.id, u.code
    FROM admin_units u JOIN asset_import_point p ON ST_Intersects(u.boundary, p.pt)
    WHERE u.level = 'commune' AND ${valid}
    ORDER BY p.id, u.code`);
  await db.query(sql`
    WITH rest AS MATERIALIZED (
      SELECT p.id, p.pt FROM asset_import_point p
      WHERE NOT EXISTS (SELECT 1 FROM asset_import_unit x WHERE x.id = p.id))
    INSERT INTO asset_import_unit (id, unit)
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
    SELECT p.id, u.unit FROM asset_import_point p LEFT JOIN asset_import_unit u ON u.id = p.id`);
}

export async function insertBatch(db: Queryable, batch: Batch, now: Date): Promise<void> {
  await db.query(sql`
    INSERT INTO assets (id, type, code, name, geom, properties, secrets, status, admin_unit_code,
      agency_code, tags, search_text, created_at, updated_at)
    SELECT r.id, r.type, r.code, r.name, g.geom, r.properties, r.secrets,
      COALESCE(r.status, 'unknown'), p.unit, r.agency_code, r.tags, r.search_text, ${now}, ${now}
    FROM ${recordset(batch)}
    LEFT JOIN asset_import_unit p ON p.id = r.id`);
}

/** Replaces the assets named by id; write-only values merge, a missing status stays. */
export async function updateBatch(db: Queryable, batch: Batch, now: Date): Promise<void> {
  await db.query(sql`
    UPDATE assets AS a SET
      name = r.name, geom = g.geom, properties = r.properties,
      secrets = (SELECT COALESCE(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
                 FROM jsonb_each(a.secrets || r.secrets) AS e WHERE e.value <> '""'::jsonb),
      status = COALESCE(r.status, a.status), admin_unit_code = p.unit,
      agency_code = r.agency_code, tags = r.tags, search_text = r.search_text, updated_at = ${now}
    FROM ${recordset(batch)}
    LEFT JOIN asset_import_unit p ON p.id = r.id
    WHERE a.id = r.id`);
}

export interface Existing {
  type: AssetType;
  code: string;
  id: string;
  admin_unit_code: string | null;
  agency_code: string | null;
}

/** The assets that already hold some of these (type, code) keys. */
export async function existingKeys(
  db: Queryable,
  keys: Array<{ type: string; code: string }>,
): Promise<Existing[]> {
  if (keys.length === 0) return [];
  return db.query<Existing>(sql`
    SELECT a.type, a.code, a.id, a.admin_unit_code, a.agency_code
    FROM assets a
    JOIN unnest(${keys.map((k) => k.type)}::text[], ${keys.map((k) => k.code)}::text[]) AS k(type, code)
      ON a.type = k.type AND a.code = k.code`);
}

/** Which of the geometries PostGIS finds invalid, with the reason. */
export async function invalidGeometries(
  db: Queryable,
  items: Array<{ i: number; geometry: unknown }>,
): Promise<Array<{ i: number; reason: string }>> {
  if (items.length === 0) return [];
  return db.query<{ i: number; reason: string }>(sql`
    SELECT r.i, ST_IsValidReason(g.g) AS reason
    FROM jsonb_to_recordset(${JSON.stringify(items)}::jsonb) AS r(i int, geometry jsonb)
    CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), 4326) AS g) g
    WHERE NOT ST_IsValid(g.g)`);
}
