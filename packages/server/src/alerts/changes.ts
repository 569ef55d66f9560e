/**
 * Every alert change goes through here: in its transaction it is written to
 * the alert's history, to the audit log and to the notification outbox. After
 * commit it is stored as an event `alert.<change>` (source `rule`, on the
 * alert's asset, data: the AlertMessage), which the bus brings to every
 * process's live-stream clients as `event: alert`, in the caller's scope and
 * resumable with Last-Event-ID like any event; and the outbox worker is woken.
 *
 * Who is notified: on `opened`, every entry of the rule's `notify`; on
 * `escalated`, the rule's webhooks and, by e-mail, the users of the next role
 * of the chain (escalationRoles) whose scope covers the alert; on every other
 * change, the rule's webhooks only.
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  escalationRoles,
  type AlertAction,
  type AlertMessage,
  type AlertStatus,
  type NotifyTarget,
  type Role,
} from '@cityops/contracts';
import type { Db, Queryable } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Actor } from '../core/auth/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Notification } from '../notifications/outbox.js';
import * as repo from './alerts.repo.js';
import { notifyOf } from './rules.repo.js';
import { actorRef, alertMessage, auditAction, presentAlert } from './present.js';

export interface AlertChange {
  row: repo.AlertRow;
  action: AlertAction;
  from: AlertStatus | null;
  actor: Actor;
  note: string | null;
}

export interface ChangeSinks {
  /** Writes deliveries in the transaction. */
  enqueue(tx: Queryable, items: readonly Notification[]): Promise<void>;
  /** After commit: wake the outbox worker. */
  kick(): void;
  /** After commit: the changes, in order, for the live stream. */
  publish(messages: AlertMessage[]): Promise<void>;
}

export class AlertChanges {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly sinks: ChangeSinks,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Runs fn in a transaction and records the changes it answers; answers them after commit. */
  async apply(fn: (tx: Queryable) => Promise<AlertChange[]>): Promise<AlertChange[]> {
    const changes = await this.db.transaction(async (tx) => {
      const list = await fn(tx);
      await this.record(tx, list);
      return list;
    });
    this.published(changes);
    return changes;
  }

  private async record(tx: Queryable, changes: readonly AlertChange[]): Promise<void> {
    if (changes.length === 0) return;
    const now = this.clock.now();
    await repo.insertHistory(
      tx,
      changes.map((c) => ({
        alert_id: c.row.id,
        action: c.action,
        actor: actorRef(c.actor),
        from_status: c.from,
        to_status: c.row.status,
        severity: c.row.severity,
        note: c.note,
      })),
      now,
    );
    for (const c of changes) {
      await this.audit.record(tx, c.actor, {
        action: auditAction[c.action],
        entityType: 'alert',
        entityId: c.row.id,
        before: c.from === null ? undefined : { status: c.from },
        after: { ...presentAlert(c.row), ...(c.note ? { changeNote: c.note } : {}) },
      });
    }
    const rules = await notifyOf(tx, [...new Set(changes.map((c) => c.row.rule_id))]);
    const items: Notification[] = [];
    for (const c of changes) {
      const rule = rules.get(c.row.rule_id);
      const notify = (rule?.notify ?? []) as NotifyTarget[];
      const base = {
        event: `alert.${c.action}` as const,
        at: now.toISOString(),
        alert: presentAlert(c.row),
        rule: { id: c.row.rule_id, name: rule?.name ?? c.row.title },
      };
      const webhooks = notify.filter((t) => t.channel === 'webhook');
      if (c.action === 'opened') {
        for (const target of notify) items.push({ ...base, target });
      } else if (c.action === 'escalated') {
        const role: Role = escalationRoles[c.row.escalation_level] ?? 'administrator';
        const escalation = { level: c.row.escalation_level, role };
        items.push({ ...base, escalation, target: { channel: 'email', role } });
        for (const target of webhooks) items.push({ ...base, escalation, target });
      } else {
        for (const target of webhooks) items.push({ ...base, target });
      }
    }
    await this.sinks.enqueue(tx, items);
  }

  private published(changes: readonly AlertChange[]): void {
    if (changes.length === 0) return;
    const now = this.clock.now();
    const messages = changes.map((c) => alertMessage(c.row, c.action, now));
    this.sinks
      .publish(messages)
      .catch((err: unknown) =>
        this.log.error({ err, alerts: messages.length }, 'alert changes did not reach the stream'),
      );
    this.sinks.kick();
  }
}
