/** Storage of admin units and their boundaries over time. */
import type { AdminLevel } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import { containsPattern } from '../core/text.js';

export interface AdminUnitRow {
  code: string;
  valid_from: string;
  valid_to: string | null;
  name_vi: string;
  name_en: string;
  level: AdminLevel;
  kind: string;
  parent_code: string | null;
  approximate: boolean;
  source: string | null;
  external_refs: Record<string, string>;
  boundary?: unknown;
}

const columns = sql`code, valid_from, valid_to, name_vi, name_en, level, kind, parent_code, approximate, source, external_refs`;
const validAt = (at: string) =>
  sql`valid_from <= ${at}::date AND (valid_to IS NULL OR valid_to >= ${at}::date)`;

export async function listUnits(
  db: Queryable,
  f: {
    at: string;
    level?: AdminLevel | undefined;
    parent?: string | undefined;
    q?: string | undefined;
    after?: string | undefined;
    limit: number;
  },
): Promise<AdminUnitRow[]> {
  return db.query<AdminUnitRow>(sql`
    SELECT ${columns} FROM admin_units
    WHERE ${validAt(f.at)}
      AND (${f.level ?? null}::text IS NULL OR level = ${f.level ?? null})
      AND (${f.parent ?? null}::text IS NULL OR parent_code = ${f.parent ?? null})
      AND (${f.q ?? null}::text IS NULL OR search_text LIKE ${f.q ? containsPattern(f.q) : null})
      AND (${f.after ?? null}::text IS NULL OR code > ${f.after ?? null})
    ORDER BY code
    LIMIT ${f.limit}`);
}

/** The version of a unit valid on a date; else its latest version. */
export async function findUnit(
  db: Queryable,
  code: string,
  at: string,
): Promise<AdminUnitRow | undefined> {
  const [row] = await db.query<AdminUnitRow>(sql`
    SELECT ${columns}, ST_AsGeoJSON(boundary, 6)::json AS boundary FROM admin_units
    WHERE code = ${code}
    ORDER BY (${validAt(at)}) DESC, valid_from DESC
    LIMIT 1`);
  return row;
}

export async function unitsContaining(
  db: Queryable,
  lon: number,
  lat: number,
  at: string,
): Promise<AdminUnitRow[]> {
  return db.query<AdminUnitRow>(sql`
    SELECT ${columns} FROM admin_units
    WHERE ${validAt(at)} AND boundary IS NOT NULL
      AND ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326))
    ORDER BY CASE level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, code`);
}

export async function countUnits(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*) AS n FROM admin_units`);
  return row?.n ?? 0;
}

export interface UnitWrite {
  code: string;
  validFrom: string;
  validTo: string | null;
  nameVi: string;
  nameEn: string;
  level: AdminLevel;
  kind: string;
  parentCode: string | null;
  /** GeoJSON (Polygon or MultiPolygon) as text, or null. */
  boundary: string | null;
  approximate: boolean;
  source: string | null;
  externalRefs: Record<string, string>;
  searchText: string;
}

/** Inserts or replaces the version (code, validFrom). */
export async function upsertUnit(db: Queryable, u: UnitWrite, now: Date): Promise<void> {
  await db.query(sql`
    INSERT INTO admin_units (code, valid_from, valid_to, name_vi, name_en, level, kind, parent_code,
      boundary, approximate, source, external_refs, search_text, updated_at)
    VALUES (${u.code}, ${u.validFrom}, ${u.validTo}, ${u.nameVi}, ${u.nameEn}, ${u.level}, ${u.kind},
      ${u.parentCode},
      CASE WHEN ${u.boundary}::text IS NULL THEN NULL
           ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${u.boundary}::text), 4326)) END,
      ${u.approximate}, ${u.source}, ${JSON.stringify(u.externalRefs)}::jsonb, ${u.searchText}, ${now})
    ON CONFLICT (code, valid_from) DO UPDATE SET
      valid_to = EXCLUDED.valid_to, name_vi = EXCLUDED.name_vi, name_en = EXCLUDED.name_en,
      level = EXCLUDED.level, kind = EXCLUDED.kind, parent_code = EXCLUDED.parent_code,
      boundary = EXCLUDED.boundary, approximate = EXCLUDED.approximate, source = EXCLUDED.source,
      external_refs = EXCLUDED.external_refs, search_text = EXCLUDED.search_text, updated_at = EXCLUDED.updated_at`);
}

/** Why a GeoJSON geometry is not a valid area, or null when it is one. */
export async function areaProblem(db: Queryable, geojson: string): Promise<string | null> {
  try {
    const [row] = await db.query<{
      valid: boolean;
      reason: string;
      type: string;
      empty: boolean;
    }>(sql`
      WITH g AS (SELECT ST_GeomFromGeoJSON(${geojson}::text) AS g)
      SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason, GeometryType(g) AS type, ST_IsEmpty(g) AS empty FROM g`);
    if (!row) return 'not a geometry';
    if (row.type !== 'POLYGON' && row.type !== 'MULTIPOLYGON')
      return `must be a Polygon or MultiPolygon, not ${row.type}`;
    if (row.empty) return 'is empty';
    if (!row.valid) return `is not valid: ${row.reason}`;
    return null;
  } catch (err) {
    return `is not GeoJSON: ${(err as Error).message}`;
  }
}

/** The units valid on a date as one GeoJSON FeatureCollection, built in the database. */
export async function unitsFeatureCollection(
  db: Queryable,
  f: { at: string; level?: AdminLevel | undefined; parent?: string | undefined; tolerance: number },
): Promise<string> {
  const [row] = await db.query<{ fc: string }>(sql`
    SELECT json_build_object(
      'type', 'FeatureCollection',
      'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature',
        'id', code,
        'geometry', ST_AsGeoJSON(
          CASE WHEN ${f.tolerance}::float8 > 0 THEN ST_SimplifyPreserveTopology(boundary, ${f.tolerance}::float8) ELSE boundary END, 5)::json,
        'properties', json_build_object(
          'code', code, 'name', name_vi, 'nameVi', name_vi, 'nameEn', name_en, 'level', level,
          'kind', kind, 'parentCode', parent_code, 'approximate', approximate,
          'validFrom', valid_from, 'validTo', valid_to)
      ) ORDER BY code), '[]'::json)
    )::text AS fc
    FROM admin_units
    WHERE ${validAt(f.at)} AND boundary IS NOT NULL
      AND (${f.level ?? null}::text IS NULL OR level = ${f.level ?? null})
      AND (${f.parent ?? null}::text IS NULL OR parent_code = ${f.parent ?? null})`);
  return row?.fc ?? '{"type":"FeatureCollection","features":[]}';
}
