/**
 * Uptime from status periods: per camera and per ward over a period, and the
 * longest outages. Uptime is the share of the observed time (time with a known
 * status) that was online or degraded; time before a camera's first probe is
 * not counted either way.
 */
import type { Db } from '../core/db/db.js';
import { sql, type Sql } from '../core/db/sql.js';
import { scopeClause, type Scope } from '../core/auth/principal.js';
import { CAMERA_TYPES } from './cameras.repo.js';

export interface Outage {
  cameraId: string;
  startedAt: string;
  endedAt: string | null;
  seconds: number;
  reason: string | null;
}

const overlap = (from: Date, to: Date, now: Date): Sql =>
  sql`GREATEST(0, EXTRACT(EPOCH FROM (LEAST(COALESCE(p.ended_at, ${now}::timestamptz), ${to}::timestamptz)
      - GREATEST(p.started_at, ${from}::timestamptz))))::float8`;

const percent = (up: number, observed: number) =>
  observed > 0 ? Math.round((up / observed) * 10_000) / 100 : null;

async function outages(
  db: Db,
  where: Sql,
  from: Date,
  to: Date,
  now: Date,
  limit = 10,
): Promise<Outage[]> {
  const rows = await db.query<{
    camera_id: string;
    started_at: Date;
    ended_at: Date | null;
    seconds: number;
    reason_code: string | null;
  }>(sql`
    SELECT p.camera_id, p.started_at, p.ended_at, p.reason_code,
      EXTRACT(EPOCH FROM (COALESCE(p.ended_at, ${now}::timestamptz) - p.started_at))::float8 AS seconds
    FROM camera_status_periods p JOIN assets a ON a.id = p.camera_id
    WHERE p.status = 'offline' AND p.started_at < ${to}::timestamptz
      AND COALESCE(p.ended_at, ${now}::timestamptz) > ${from}::timestamptz AND ${where}
    ORDER BY seconds DESC, p.started_at
    LIMIT ${limit}`);
  return rows.map((r) => ({
    cameraId: r.camera_id,
    startedAt: r.started_at.toISOString(),
    endedAt: r.ended_at?.toISOString() ?? null,
    seconds: Math.round(r.seconds),
    reason: r.reason_code,
  }));
}

export async function cameraUptime(db: Db, cameraId: string, from: Date, to: Date, now: Date) {
  const rows = await db.query<{ status: string; seconds: number }>(sql`
    SELECT p.status, sum(${overlap(from, to, now)})::float8 AS seconds
    FROM camera_status_periods p
    WHERE p.camera_id = ${cameraId} AND p.started_at < ${to}::timestamptz
      AND COALESCE(p.ended_at, ${now}::timestamptz) > ${from}::timestamptz
    GROUP BY p.status`);
  const by = Object.fromEntries(rows.map((r) => [r.status, r.seconds])) as Record<string, number>;
  const online = by.online ?? 0;
  const degraded = by.degraded ?? 0;
  const offline = by.offline ?? 0;
  const observed = online + degraded + offline;
  return {
    cameraId,
    from: from.toISOString(),
    to: to.toISOString(),
    uptimePercent: percent(online + degraded, observed),
    onlineSeconds: Math.round(online),
    degradedSeconds: Math.round(degraded),
    offlineSeconds: Math.round(offline),
    observedSeconds: Math.round(observed),
    longestOutages: await outages(db, sql`p.camera_id = ${cameraId}`, from, to, now),
  };
}

export async function wardUptime(
  db: Db,
  scope: Scope,
  from: Date,
  to: Date,
  now: Date,
  units?: string[],
) {
  const where = sql`a.type = ANY(${CAMERA_TYPES}::text[])
    AND ${scopeClause(scope, 'a.admin_unit_code', 'a.agency_code')}
    ${units ? sql`AND a.admin_unit_code = ANY(${units}::text[])` : sql``}`;
  const rows = await db.query<{
    unit: string | null;
    cameras: number;
    up: number;
    observed: number;
    offline: number;
  }>(sql`
    SELECT a.admin_unit_code AS unit, count(DISTINCT a.id)::int AS cameras,
      COALESCE(sum(${overlap(from, to, now)}) FILTER (WHERE p.status <> 'offline'), 0)::float8 AS up,
      COALESCE(sum(${overlap(from, to, now)}), 0)::float8 AS observed,
      COALESCE(sum(${overlap(from, to, now)}) FILTER (WHERE p.status = 'offline'), 0)::float8 AS offline
    FROM assets a LEFT JOIN camera_status_periods p ON p.camera_id = a.id
      AND p.started_at < ${to}::timestamptz
      AND COALESCE(p.ended_at, ${now}::timestamptz) > ${from}::timestamptz
    WHERE ${where}
    GROUP BY a.admin_unit_code
    ORDER BY a.admin_unit_code NULLS LAST`);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    wards: rows.map((r) => ({
      adminUnit: r.unit,
      cameras: r.cameras,
      uptimePercent: percent(r.up, r.observed),
      offlineSeconds: Math.round(r.offline),
    })),
    longestOutages: await outages(db, where, from, to, now),
  };
}
