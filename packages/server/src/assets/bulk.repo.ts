/**
 * Set-based storage for imports: each statement takes a batch of thousands of
 * rows as one jsonb parameter (jsonb_to_recordset), so that 100,000 assets
 * cost tens of statements, not 100,000 round trips.
 *
 * Admin units are derived by the statement that writes the batch, joining
 * admin_unit_of() (admin_unit_at()'s rule as a set-returning function, which
 * PostgreSQL inlines: ~9 µs a point on the boundaries cut into small parts,
 * migration 0055), and answered with the ids, so that the caller checks its
 * area on what was written; the writes run inside the import's transaction,
 * so a batch found outside the area is rolled back with the rest of the file.
 * Placing a batch before writing it (temporary tables of the points, a spatial
 * join, the units read back into Node) took six more statements a batch, and
 * Node waited for them.
 */
import type { AssetStatus, AssetType } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import { empty, sql } from '../core/db/sql.js';

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
  /** Where the geometry lies; stored as given only when the write does not place the batch. */
  admin_unit_code: string | null;
  tags: string[];
  search_text: string;
}

const recordset = (batch: string) => sql`
  jsonb_to_recordset(${batch}::jsonb) AS r(id uuid, type text, code text, name text,
    lon float8, lat float8, geometry jsonb, properties jsonb, secrets jsonb, status text,
    agency_code text, admin_unit_code text, tags text[], search_text text)
  CROSS JOIN LATERAL (SELECT CASE WHEN r.geometry IS NULL
      THEN ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)
      ELSE ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), 4326)) END AS geom) g`;

/** A batch serialised once, for the statements that read it. */
export type Batch = string;
export const batchOf = (rows: BulkRow[]): Batch => JSON.stringify(rows);

/** Where a written asset was placed. */
export interface Placed {
  id: string;
  admin_unit_code: string | null;
}

export interface WriteOptions {
  /** Places each asset in its admin unit on this date; without it, the row's own unit is stored. */
  placeOn?: string | undefined;
  /** Skips (answers no row for) a new asset whose type and code are already stored. */
  skipTaken?: boolean | undefined;
}

/** The admin unit to store and the join it needs. */
const placing = (placeOn: string | undefined) =>
  placeOn === undefined
    ? { join: empty, unit: sql`r.admin_unit_code` }
    : {
        join: sql`LEFT JOIN LATERAL admin_unit_of(g.geom, ${placeOn}::date) u ON true`,
        unit: sql`u.code`,
      };

/**
 * Writes a batch's new assets in spatial order (PostGIS sorts geometries along a
 * Hilbert curve), so that neighbours share table pages: a map viewport then
 * reads a few rows from each of a few pages per batch, instead of one page per
 * row when the file's order is unrelated to place. A 2 km viewport of a million
 * assets loaded in file order touched ~8,400 pages; written like this, ~900.
 * Ids stay in file order (the audit names the created range), only the storage
 * order changes. Answers where each asset written was placed (none when the
 * statement neither places nor skips: a loader has no use for them).
 */
export async function insertBatch(
  db: Queryable,
  batch: Batch,
  now: Date,
  opts: WriteOptions = {},
): Promise<Placed[]> {
  const p = placing(opts.placeOn);
  return db.query<Placed>(sql`
    INSERT INTO assets (id, type, code, name, geom, properties, secrets, status, admin_unit_code,
      agency_code, tags, search_text, created_at, updated_at)
    SELECT r.id, r.type, r.code, r.name, g.geom, r.properties, r.secrets,
      COALESCE(r.status, 'unknown'), ${p.unit}, r.agency_code, r.tags, r.search_text,
      ${now}, ${now}
    FROM ${recordset(batch)} ${p.join}
    ORDER BY g.geom
    ${opts.skipTaken ? sql`ON CONFLICT (type, code) DO NOTHING` : empty}
    ${opts.placeOn !== undefined || opts.skipTaken ? sql`RETURNING id, admin_unit_code` : empty}`);
}

/**
 * Replaces the assets named by id; write-only values merge, a missing status
 * stays. Answers where each asset was placed.
 */
export async function updateBatch(
  db: Queryable,
  batch: Batch,
  now: Date,
  opts: Pick<WriteOptions, 'placeOn'> = {},
): Promise<Placed[]> {
  const p = placing(opts.placeOn);
  return db.query<Placed>(sql`
    UPDATE assets AS a SET
      name = r.name, geom = g.geom, properties = r.properties,
      secrets = (SELECT COALESCE(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
                 FROM jsonb_each(a.secrets || r.secrets) AS e WHERE e.value <> '""'::jsonb),
      status = COALESCE(r.status, a.status), admin_unit_code = ${p.unit},
      agency_code = r.agency_code, tags = r.tags, search_text = r.search_text, updated_at = ${now}
    FROM ${recordset(batch)} ${p.join}
    WHERE a.id = r.id
    RETURNING a.id, a.admin_unit_code`);
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
