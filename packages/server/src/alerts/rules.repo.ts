/**
 * Storage of alert rules. A rule's kind fields live in `params`, a geofence's
 * area in a PostGIS column (checked with ST_IsValid before it is saved).
 * Scope: a rule limited to an admin unit is seen by callers whose scope holds
 * that unit; a province-wide rule by everyone (but changed only province-wide).
 */
import type { Queryable } from '../core/db/db.js';
import { sql, empty } from '../core/db/sql.js';
import type { Scope } from '../core/auth/principal.js';

export interface RuleRow {
  id: string;
  name: string;
  kind: 'threshold' | 'silence' | 'match' | 'geofence';
  severity: 'info' | 'warning' | 'critical';
  enabled: boolean;
  asset_id: string | null;
  asset_type: string | null;
  admin_unit_code: string | null;
  unit_codes: string[] | null;
  params: Record<string, unknown>;
  area: unknown;
  message: { vi?: string; en?: string } | null;
  escalate_after_minutes: number | null;
  notify: unknown[];
  armed_at: Date;
  created_at: Date;
  updated_at: Date;
}

export type RuleWrite = Omit<RuleRow, 'created_at' | 'updated_at' | 'armed_at'>;

const selectRule = sql`
  SELECT id, name, kind, severity, enabled, asset_id, asset_type, admin_unit_code, unit_codes,
    params, ST_AsGeoJSON(area)::jsonb AS area, message, escalate_after_minutes, notify,
    armed_at, created_at, updated_at
  FROM alert_rules r`;

const areaOf = (area: unknown) =>
  area === null || area === undefined
    ? sql`NULL`
    : sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(area)}), 4326)`;

/** Why an area is not a valid polygon for PostGIS (self-intersection…), or null when it is. */
export async function areaProblem(db: Queryable, area: unknown): Promise<string | null> {
  try {
    const [row] = await db.query<{ valid: boolean; reason: string }>(sql`
      SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason
      FROM (SELECT ${areaOf(area)} AS g) q`);
    return row?.valid ? null : (row?.reason ?? 'not a valid area');
  } catch (err) {
    return (err as Error).message;
  }
}

export async function insertRule(tx: Queryable, r: RuleWrite, now: Date): Promise<void> {
  await tx.query(sql`
    INSERT INTO alert_rules (id, name, kind, severity, enabled, asset_id, asset_type,
      admin_unit_code, unit_codes, params, area, message, escalate_after_minutes, notify,
      armed_at, created_at, updated_at)
    VALUES (${r.id}, ${r.name}, ${r.kind}, ${r.severity}, ${r.enabled}, ${r.asset_id},
      ${r.asset_type}, ${r.admin_unit_code}, ${r.unit_codes}::text[],
      ${JSON.stringify(r.params)}::jsonb, ${areaOf(r.area)},
      ${r.message === null ? null : JSON.stringify(r.message)}::jsonb,
      ${r.escalate_after_minutes}, ${JSON.stringify(r.notify)}::jsonb, ${now}, ${now}, ${now})`);
}

/** Replaces a rule's fields; `rearm` restarts silence counting (enabled again, or changed). */
export async function updateRule(
  tx: Queryable,
  r: RuleWrite,
  rearm: boolean,
  now: Date,
): Promise<void> {
  await tx.query(sql`
    UPDATE alert_rules SET name = ${r.name}, severity = ${r.severity}, enabled = ${r.enabled},
      asset_id = ${r.asset_id}, asset_type = ${r.asset_type},
      admin_unit_code = ${r.admin_unit_code}, unit_codes = ${r.unit_codes}::text[],
      params = ${JSON.stringify(r.params)}::jsonb, area = ${areaOf(r.area)},
      message = ${r.message === null ? null : JSON.stringify(r.message)}::jsonb,
      escalate_after_minutes = ${r.escalate_after_minutes},
      notify = ${JSON.stringify(r.notify)}::jsonb,
      armed_at = CASE WHEN ${rearm} THEN ${now} ELSE armed_at END,
      updated_at = ${now}
    WHERE id = ${r.id}`);
}

export async function deleteRule(tx: Queryable, id: string): Promise<boolean> {
  const rows = await tx.query(sql`DELETE FROM alert_rules WHERE id = ${id} RETURNING id`);
  return rows.length === 1;
}

export async function findRule(db: Queryable, id: string): Promise<RuleRow | undefined> {
  const [row] = await db.query<RuleRow>(sql`${selectRule} WHERE r.id = ${id}`);
  return row;
}

/** Rules a scope sees: province-wide ones, and those of its units. */
function readScope(scope: Scope) {
  return scope.all
    ? sql`TRUE`
    : sql`(r.admin_unit_code IS NULL OR r.admin_unit_code = ANY(${scope.units}::text[]))`;
}

export async function listRules(
  db: Queryable,
  f: {
    scope: Scope;
    kind?: string | undefined;
    enabled?: boolean | undefined;
    assetId?: string | undefined;
    after?: string | undefined;
    limit: number;
  },
): Promise<RuleRow[]> {
  return db.query<RuleRow>(sql`${selectRule}
    WHERE ${readScope(f.scope)}
      ${f.kind ? sql`AND r.kind = ${f.kind}` : empty}
      ${f.enabled === undefined ? empty : sql`AND r.enabled = ${f.enabled}`}
      ${f.assetId ? sql`AND r.asset_id = ${f.assetId}` : empty}
      ${f.after ? sql`AND r.id > ${f.after}::uuid` : empty}
    ORDER BY r.id LIMIT ${f.limit}`);
}

/** Every enabled rule of the kinds evaluated per event (the engine's cache). */
export async function enabledEventRules(db: Queryable): Promise<RuleRow[]> {
  return db.query<RuleRow>(sql`${selectRule}
    WHERE r.enabled AND r.kind IN ('threshold', 'match', 'geofence') ORDER BY r.id`);
}

/** Names and notify lists of rules, for the notifications of their alerts. */
export async function notifyOf(
  db: Queryable,
  ids: string[],
): Promise<Map<string, { name: string; notify: unknown[] }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<{ id: string; name: string; notify: unknown[] }>(
    sql`SELECT id, name, notify FROM alert_rules WHERE id = ANY(${ids}::uuid[])`,
  );
  return new Map(rows.map((r) => [r.id, { name: r.name, notify: r.notify }]));
}

/** A cheap fingerprint of the rules table: it changes whenever a rule is added, changed or removed. */
export async function rulesVersion(db: Queryable): Promise<string> {
  const [row] = await db.query<{ v: string }>(sql`
    SELECT count(*)::text || '/' || COALESCE(max(updated_at)::text, '') AS v FROM alert_rules`);
  return row?.v ?? '';
}
