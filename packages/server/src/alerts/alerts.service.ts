/**
 * Alerts: reading them within the caller's scope (an alert outside it is
 * "not found"), a person's acknowledge and resolve, and the opening, repeating
 * and clearing the rules engine and jobs ask for.
 *
 * Lifecycle: open → acknowledged → resolved, or open → resolved. Threshold,
 * silence and geofence alerts resolve themselves (actor `system`, history
 * action `cleared`) when their condition ends; match alerts wait for a person.
 * A condition that returns after resolution opens a new alert.
 */
import type { Alert, AlertDetail, AlertSeverity, AlertStatus, Page } from '@cityops/contracts';
import type { Db, Queryable } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import { systemActor, type Actor, type Scope } from '../core/auth/principal.js';
import { pageFrom } from '../core/http/cursor.js';
import { withDescendants } from '../geo/unit-tree.js';
import * as repo from './alerts.repo.js';
import type { AlertChange, AlertChanges } from './changes.js';
import { actorRef, presentAlert, presentHistory } from './present.js';

export interface AlertListQuery {
  status?: AlertStatus[] | undefined;
  asset?: string | undefined;
  severity?: AlertSeverity | undefined;
  adminUnit?: string | undefined;
  rule?: string | undefined;
  before?: string | undefined;
  limit: number;
}

const CLEARED_NOTE = 'Condition cleared / Điều kiện đã hết';

export class AlertsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly changes: AlertChanges,
  ) {}

  async list(scope: Scope, q: AlertListQuery): Promise<Page<Alert>> {
    const rows = await repo.listAlerts(this.db, {
      scope,
      status: q.status,
      assetId: q.asset,
      severity: q.severity,
      units: q.adminUnit ? await withDescendants(this.db, [q.adminUnit]) : undefined,
      ruleId: q.rule,
      before: q.before,
      limit: q.limit + 1,
    });
    const page = pageFrom(rows, q.limit, (r) => [r.id]);
    return { items: page.items.map(presentAlert), nextCursor: page.nextCursor };
  }

  async get(scope: Scope, id: string): Promise<AlertDetail> {
    const row = await repo.findAlert(this.db, id, scope);
    if (!row) throw new NotFoundError('Alert', id);
    const history = await repo.historyOf(this.db, id);
    return { ...presentAlert(row), history: history.map(presentHistory) };
  }

  acknowledge(actor: Actor, scope: Scope, id: string, note?: string): Promise<AlertDetail> {
    return this.byPerson(actor, scope, id, 'acknowledged', note);
  }

  resolve(actor: Actor, scope: Scope, id: string, note?: string): Promise<AlertDetail> {
    return this.byPerson(actor, scope, id, 'resolved', note);
  }

  private async byPerson(
    actor: Actor,
    scope: Scope,
    id: string,
    to: 'acknowledged' | 'resolved',
    note: string | undefined,
  ): Promise<AlertDetail> {
    const from: AlertStatus[] = to === 'acknowledged' ? ['open'] : ['open', 'acknowledged'];
    const current = await repo.findAlert(this.db, id, scope);
    if (!current) throw new NotFoundError('Alert', id);
    const refuse = (status: AlertStatus) =>
      new ConflictError(
        to === 'acknowledged'
          ? `Alert ${id} is ${status}; only an open alert can be acknowledged.`
          : `Alert ${id} is already resolved.`,
      );
    if (!from.includes(current.status)) throw refuse(current.status);
    await this.changes.apply(async (tx) => {
      const row = await repo.transition(
        tx,
        { id, from, to, actor: actorRef(actor), note: note || null },
        this.clock.now(),
      );
      if (!row) {
        const latest = await repo.findAlert(tx, id, { all: true });
        throw refuse(latest?.status ?? 'resolved');
      }
      return [{ row, action: to, from: row.from_status, actor, note: note || null }];
    });
    return this.get(scope, id);
  }

  /** Opens an alert for a firing, or counts it on the unresolved one (in the caller's transaction). */
  async fireIn(tx: Queryable, f: repo.Firing): Promise<AlertChange[]> {
    const result = await repo.upsertFiring(tx, f, this.clock.now());
    if (!result?.opened) return [];
    return [{ row: result.row, action: 'opened', from: null, actor: systemActor, note: null }];
  }

  /** Resolves the unresolved alert of (rule, asset) because its condition ended. */
  async clearIn(
    tx: Queryable,
    c: { ruleId: string; assetId: string; seq: number | null },
  ): Promise<AlertChange[]> {
    const row = await repo.clearFiring(tx, c, actorRef(systemActor), this.clock.now());
    if (!row) return [];
    return [
      { row, action: 'cleared', from: row.from_status, actor: systemActor, note: CLEARED_NOTE },
    ];
  }

  /** Many changed rows as changes of one kind (jobs). */
  static asChanges(
    rows: ReadonlyArray<repo.AlertRow & { from_status?: AlertStatus | null }>,
    action: AlertChange['action'],
    actor: Actor,
    note: string | null,
  ): AlertChange[] {
    return rows.map((row) => ({ row, action, from: row.from_status ?? null, actor, note }));
  }

  static readonly clearedNote = CLEARED_NOTE;
}
