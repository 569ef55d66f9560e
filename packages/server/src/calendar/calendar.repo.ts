/** Storage of the province's calendar entries. */
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';

export interface CalendarDayRow {
  date: string;
  kind: 'holiday' | 'workday';
  name_vi: string;
  name_en: string;
  source: string;
}

export function listDays(db: Queryable): Promise<CalendarDayRow[]> {
  return db.query<CalendarDayRow>(
    sql`SELECT date::text AS date, kind, name_vi, name_en, source FROM calendar_days ORDER BY date`,
  );
}

export async function findDay(db: Queryable, date: string): Promise<CalendarDayRow | undefined> {
  const [row] = await db.query<CalendarDayRow>(
    sql`SELECT date::text AS date, kind, name_vi, name_en, source FROM calendar_days WHERE date = ${date}::date`,
  );
  return row;
}

export async function upsertDay(
  db: Queryable,
  d: CalendarDayRow,
  now: Date,
  by: string | null,
): Promise<void> {
  await db.query(sql`
    INSERT INTO calendar_days (date, kind, name_vi, name_en, source, created_at, created_by)
    VALUES (${d.date}::date, ${d.kind}, ${d.name_vi}, ${d.name_en}, ${d.source}, ${now}, ${by})
    ON CONFLICT (date) DO UPDATE SET kind = EXCLUDED.kind, name_vi = EXCLUDED.name_vi,
      name_en = EXCLUDED.name_en, source = EXCLUDED.source, created_at = EXCLUDED.created_at,
      created_by = EXCLUDED.created_by`);
}

export async function deleteDay(db: Queryable, date: string): Promise<boolean> {
  const rows = await db.query(
    sql`DELETE FROM calendar_days WHERE date = ${date}::date RETURNING date`,
  );
  return rows.length > 0;
}
