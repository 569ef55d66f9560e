/**
 * Storage of the camera platform: cameras are rows of the assets table (type
 * camera or anpr_camera), read here with their health beside them, because a
 * page filtered by health status must be cut in one query with the caller's
 * scope. Writes to assets go through the assets service; this module writes
 * only its own tables (camera_health, camera_status_periods, camera_grants).
 * Presenting queries never select `secrets`; only `sourceRows` does, for the
 * server's own use.
 */
import type { Queryable } from '../core/db/db.js';
import { sql, type Sql, join } from '../core/db/sql.js';
import { scopeClause, type Scope } from '../core/auth/principal.js';
import { columns, type AssetRow } from '../assets/assets.repo.js';
import type { CameraHealthStatus } from '@cityops/contracts';

export const CAMERA_TYPES = ['camera', 'anpr_camera'];

export interface CameraRow extends AssetRow {
  health_status: 'online' | 'degraded' | 'offline' | null;
  reason_code: string | null;
  reason_vi: string | null;
  reason_en: string | null;
  checks: Record<string, unknown> | null;
  checked_at: Date | null;
  since: Date | null;
  has_credentials: boolean;
}

const cameraColumns = sql`${columns}, h.status AS health_status, h.reason_code, h.reason_vi,
  h.reason_en, h.checks, h.checked_at, h.since, (a.secrets <> '{}'::jsonb) AS has_credentials`;

export interface CameraFilter {
  statuses?: CameraHealthStatus[] | undefined;
  /** Admin-unit codes, already expanded to descendants. */
  units?: string[] | undefined;
  group?: string | undefined;
  type?: string | undefined;
  ids?: string[] | undefined;
}

/** A group key as a condition: `ward:<code>`, `purpose:<p>`, or a name in `groups`. */
export function groupCondition(key: string): Sql {
  if (key.startsWith('ward:')) return sql`a.admin_unit_code = ${key.slice(5)}`;
  if (key.startsWith('purpose:')) return sql`a.properties->>'purpose' = ${key.slice(8)}`;
  return sql`(a.properties->'groups') ? ${key}`;
}

function conditions(f: CameraFilter, scope: Scope): Sql[] {
  const c: Sql[] = [
    sql`a.type = ANY(${CAMERA_TYPES}::text[])`,
    scopeClause(scope, 'a.admin_unit_code', 'a.agency_code'),
  ];
  if (f.type) c.push(sql`a.type = ${f.type}`);
  if (f.units) c.push(sql`a.admin_unit_code = ANY(${f.units}::text[])`);
  if (f.group) c.push(groupCondition(f.group));
  if (f.ids) c.push(sql`a.id = ANY(${f.ids}::uuid[])`);
  if (f.statuses?.length) {
    const known = f.statuses.filter((s) => s !== 'unknown');
    const parts: Sql[] = [];
    if (known.length) parts.push(sql`h.status = ANY(${known}::text[])`);
    if (f.statuses.includes('unknown')) parts.push(sql`h.status IS NULL`);
    c.push(sql`(${join(parts, ' OR ')})`);
  }
  return c;
}

export async function listCameras(
  db: Queryable,
  f: CameraFilter,
  scope: Scope,
  page: { after?: string | undefined; limit: number },
): Promise<CameraRow[]> {
  const c = conditions(f, scope);
  if (page.after) c.push(sql`a.id > ${page.after}::uuid`);
  return db.query<CameraRow>(sql`
    SELECT ${cameraColumns}
    FROM assets a LEFT JOIN camera_health h ON h.camera_id = a.id
    WHERE ${join(c, ' AND ')}
    ORDER BY a.id
    LIMIT ${page.limit}`);
}

export async function findCamera(
  db: Queryable,
  id: string,
  scope: Scope,
): Promise<CameraRow | undefined> {
  const [row] = await db.query<CameraRow>(sql`
    SELECT ${cameraColumns}
    FROM assets a LEFT JOIN camera_health h ON h.camera_id = a.id
    WHERE a.id = ${id} AND ${join(conditions({}, scope), ' AND ')}`);
  return row;
}

export interface SourceRow {
  id: string;
  type: string;
  code: string;
  name: string;
  admin_unit_code: string | null;
  agency_code: string | null;
  properties: Record<string, unknown>;
  secrets: unknown;
  health_status: 'online' | 'degraded' | 'offline' | null;
}

/** Cameras with their sealed secrets, for probing and fetching (never presented). */
export async function sourceRows(
  db: Queryable,
  f: { ids?: string[]; after?: string; limit: number },
): Promise<SourceRow[]> {
  const c: Sql[] = [sql`a.type = ANY(${CAMERA_TYPES}::text[])`];
  if (f.ids) c.push(sql`a.id = ANY(${f.ids}::uuid[])`);
  if (f.after) c.push(sql`a.id > ${f.after}::uuid`);
  return db.query<SourceRow>(sql`
    SELECT a.id, a.type, a.code, a.name, a.admin_unit_code, a.agency_code, a.properties,
      a.secrets, h.status AS health_status
    FROM assets a LEFT JOIN camera_health h ON h.camera_id = a.id
    WHERE ${join(c, ' AND ')}
    ORDER BY a.id
    LIMIT ${f.limit}`);
}

/** The distinct custom group names in use, with their camera counts (within the scope). */
export async function customGroups(
  db: Queryable,
  scope: Scope,
): Promise<Array<{ name: string; cameras: number }>> {
  return db.query(sql`
    SELECT g.name, count(*)::int AS cameras
    FROM assets a, jsonb_array_elements_text(
      CASE WHEN jsonb_typeof(a.properties->'groups') = 'array' THEN a.properties->'groups'
           ELSE '[]'::jsonb END) AS g(name)
    WHERE a.type = ANY(${CAMERA_TYPES}::text[])
      AND ${scopeClause(scope, 'a.admin_unit_code', 'a.agency_code')}
    GROUP BY g.name ORDER BY g.name`);
}

/** Cameras per ward and per purpose (within the scope), with the ward's name. */
export async function builtInGroups(
  db: Queryable,
  scope: Scope,
): Promise<Array<{ kind: 'ward' | 'purpose'; key: string; name: string | null; cameras: number }>> {
  return db.query(sql`
    SELECT 'ward' AS kind, a.admin_unit_code AS key,
      (SELECT u.name_vi FROM admin_units u WHERE u.code = a.admin_unit_code
       ORDER BY u.valid_to DESC NULLS FIRST LIMIT 1) AS name,
      count(*)::int AS cameras
    FROM assets a
    WHERE a.type = ANY(${CAMERA_TYPES}::text[]) AND a.admin_unit_code IS NOT NULL
      AND ${scopeClause(scope, 'a.admin_unit_code', 'a.agency_code')}
    GROUP BY a.admin_unit_code
    UNION ALL
    SELECT 'purpose', a.properties->>'purpose', NULL, count(*)::int
    FROM assets a
    WHERE a.type = ANY(${CAMERA_TYPES}::text[]) AND a.properties ? 'purpose'
      AND ${scopeClause(scope, 'a.admin_unit_code', 'a.agency_code')}
    GROUP BY a.properties->>'purpose'
    ORDER BY 1, 2`);
}
