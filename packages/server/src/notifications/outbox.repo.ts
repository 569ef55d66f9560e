/**
 * Storage of the notification outbox. Rows are written inside the transaction
 * of the alert change; the queue (core/leased-queue.ts) claims, finishes and
 * retries them; here the dead letters' listing and revival.
 */
import type { Queryable } from '../core/db/db.js';
import { sql, empty } from '../core/db/sql.js';

export interface OutboxRow {
  id: string;
  channel: string;
  target: Record<string, unknown>;
  event: string;
  payload: Record<string, unknown>;
  alert_id: string | null;
  status: 'pending' | 'delivered' | 'skipped' | 'dead';
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export interface NewOutboxRow {
  id: string;
  channel: string;
  target: unknown;
  event: string;
  payload: unknown;
  alert_id: string | null;
}

export async function insertOutbox(
  tx: Queryable,
  rows: readonly NewOutboxRow[],
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(sql`
    INSERT INTO notification_outbox (id, channel, target, event, payload, alert_id,
      next_attempt_at, created_at)
    SELECT r.id, r.channel, r.target, r.event, r.payload, r.alert_id, ${now}, ${now}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(id uuid, channel text,
      target jsonb, event text, payload jsonb, alert_id uuid)`);
}

export async function listDead(
  db: Queryable,
  opts: { after?: string | undefined; limit: number },
): Promise<OutboxRow[]> {
  return db.query<OutboxRow>(sql`
    SELECT * FROM notification_outbox
    WHERE status = 'dead' ${opts.after ? sql`AND id < ${opts.after}::uuid` : empty}
    ORDER BY id DESC LIMIT ${opts.limit}`);
}

export async function findOutbox(db: Queryable, id: string): Promise<OutboxRow | undefined> {
  const [row] = await db.query<OutboxRow>(sql`SELECT * FROM notification_outbox WHERE id = ${id}`);
  return row;
}

/** Puts a dead row back in line with fresh attempts; answers whether it was dead. */
export async function revive(tx: Queryable, id: string, now: Date): Promise<boolean> {
  const rows = await tx.query(sql`
    UPDATE notification_outbox
    SET status = 'pending', attempts = 0, next_attempt_at = ${now}, finished_at = NULL
    WHERE id = ${id} AND status = 'dead'
    RETURNING id`);
  return rows.length === 1;
}

/** Rows of an alert (for tests and support). */
export async function outboxOfAlert(db: Queryable, alertId: string): Promise<OutboxRow[]> {
  return db.query<OutboxRow>(
    sql`SELECT * FROM notification_outbox WHERE alert_id = ${alertId} ORDER BY created_at, id`,
  );
}
