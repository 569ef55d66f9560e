/** Storage of report notifications (the outbox) and the look-ups delivery needs. */
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';

export interface NotificationRow {
  id: string;
  report_id: number;
  channel: string;
  target: unknown;
  event: string;
  payload: unknown;
  attempts: number;
}

export async function insertNotifications(
  db: Queryable,
  rows: Array<Omit<NotificationRow, 'attempts'>>,
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(sql`
    INSERT INTO report_notifications (id, report_id, channel, target, event, payload,
      next_attempt_at, created_at)
    SELECT id, report_id, channel, target, event, payload, ${now}, ${now}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS t(id uuid, report_id bigint, channel text, target jsonb, event text, payload jsonb)`);
}

/** The reports merged into one (their reporters follow it). */
export async function duplicatesOf(db: Queryable, id: number): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    sql`SELECT id FROM reports WHERE merged_into = ${id}`,
  );
  return rows.map((r) => r.id);
}

/** The phone to tell about a report: its citizen's, else the one given with it; none once erased. */
export async function reporterPhone(db: Queryable, reportId: number): Promise<string | null> {
  const [row] = await db.query<{ phone: string | null }>(sql`
    SELECT COALESCE(c.phone, r.reporter_phone) AS phone
    FROM reports r LEFT JOIN citizens c ON c.id = r.citizen_id
    WHERE r.id = ${reportId} AND r.personal_erased_at IS NULL`);
  return row?.phone ?? null;
}

export function listForReport(db: Queryable, reportId: number) {
  return db.query<NotificationRow & { status: string; last_error: string | null }>(sql`
    SELECT id, report_id, channel, target, event, payload, attempts, status, last_error
    FROM report_notifications WHERE report_id = ${reportId} ORDER BY created_at, id`);
}
