/**
 * The Open311 list query: public columns only, newest first in a window of
 * time, served by the (created_at), (category, created_at) and (is_open,
 * created_at) indexes of migration 0033.
 */
import type { Queryable } from '../core/db/db.js';
import { sql, join, type Sql } from '../core/db/sql.js';
import type { ReportStatus } from '@cityops/contracts';
import { INTERNAL_STEPS } from '../reports/history.js';

export interface Open311Row {
  id: number;
  status: ReportStatus;
  is_open: boolean;
  category_code: string;
  description: string;
  address: string | null;
  address_id: string | null;
  lat: number | null;
  lon: number | null;
  admin_unit: string | null;
  channel: string;
  attributes: Record<string, string | string[]>;
  primary_agency: string | null;
  routed_agency: string | null;
  rejection_reason: string | null;
  answer_text: string | null;
  merged_into: number | null;
  deadline_class: string;
  deadline_at: Date;
  due_date: string;
  cover_file_id: string | null;
  media_url: string | null;
  verified_at: Date | null;
  created_at: Date;
  updated_at: Date;
  answered_at: Date | null;
  closed_at: Date | null;
}

export interface Open311Query {
  ids?: number[] | undefined;
  categories?: string[] | undefined;
  open?: boolean | undefined;
  start?: Date | undefined;
  end?: Date | undefined;
  agencies?: string[] | undefined;
  bbox?: { minLon: number; minLat: number; maxLon: number; maxLat: number } | undefined;
  limit: number;
  offset: number;
}

const columns = sql`r.id, r.status, r.is_open, r.category_code, r.description, r.address,
  r.address_id, ST_Y(r.geom) AS lat, ST_X(r.geom) AS lon, r.admin_unit, r.channel, r.attributes,
  r.primary_agency, r.routed_agency, r.rejection_reason, r.answer_text, r.merged_into,
  r.deadline_class, r.deadline_at, r.due_date::text AS due_date, r.cover_file_id, r.media_url,
  r.verified_at, r.created_at, r.updated_at, r.answered_at, r.closed_at`;

export function listRequests(db: Queryable, q: Open311Query): Promise<Open311Row[]> {
  const where: Sql[] = [];
  if (q.ids) where.push(sql`r.id = ANY(${q.ids}::bigint[])`);
  if (q.categories) where.push(sql`r.category_code = ANY(${q.categories}::text[])`);
  if (q.open !== undefined) where.push(sql`r.is_open = ${q.open}`);
  if (q.start) where.push(sql`r.created_at >= ${q.start}`);
  if (q.end) where.push(sql`r.created_at <= ${q.end}`);
  if (q.agencies) {
    where.push(sql`COALESCE(r.primary_agency, r.routed_agency) = ANY(${q.agencies}::text[])`);
  }
  if (q.bbox) {
    const b = q.bbox;
    where.push(
      sql`r.geom && ST_MakeEnvelope(${b.minLon}, ${b.minLat}, ${b.maxLon}, ${b.maxLat}, 4326)`,
    );
  }
  return db.query<Open311Row>(sql`
    SELECT ${columns} FROM reports r
    WHERE ${where.length ? join(where, ' AND ') : sql`TRUE`}
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT ${q.limit} OFFSET ${q.offset}`);
}

export interface NoteRow {
  report_id: number;
  at: Date;
  action: string;
  note: string | null;
}

/** The public history of reports (for extensions=true): no internal notes, no names. */
export function notesOf(db: Queryable, ids: number[]): Promise<NoteRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.query<NoteRow>(sql`
    SELECT report_id, at, action, note FROM report_history
    WHERE report_id = ANY(${ids}::bigint[]) AND action <> ALL(${[...INTERNAL_STEPS]}::text[])
    ORDER BY report_id, at, id`);
}

export async function latestCategoryChange(db: Queryable): Promise<Date | null> {
  const [row] = await db.query<{ at: Date | null }>(
    sql`SELECT max(updated_at) AS at FROM report_categories`,
  );
  return row?.at ?? null;
}
