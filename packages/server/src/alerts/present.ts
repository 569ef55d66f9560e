/** How alerts, their history and their stream messages look to the outside. */
import type {
  ActorRef,
  Alert,
  AlertAction,
  AlertHistoryEntry,
  AlertMessage,
} from '@cityops/contracts';
import type { Actor } from '../core/auth/principal.js';
import type { AlertRow, HistoryRow } from './alerts.repo.js';

export function actorRef(a: Actor): ActorRef {
  return { type: a.type, id: a.id, label: a.label };
}

export function presentAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    ruleId: r.rule_id,
    kind: r.kind,
    assetId: r.asset_id,
    severity: r.severity,
    status: r.status,
    title: r.title,
    message: r.message,
    details: r.details,
    openedAt: r.opened_at.toISOString(),
    acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: r.acknowledged_by,
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    resolvedBy: r.resolved_by,
    note: r.note,
    lastEventSeq: r.last_event_seq,
    count: r.count,
    adminUnit: r.admin_unit_code,
    escalationLevel: r.escalation_level,
    escalatedAt: r.escalated_at?.toISOString() ?? null,
    updatedAt: r.updated_at.toISOString(),
  };
}

export function presentHistory(h: HistoryRow): AlertHistoryEntry {
  return {
    at: h.at.toISOString(),
    action: h.action,
    actor: h.actor,
    fromStatus: h.from_status,
    toStatus: h.to_status,
    severity: h.severity,
    note: h.note,
  };
}

/** The live stream's message for one change of an alert. */
export function alertMessage(
  r: Pick<
    AlertRow,
    | 'id'
    | 'rule_id'
    | 'asset_id'
    | 'status'
    | 'severity'
    | 'title'
    | 'admin_unit_code'
    | 'agency_code'
    | 'escalation_level'
  >,
  change: AlertAction,
  at: Date,
): AlertMessage {
  return {
    id: r.id,
    ruleId: r.rule_id,
    assetId: r.asset_id,
    status: r.status,
    severity: r.severity,
    title: r.title,
    adminUnit: r.admin_unit_code,
    agencyCode: r.agency_code,
    change,
    at: at.toISOString(),
    escalationLevel: r.escalation_level,
  };
}

/** The audit action of an alert change ("alert.acknowledge"). */
export const auditAction: Record<AlertAction, string> = {
  opened: 'alert.open',
  acknowledged: 'alert.acknowledge',
  resolved: 'alert.resolve',
  cleared: 'alert.clear',
  escalated: 'alert.escalate',
};
