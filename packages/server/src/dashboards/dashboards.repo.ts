/**
 * The dashboards' aggregations in SQL: every query keeps to the caller's scope
 * (scopeClause) and, when given, to a set of admin units.
 */
import type { Queryable } from '../core/db/db.js';
import { sql, empty, type Sql } from '../core/db/sql.js';
import { scopeClause, type Scope } from '../core/auth/principal.js';
import type {
  AlertRuleKind,
  AlertSeverity,
  AlertStatus,
  AssetStatus,
  AssetType,
  DashboardBucket,
} from '@cityops/contracts';

export interface Where {
  scope: Scope;
  /** Admin-unit codes with their descendants; undefined: no unit filter. */
  units?: string[] | undefined;
}

export interface Period extends Where {
  from: Date;
  to: Date;
}

/** Rows in the given admin units (every table here copies the place into `admin_unit_code`). */
function inUnits(units: string[] | undefined): Sql {
  return units ? sql`AND admin_unit_code = ANY(${units}::text[])` : empty;
}

export async function assetsByStatus(
  db: Queryable,
  w: Where,
): Promise<Array<{ type: AssetType; status: AssetStatus; count: number }>> {
  return db.query(sql`
    SELECT type, status, count(*)::int AS count
    FROM assets
    WHERE ${scopeClause(w.scope, 'admin_unit_code', 'agency_code')}
      ${inUnits(w.units)}
    GROUP BY type, status
    ORDER BY type, status`);
}

/**
 * Events per bucket and family. Buckets start at the bucket's boundary in the
 * given time zone, so that a day is a calendar day where the province is.
 */
export async function eventsOverTime(
  db: Queryable,
  p: Period & { bucket: DashboardBucket; timeZone: string },
): Promise<Array<{ t: Date; family: string; count: number }>> {
  return db.query(sql`
    SELECT date_trunc(${p.bucket}, observed_at AT TIME ZONE ${p.timeZone}) AT TIME ZONE ${p.timeZone} AS t,
           split_part(type, '.', 1) AS family,
           count(*)::int AS count
    FROM events
    WHERE observed_at >= ${p.from} AND observed_at < ${p.to}
      AND ${scopeClause(p.scope, 'admin_unit_code', 'agency_code')}
      ${inUnits(p.units)}
    GROUP BY 1, 2
    ORDER BY 1, 2`);
}

export async function unresolvedAlerts(
  db: Queryable,
  w: Where,
): Promise<Array<{ severity: AlertSeverity; status: AlertStatus; count: number }>> {
  return db.query(sql`
    SELECT severity, status, count(*)::int AS count
    FROM alerts
    WHERE status <> 'resolved'
      AND ${scopeClause(w.scope, 'admin_unit_code', 'agency_code')}
      ${inUnits(w.units)}
    GROUP BY severity, status
    ORDER BY severity, status`);
}

/** Alerts opened in the period, by rule (the 50 rules with most). */
export async function alertsByRule(
  db: Queryable,
  p: Period,
): Promise<
  Array<{
    rule_id: string;
    title: string;
    kind: AlertRuleKind;
    severity: AlertSeverity;
    count: number;
  }>
> {
  return db.query(sql`
    SELECT rule_id, min(title) AS title, kind, severity, count(*)::int AS count
    FROM alerts
    WHERE opened_at >= ${p.from} AND opened_at < ${p.to}
      AND ${scopeClause(p.scope, 'admin_unit_code', 'agency_code')}
      ${inUnits(p.units)}
    GROUP BY rule_id, kind, severity
    ORDER BY count DESC, rule_id, severity
    LIMIT 50`);
}

/** Alerts opened in the period, by the admin unit they opened in. */
export async function alertsByUnit(
  db: Queryable,
  p: Period,
): Promise<Array<{ admin_unit_code: string | null; severity: AlertSeverity; count: number }>> {
  return db.query(sql`
    SELECT admin_unit_code, severity, count(*)::int AS count
    FROM alerts
    WHERE opened_at >= ${p.from} AND opened_at < ${p.to}
      AND ${scopeClause(p.scope, 'admin_unit_code', 'agency_code')}
      ${inUnits(p.units)}
    GROUP BY admin_unit_code, severity
    ORDER BY admin_unit_code NULLS LAST, severity`);
}
