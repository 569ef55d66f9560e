/**
 * The batched SQL of the periodic alert jobs: silent assets (asset_state's
 * last_seen_at against each silence rule, from the later of the asset's last
 * event and the rule's arming), silence that ended, and escalation of alerts
 * nobody acknowledged in time.
 */
import type { ActorRef } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import type { AlertRow, ChangedRow } from './alerts.repo.js';

export interface SilentAsset {
  rule_id: string;
  rule_name: string;
  severity: AlertRow['severity'];
  message: AlertRow['message'];
  seconds: number;
  asset_id: string;
  admin_unit_code: string | null;
  agency_code: string | null;
  last_seen_at: Date | null;
}

/** Assets watched by an enabled silence rule, silent past its seconds, with no unresolved alert. */
export async function silentAssets(
  db: Queryable,
  now: Date,
  limit: number,
): Promise<SilentAsset[]> {
  return db.query<SilentAsset>(sql`
    SELECT r.id AS rule_id, r.name AS rule_name, r.severity, r.message,
      (r.params->>'seconds')::int AS seconds,
      a.id AS asset_id, a.admin_unit_code, a.agency_code, s.last_seen_at
    FROM alert_rules r
    JOIN assets a ON a.id = r.asset_id OR (r.asset_id IS NULL AND a.type = r.asset_type)
    LEFT JOIN asset_state s ON s.asset_id = a.id
    WHERE r.kind = 'silence' AND r.enabled
      AND (r.unit_codes IS NULL OR a.admin_unit_code = ANY(r.unit_codes))
      AND GREATEST(s.last_seen_at, r.armed_at)
        < ${now}::timestamptz - make_interval(secs => (r.params->>'seconds')::int)
      AND NOT EXISTS (
        SELECT 1 FROM alerts x
        WHERE x.rule_id = r.id AND x.asset_id = a.id AND x.status <> 'resolved')
    ORDER BY r.id, a.id
    LIMIT ${limit}`);
}

/** Resolves silence alerts whose asset was heard from within the rule's seconds. */
export async function clearHeard(
  tx: Queryable,
  now: Date,
  actor: ActorRef,
  limit: number,
): Promise<ChangedRow[]> {
  return tx.query<ChangedRow>(sql`
    WITH cur AS (
      SELECT x.id, x.status FROM alerts x
      JOIN alert_rules r ON r.id = x.rule_id
      JOIN asset_state s ON s.asset_id = x.asset_id
      WHERE x.kind = 'silence' AND x.status <> 'resolved'
        AND s.last_seen_at >= ${now}::timestamptz - make_interval(secs => (r.params->>'seconds')::int)
      ORDER BY x.id
      LIMIT ${limit}
      FOR UPDATE OF x SKIP LOCKED
    )
    UPDATE alerts a SET status = 'resolved', resolved_at = ${now},
      resolved_by = ${JSON.stringify(actor)}::jsonb, updated_at = ${now}
    FROM cur WHERE a.id = cur.id
    RETURNING a.*, cur.status AS from_status`);
}

/**
 * Open alerts whose rule escalates and that waited `escalate_after_minutes`
 * since they opened or last escalated: severity one step up, level + 1.
 */
export async function escalateDue(
  tx: Queryable,
  now: Date,
  maxLevel: number,
  limit: number,
): Promise<ChangedRow[]> {
  return tx.query<ChangedRow>(sql`
    WITH due AS (
      SELECT x.id, x.status FROM alerts x
      JOIN alert_rules r ON r.id = x.rule_id
      WHERE x.status = 'open' AND r.escalate_after_minutes IS NOT NULL
        AND x.escalation_level < ${maxLevel}
        AND COALESCE(x.escalated_at, x.opened_at) + make_interval(mins => r.escalate_after_minutes)
          <= ${now}::timestamptz
      ORDER BY x.id
      LIMIT ${limit}
      FOR UPDATE OF x SKIP LOCKED
    )
    UPDATE alerts a SET escalation_level = a.escalation_level + 1, escalated_at = ${now},
      severity = CASE a.severity WHEN 'info' THEN 'warning' ELSE 'critical' END,
      updated_at = ${now}
    FROM due WHERE a.id = due.id
    RETURNING a.*, due.status AS from_status`);
}
