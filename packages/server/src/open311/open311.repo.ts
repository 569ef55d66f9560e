/**
 * The Open311 list query: public columns only, newest first in a window of
 * time, served by the (created_at), (category, created_at) and (is_open,
 * created_at) indexes of migration 0033.
 */
import { prepared, type Queryable } from '../core/db/db.js';
import { sql, join, raw, type Sql } from '../core/db/sql.js';
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
  attributes: Record<string, string | string[]> | null;
  primary_agency: string | null;
  routed_agency: string | null;
  rejection_reason: string | null;
  answer_text: string | null;
  merged_into: number | null;
  deadline_class: string;
  cover_file_id: string | null;
  media_url: string | null;
  verified: boolean;
  /** W3C date-times in UTC, formatted by the database (no parsing on the way). */
  requested: string;
  updated: string;
  expected: string;
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

const w3c = (col: string) =>
  raw(`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`);

/** The columns of an answer; the attributes only with extensions=true. */
const columns = (extensions: boolean) => sql`r.id, r.status, r.is_open, r.category_code,
  r.description, r.address, r.address_id, ST_Y(r.geom) AS lat, ST_X(r.geom) AS lon, r.admin_unit,
  r.channel, ${extensions ? sql`r.attributes` : sql`NULL`} AS attributes, r.primary_agency,
  r.routed_agency, r.rejection_reason, r.answer_text, r.merged_into, r.deadline_class,
  r.cover_file_id, r.media_url, r.verified_at IS NOT NULL AS verified,
  ${w3c('r.created_at')} AS requested,
  ${w3c('CASE WHEN r.is_open THEN r.updated_at ELSE COALESCE(r.closed_at, r.answered_at, r.updated_at) END')} AS updated,
  ${w3c('r.deadline_at')} AS expected`;

export function listRequests(
  db: Queryable,
  q: Open311Query,
  extensions = false,
): Promise<Open311Row[]> {
  const where: Sql[] = [];
  if (q.ids) where.push(sql`r.id = ANY(${q.ids}::bigint[])`);
  // One category as `=`: then the (category, created_at) index gives the order (not with ANY).
  if (q.categories?.length === 1) where.push(sql`r.category_code = ${q.categories[0]}`);
  else if (q.categories) where.push(sql`r.category_code = ANY(${q.categories}::text[])`);
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
  const q0 = sql`
    SELECT ${columns(extensions)} FROM reports r
    WHERE ${where.length ? join(where, ' AND ') : sql`TRUE`}
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT ${q.limit} OFFSET ${q.offset}`;
  // Kept prepared by shape (its text depends only on which filters are given), so that a
  // page is bound and run without being parsed and planned again. Not with a bbox: its
  // best plan depends on the box's size.
  if (q.bbox) return db.query<Open311Row>(q0);
  const shape = [
    q.ids,
    q.categories?.length === 1,
    q.categories && q.categories.length > 1,
    q.open !== undefined,
    q.start,
    q.end,
    q.agencies,
    extensions,
  ]
    .map((x) => (x ? 1 : 0))
    .join('');
  return db.query<Open311Row>(prepared(`open311_requests_${shape}`, q0));
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
