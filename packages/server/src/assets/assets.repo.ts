/**
 * Storage of assets: one row per asset, the geometry in PostGIS, the admin
 * unit derived in SQL with admin_unit_at(). Every query that presents an asset
 * selects `columns`, which never includes `secrets`.
 */
import type { AssetStatus, AssetType } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import { raw, sql, type Sql } from '../core/db/sql.js';
import { scopeClause, type Scope } from '../core/auth/principal.js';
import { distanceOf, filterConditions, whereOf, type ResolvedFilter } from './filters.js';

export interface AssetRow {
  id: string;
  type: AssetType;
  code: string;
  name: string;
  geometry: unknown;
  properties: Record<string, unknown>;
  status: AssetStatus;
  admin_unit_code: string | null;
  agency_code: string | null;
  tags: string[];
  created_at: Date;
  updated_at: Date;
  distance?: number;
}

/** What presents an asset: everything but the write-only values. */
export const columns = sql`a.id, a.type, a.code, a.name, ST_AsGeoJSON(a.geom, 7)::json AS geometry,
  a.properties, a.status, a.admin_unit_code, a.agency_code, a.tags, a.created_at, a.updated_at`;

/** A GeoJSON geometry (text) as stored: 2D, WGS84. */
export const geometryFrom = (geojson: string): Sql =>
  sql`ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(${geojson}::text), 4326))`;

/** Merges write-only values into the stored ones; an empty string removes a value. */
export const mergedSecrets = (current: Sql, given: string): Sql =>
  sql`(SELECT COALESCE(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
       FROM jsonb_each(${current} || ${given}::jsonb) AS e
       WHERE e.value <> '""'::jsonb)`;

export interface Page {
  /** The sort key of the last row of the previous page. */
  after?: { id: string; distance?: number | undefined } | undefined;
  limit: number;
}

/** One page of assets in id order, or by distance with `near`, selecting `select`. */
function listQuery(f: ResolvedFilter, scope: Scope, page: Page, select: Sql): Sql {
  const c = filterConditions(f, scope);
  if (f.near) {
    const d = distanceOf(f.near);
    if (page.after)
      c.push(sql`(${d}, a.id) > (${page.after.distance ?? 0}, ${page.after.id}::uuid)`);
    return sql`
      SELECT ${select}, ${d} AS distance FROM assets a
      WHERE ${whereOf(c)}
      ORDER BY distance, a.id
      LIMIT ${page.limit}`;
  }
  if (page.after) c.push(sql`a.id > ${page.after.id}::uuid`);
  return sql`
    SELECT ${select} FROM assets a
    WHERE ${whereOf(c)}
    ORDER BY a.id
    LIMIT ${page.limit}`;
}

export async function listAssets(
  db: Queryable,
  f: ResolvedFilter,
  scope: Scope,
  page: Page,
): Promise<AssetRow[]> {
  return db.query<AssetRow>(listQuery(f, scope, page, columns));
}

/** A timestamp as Date.prototype.toISOString() writes it (milliseconds, truncated, UTC). */
const isoTime = (column: string): Sql =>
  raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** An asset row of a page, with its API JSON (presentAsset's shape) already written. */
export interface AssetJsonRow {
  id: string;
  distance?: number;
  json: string;
}

/**
 * One page as listAssets selects it, each asset's JSON written by the database
 * with exactly presentAsset's fields in its order (a test holds the two to the
 * same answers). A page of 1,000 then crosses to Node as 1,000 strings instead
 * of 12,000 values to convert (GeoJSON and properties parsed, times turned into
 * Dates) and written out again: on PGlite this is a third of the statement.
 * The JSON is built after ORDER BY … LIMIT, for the page's rows only.
 */
export function listJsonQuery(f: ResolvedFilter, scope: Scope, page: Page): Sql {
  // The page is chosen on narrow rows (where each lies, its sort key), then its rows are
  // read again by that place: sorting 10,000 candidates of a viewport carries 22 bytes
  // each instead of every column. Both reads share the statement's snapshot.
  const chosen = listQuery(f, scope, page, sql`a.ctid AS tid, a.id`);
  // row_to_json writes the columns in order, named as aliased, without spaces.
  return sql`
    SELECT j.id, ${f.near ? sql`j.distance,` : sql``} row_to_json(j)::text AS json
    FROM (
      SELECT a.id, a.type, a.code, a.name, ST_AsGeoJSON(a.geom, 7)::json AS geometry,
        a.properties, a.status, a.admin_unit_code AS "adminUnit", a.agency_code AS "agencyCode",
        a.tags, ${isoTime('a.created_at')} AS "createdAt", ${isoTime('a.updated_at')} AS "updatedAt"
        ${f.near ? sql`, p.distance` : sql``}
      FROM (${chosen}) p JOIN assets a ON a.ctid = p.tid
    ) j
    ORDER BY ${f.near ? sql`j.distance, ` : sql``}j.id`;
}

export async function listAssetsJson(
  db: Queryable,
  f: ResolvedFilter,
  scope: Scope,
  page: Page,
): Promise<AssetJsonRow[]> {
  return db.query<AssetJsonRow>(listJsonQuery(f, scope, page));
}

/** How many assets match, counting no further than `cap` + 1. */
export async function countUpTo(
  db: Queryable,
  f: ResolvedFilter,
  scope: Scope,
  cap: number,
): Promise<number> {
  const [row] = await db.query<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM assets a WHERE ${whereOf(filterConditions(f, scope))} LIMIT ${cap + 1}
    ) s`);
  return row?.n ?? 0;
}

export async function findAsset(
  db: Queryable,
  id: string,
  scope: Scope,
  opts: { forUpdate?: boolean } = {},
): Promise<AssetRow | undefined> {
  const [row] = await db.query<AssetRow>(sql`
    SELECT ${columns} FROM assets a
    WHERE a.id = ${id} AND ${scopeClause(scope, 'a.admin_unit_code', 'a.agency_code')}
    ${opts.forUpdate ? sql`FOR UPDATE` : sql``}`);
  return row;
}

export async function findByCode(
  db: Queryable,
  type: AssetType,
  code: string,
  scope: Scope,
): Promise<AssetRow | undefined> {
  const [row] = await db.query<AssetRow>(sql`
    SELECT ${columns} FROM assets a
    WHERE a.type = ${type} AND a.code = ${code}
      AND ${scopeClause(scope, 'a.admin_unit_code', 'a.agency_code')}`);
  return row;
}

/** Whether another asset of the type has the code (in any scope: codes are unique province-wide). */
export async function codeTaken(
  db: Queryable,
  type: AssetType,
  code: string,
  exceptId?: string,
): Promise<boolean> {
  const rows = await db.query(sql`
    SELECT 1 FROM assets
    WHERE type = ${type} AND code = ${code} AND id IS DISTINCT FROM ${exceptId ?? null}::uuid`);
  return rows.length > 0;
}

/** Why a geometry is not valid in PostGIS (say, a self-intersecting ring), or null. */
export async function geometryProblem(db: Queryable, geojson: string): Promise<string | null> {
  const [row] = await db.query<{ valid: boolean; reason: string }>(sql`
    WITH g AS (SELECT ${geometryFrom(geojson)} AS g)
    SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason FROM g`);
  return row && !row.valid ? row.reason : null;
}

/** Which of the codes name no agency. */
export async function unknownAgencies(db: Queryable, codes: string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await db.query<{ code: string }>(
    sql`SELECT code FROM agencies WHERE code = ANY(${codes}::text[])`,
  );
  const known = new Set(rows.map((r) => r.code));
  return [...new Set(codes)].filter((c) => !known.has(c));
}

export interface AssetWrite {
  id: string;
  type: AssetType;
  code: string;
  name: string;
  /** GeoJSON text. */
  geometry: string;
  properties: Record<string, unknown>;
  /** Sealed write-only values. */
  secrets: Record<string, string>;
  status: AssetStatus;
  agencyCode: string | null;
  tags: string[];
  searchText: string;
}

export async function insertAsset(
  db: Queryable,
  w: AssetWrite,
  today: string,
  now: Date,
): Promise<AssetRow> {
  const [row] = await db.query<AssetRow>(sql`
    WITH g AS (SELECT ${geometryFrom(w.geometry)} AS geom)
    INSERT INTO assets AS a (id, type, code, name, geom, properties, secrets, status,
      admin_unit_code, agency_code, tags, search_text, created_at, updated_at)
    SELECT ${w.id}, ${w.type}, ${w.code}, ${w.name}, g.geom, ${JSON.stringify(w.properties)}::jsonb,
      ${JSON.stringify(w.secrets)}::jsonb, ${w.status}, admin_unit_at(g.geom, ${today}::date),
      ${w.agencyCode}, ${w.tags}::text[], ${w.searchText}, ${now}, ${now}
    FROM g
    RETURNING ${columns}`);
  return row!;
}

/** The fields a change sets; absent ones stay. */
export interface AssetSet {
  code?: string | undefined;
  name?: string | undefined;
  geometry?: string | undefined;
  properties?: Record<string, unknown> | undefined;
  /** Write-only values to merge (an empty string removes one). */
  secrets?: Record<string, string> | undefined;
  status?: AssetStatus | undefined;
  agencyCode?: string | null | undefined;
  tags?: string[] | undefined;
  searchText?: string | undefined;
}

export async function updateAsset(
  db: Queryable,
  id: string,
  s: AssetSet,
  today: string,
  now: Date,
): Promise<AssetRow> {
  const sets: Sql[] = [sql`updated_at = ${now}`];
  if (s.code !== undefined) sets.push(sql`code = ${s.code}`);
  if (s.name !== undefined) sets.push(sql`name = ${s.name}`);
  if (s.geometry !== undefined) {
    sets.push(sql`geom = g.geom`, sql`admin_unit_code = admin_unit_at(g.geom, ${today}::date)`);
  }
  if (s.properties !== undefined)
    sets.push(sql`properties = ${JSON.stringify(s.properties)}::jsonb`);
  if (s.secrets !== undefined && Object.keys(s.secrets).length > 0)
    sets.push(sql`secrets = ${mergedSecrets(sql`a.secrets`, JSON.stringify(s.secrets))}`);
  if (s.status !== undefined) sets.push(sql`status = ${s.status}`);
  if (s.agencyCode !== undefined) sets.push(sql`agency_code = ${s.agencyCode}`);
  if (s.tags !== undefined) sets.push(sql`tags = ${s.tags}::text[]`);
  if (s.searchText !== undefined) sets.push(sql`search_text = ${s.searchText}`);
  const geom = s.geometry !== undefined ? geometryFrom(s.geometry) : sql`NULL::geometry`;
  const [row] = await db.query<AssetRow>(sql`
    UPDATE assets AS a SET ${joinSets(sets)}
    FROM (SELECT ${geom} AS geom) g
    WHERE a.id = ${id}
    RETURNING ${columns}`);
  return row!;
}

function joinSets(sets: Sql[]): Sql {
  return sets.reduce((acc, s, i) => (i === 0 ? s : sql`${acc}, ${s}`));
}

export async function deleteAsset(
  db: Queryable,
  id: string,
  scope: Scope,
): Promise<AssetRow | undefined> {
  const [row] = await db.query<AssetRow>(sql`
    DELETE FROM assets AS a
    WHERE a.id = ${id} AND ${scopeClause(scope, 'a.admin_unit_code', 'a.agency_code')}
    RETURNING ${columns}`);
  return row;
}

/** Sets the live status; answers the row only when the status changed. */
export async function setStatus(
  db: Queryable,
  id: string,
  status: AssetStatus,
  now: Date,
): Promise<{ before: AssetStatus; row: AssetRow } | undefined> {
  const [row] = await db.query<AssetRow & { before: AssetStatus }>(sql`
    UPDATE assets AS a SET status = ${status}, updated_at = ${now}
    FROM (SELECT id, status FROM assets WHERE id = ${id} FOR UPDATE) old
    WHERE a.id = old.id AND a.status <> ${status}
    RETURNING ${columns}, old.status AS before`);
  if (!row) return undefined;
  const { before, ...rest } = row;
  return { before, row: rest };
}

export async function readSecrets(db: Queryable, id: string): Promise<unknown> {
  const [row] = await db.query<{ secrets: unknown }>(
    sql`SELECT secrets FROM assets WHERE id = ${id}`,
  );
  return row?.secrets;
}

/**
 * How many assets of each type the scope holds, counting no further than
 * `cap` + 1 per type (each count walks the type's index and stops there).
 */
export async function countsByTypeUpTo(
  db: Queryable,
  types: readonly string[],
  scope: Scope,
  cap: number,
): Promise<Array<{ type: AssetType; n: number }>> {
  return db.query(sql`
    SELECT t.type, (
      SELECT count(*)::int FROM (
        SELECT 1 FROM assets a
        WHERE a.type = t.type AND ${scopeClause(scope, 'a.admin_unit_code', 'a.agency_code')}
        LIMIT ${cap + 1}
      ) s
    ) AS n
    FROM unnest(${types}::text[]) AS t(type)`);
}

/** Features of the GeoJSON layer, in id order. */
export async function layerRows(
  db: Queryable,
  f: ResolvedFilter,
  scope: Scope,
  limit: number,
): Promise<
  Array<{
    id: string;
    type: string;
    code: string;
    name: string;
    status: string;
    admin_unit_code: string | null;
    geometry: unknown;
  }>
> {
  return db.query(sql`
    SELECT a.id, a.type, a.code, a.name, a.status, a.admin_unit_code,
      ST_AsGeoJSON(a.geom, 7)::json AS geometry
    FROM assets a WHERE ${whereOf(filterConditions(f, scope))}
    ORDER BY a.id LIMIT ${limit}`);
}
