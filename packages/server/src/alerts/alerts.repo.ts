/**
 * Storage of alerts and their history. "At most one unresolved alert per rule
 * and asset" is the partial unique index alerts_one_unresolved_idx: opening
 * is INSERT … ON CONFLICT on it, so concurrent evaluations (threads or
 * processes) count a repeat instead of opening a second alert. Transitions
 * lock the row and answer the status it had.
 */
import type { ActorRef, AlertAction, AlertSeverity, AlertStatus } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import { sql, empty, type Sql } from '../core/db/sql.js';
import { scopeClause, type Scope } from '../core/auth/principal.js';

export interface AlertRow {
  id: string;
  rule_id: string;
  kind: 'threshold' | 'silence' | 'match' | 'geofence';
  asset_id: string;
  severity: AlertSeverity;
  status: AlertStatus;
  title: string;
  message: { vi?: string; en?: string } | null;
  details: Record<string, unknown>;
  opened_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: ActorRef | null;
  resolved_at: Date | null;
  resolved_by: ActorRef | null;
  note: string | null;
  last_event_seq: number | null;
  count: number;
  admin_unit_code: string | null;
  agency_code: string | null;
  escalation_level: number;
  escalated_at: Date | null;
  updated_at: Date;
}

/** A row changed by a transition, with the status it had before. */
export type ChangedRow = AlertRow & { from_status: AlertStatus | null };

export interface Firing {
  id: string;
  ruleId: string;
  kind: AlertRow['kind'];
  assetId: string;
  severity: AlertSeverity;
  title: string;
  message: AlertRow['message'];
  details: Record<string, unknown>;
  seq: number | null;
  adminUnit: string | null;
  agencyCode: string | null;
  /** Firings of the condition this stands for (several events of one batch). */
  count: number;
}

/** The asset's code, name and type, copied into an alert's details when it opens. */
const assetLabel = (assetId: Sql) => sql`COALESCE((
  SELECT jsonb_build_object('asset', jsonb_build_object('code', x.code, 'name', x.name, 'type', x.type))
  FROM assets x WHERE x.id = ${assetId}), '{}'::jsonb)`;

/**
 * Opens an alert, or counts a repeat on the unresolved one. A firing older than
 * what the alert (or a resolved alert) already took is ignored: the bus may
 * deliver an event twice. Answers undefined when nothing changed.
 */
export async function upsertFiring(
  tx: Queryable,
  f: Firing,
  now: Date,
): Promise<{ row: AlertRow; opened: boolean } | undefined> {
  const [row] = await tx.query<AlertRow & { inserted: boolean }>(sql`
    INSERT INTO alerts (id, rule_id, kind, asset_id, severity, status, title, message, details,
      opened_at, last_event_seq, count, admin_unit_code, agency_code, updated_at)
    SELECT ${f.id}, ${f.ruleId}, ${f.kind}, ${f.assetId}, ${f.severity}, 'open', ${f.title},
      ${f.message === null ? null : JSON.stringify(f.message)}::jsonb,
      ${JSON.stringify(f.details)}::jsonb || ${assetLabel(sql`${f.assetId}::uuid`)},
      ${now}, ${f.seq}, ${f.count}, ${f.adminUnit}, ${f.agencyCode}, ${now}
    WHERE NOT EXISTS (
      SELECT 1 FROM alerts p
      WHERE p.rule_id = ${f.ruleId} AND p.asset_id = ${f.assetId} AND p.status = 'resolved'
        AND p.last_event_seq >= ${f.seq}::bigint)
    ON CONFLICT (rule_id, asset_id) WHERE status <> 'resolved' DO UPDATE SET
      count = alerts.count + EXCLUDED.count,
      last_event_seq = EXCLUDED.last_event_seq,
      details = alerts.details || EXCLUDED.details,
      updated_at = EXCLUDED.updated_at
    WHERE alerts.last_event_seq IS NULL OR EXCLUDED.last_event_seq IS NULL
      OR alerts.last_event_seq < EXCLUDED.last_event_seq
    RETURNING alerts.*, (alerts.xmax = 0) AS inserted`);
  if (!row) return undefined;
  const { inserted, ...alert } = row;
  return { row: alert, opened: inserted };
}

/** Opens many alerts at once (silence); those with an unresolved alert already are skipped. */
export async function insertAlerts(
  tx: Queryable,
  firings: readonly Firing[],
  now: Date,
): Promise<AlertRow[]> {
  if (firings.length === 0) return [];
  const rows = firings.map((f) => ({
    id: f.id,
    rule_id: f.ruleId,
    kind: f.kind,
    asset_id: f.assetId,
    severity: f.severity,
    title: f.title,
    message: f.message,
    details: f.details,
    last_event_seq: f.seq,
    admin_unit_code: f.adminUnit,
    agency_code: f.agencyCode,
  }));
  return tx.query<AlertRow>(sql`
    INSERT INTO alerts (id, rule_id, kind, asset_id, severity, status, title, message, details,
      opened_at, last_event_seq, count, admin_unit_code, agency_code, updated_at)
    SELECT r.id, r.rule_id, r.kind, r.asset_id, r.severity, 'open', r.title, r.message,
      r.details || ${assetLabel(sql`r.asset_id`)}, ${now}, r.last_event_seq, 1,
      r.admin_unit_code, r.agency_code, ${now}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(id uuid, rule_id uuid,
      kind text, asset_id uuid, severity text, title text, message jsonb, details jsonb,
      last_event_seq bigint, admin_unit_code text, agency_code text)
    ON CONFLICT (rule_id, asset_id) WHERE status <> 'resolved' DO NOTHING
    RETURNING *`);
}

/**
 * Resolves the unresolved alert of (rule, asset) because its condition ended;
 * not when the alert already took a later event than the one that clears it.
 */
export async function clearFiring(
  tx: Queryable,
  c: { ruleId: string; assetId: string; seq: number | null },
  actor: ActorRef,
  now: Date,
): Promise<ChangedRow | undefined> {
  const [row] = await tx.query<ChangedRow>(sql`
    WITH cur AS (
      SELECT id, status FROM alerts
      WHERE rule_id = ${c.ruleId} AND asset_id = ${c.assetId} AND status <> 'resolved'
        AND (${c.seq}::bigint IS NULL OR last_event_seq IS NULL OR last_event_seq < ${c.seq}::bigint)
      FOR UPDATE
    )
    UPDATE alerts a SET status = 'resolved', resolved_at = ${now},
      resolved_by = ${JSON.stringify(actor)}::jsonb, updated_at = ${now}
    FROM cur WHERE a.id = cur.id
    RETURNING a.*, cur.status AS from_status`);
  return row;
}

/** Moves one alert from one of `from` to `to` (a person's acknowledge or resolve). */
export async function transition(
  tx: Queryable,
  t: {
    id: string;
    from: AlertStatus[];
    to: 'acknowledged' | 'resolved';
    actor: ActorRef;
    note: string | null;
  },
  now: Date,
): Promise<ChangedRow | undefined> {
  const actor = JSON.stringify(t.actor);
  const ack = t.to === 'acknowledged';
  const [row] = await tx.query<ChangedRow>(sql`
    WITH cur AS (SELECT id, status FROM alerts WHERE id = ${t.id} FOR UPDATE)
    UPDATE alerts a SET
      status = ${t.to},
      acknowledged_at = CASE WHEN ${ack} THEN ${now} ELSE a.acknowledged_at END,
      acknowledged_by = CASE WHEN ${ack} THEN ${actor}::jsonb ELSE a.acknowledged_by END,
      resolved_at = CASE WHEN ${ack} THEN a.resolved_at ELSE ${now} END,
      resolved_by = CASE WHEN ${ack} THEN a.resolved_by ELSE ${actor}::jsonb END,
      note = COALESCE(${t.note}, a.note),
      updated_at = ${now}
    FROM cur WHERE a.id = cur.id AND cur.status = ANY(${t.from}::text[])
    RETURNING a.*, cur.status AS from_status`);
  return row;
}

/** Resolves every unresolved alert of a rule (the rule is being deleted). */
export async function resolveAllOfRule(
  tx: Queryable,
  ruleId: string,
  actor: ActorRef,
  note: string,
  now: Date,
): Promise<ChangedRow[]> {
  return tx.query<ChangedRow>(sql`
    WITH cur AS (
      SELECT id, status FROM alerts WHERE rule_id = ${ruleId} AND status <> 'resolved' FOR UPDATE
    )
    UPDATE alerts a SET status = 'resolved', resolved_at = ${now},
      resolved_by = ${JSON.stringify(actor)}::jsonb, note = COALESCE(a.note, ${note}),
      updated_at = ${now}
    FROM cur WHERE a.id = cur.id
    RETURNING a.*, cur.status AS from_status`);
}

export interface HistoryInput {
  alert_id: string;
  action: AlertAction;
  actor: ActorRef;
  from_status: AlertStatus | null;
  to_status: AlertStatus;
  severity: AlertSeverity;
  note: string | null;
}

export async function insertHistory(
  tx: Queryable,
  entries: readonly HistoryInput[],
  now: Date,
): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(sql`
    INSERT INTO alert_history (alert_id, at, action, actor, from_status, to_status, severity,
      note)
    SELECT h.alert_id, ${now}, h.action, h.actor, h.from_status, h.to_status, h.severity,
      h.note
    FROM jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) AS h(alert_id uuid, action text,
      actor jsonb, from_status text, to_status text, severity text, note text)`);
}

export interface HistoryRow {
  id: number;
  alert_id: string;
  at: Date;
  action: AlertAction;
  actor: ActorRef;
  from_status: AlertStatus | null;
  to_status: AlertStatus;
  severity: AlertSeverity;
  note: string | null;
}

export async function historyOf(db: Queryable, alertId: string): Promise<HistoryRow[]> {
  return db.query<HistoryRow>(
    sql`SELECT * FROM alert_history WHERE alert_id = ${alertId} ORDER BY id`,
  );
}

export async function findAlert(
  db: Queryable,
  id: string,
  scope: Scope,
): Promise<AlertRow | undefined> {
  const [row] = await db.query<AlertRow>(sql`
    SELECT * FROM alerts a
    WHERE a.id = ${id} AND ${scopeClause(scope, 'a.admin_unit_code', 'a.agency_code')}`);
  return row;
}

export interface AlertFilter {
  scope: Scope;
  status?: AlertStatus[] | undefined;
  assetId?: string | undefined;
  severity?: AlertSeverity | undefined;
  units?: string[] | undefined;
  ruleId?: string | undefined;
  before?: string | undefined;
  limit: number;
}

/** Newest first (ids are time-ordered). */
export async function listAlerts(db: Queryable, f: AlertFilter): Promise<AlertRow[]> {
  return db.query<AlertRow>(sql`
    SELECT * FROM alerts a
    WHERE ${scopeClause(f.scope, 'a.admin_unit_code', 'a.agency_code')}
      ${f.status ? sql`AND a.status = ANY(${f.status}::text[])` : empty}
      ${f.assetId ? sql`AND a.asset_id = ${f.assetId}` : empty}
      ${f.severity ? sql`AND a.severity = ${f.severity}` : empty}
      ${f.units ? sql`AND a.admin_unit_code = ANY(${f.units}::text[])` : empty}
      ${f.ruleId ? sql`AND a.rule_id = ${f.ruleId}` : empty}
      ${f.before ? sql`AND a.id < ${f.before}::uuid` : empty}
    ORDER BY a.id DESC LIMIT ${f.limit}`);
}

/** The (rule, asset) pairs of the rules that have an unresolved alert now, as "rule/asset". */
export async function unresolvedKeys(db: Queryable, ruleIds: string[]): Promise<Set<string>> {
  if (ruleIds.length === 0) return new Set();
  const rows = await db.query<{ rule_id: string; asset_id: string }>(sql`
    SELECT rule_id, asset_id FROM alerts
    WHERE status <> 'resolved' AND rule_id = ANY(${ruleIds}::uuid[])`);
  return new Set(rows.map((r) => `${r.rule_id}/${r.asset_id}`));
}
