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
  primary_agency: string | null;
  routed_agency: string | null;
  rejection_reason: string | null;
  answer_text: string | null;
  merged_into: number | null;
  cover_file_id: string | null;
  media_url: string | null;
  verified: boolean;
  /** W3C date-times in UTC, formatted by the database (no parsing on the way). */
  requested: string;
  updated: string;
  expected: string;
  /** Read only with extensions=true (null, or empty, otherwise). */
  admin_unit: string | null;
  channel: string;
  deadline_class: string;
  attributes: Record<string, string | string[]> | null;
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

/** A W3C date-time in UTC in whole seconds, as the database writes it (a flat string). */
const w3c = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/**
 * A row of an answer as one JSON array (the fields of Open311Row in this
 * order): one text to decode and one JSON.parse per row, rather than two dozen
 * fields each decoded on its own. The fields of extensions=true only when
 * asked for.
 */
const row = (extensions: boolean) =>
  raw(`json_build_array(r.id, r.status, r.is_open,
  r.category_code, r.description, r.address, r.address_id, ST_Y(r.geom), ST_X(r.geom),
  r.primary_agency, r.routed_agency, r.rejection_reason, r.answer_text, r.merged_into,
  r.cover_file_id, r.media_url, r.verified_at IS NOT NULL, ${w3c('r.created_at')},
  ${w3c('CASE WHEN r.is_open THEN r.updated_at ELSE COALESCE(r.closed_at, r.answered_at, r.updated_at) END')},
  ${w3c('r.deadline_at')}${
    extensions ? ', r.admin_unit, r.channel, r.deadline_class, r.attributes' : ''
  })::text`);

/** The name of each statement's text, unique in the process (pg keeps one per name). */
const statementNames = new Map<string, string>();

function decode(text: string): Open311Row {
  const a = JSON.parse(text) as unknown[];
  return {
    id: a[0] as number,
    status: a[1] as ReportStatus,
    is_open: a[2] as boolean,
    category_code: a[3] as string,
    description: a[4] as string,
    address: a[5] as string | null,
    address_id: a[6] as string | null,
    lat: a[7] as number | null,
    lon: a[8] as number | null,
    primary_agency: a[9] as string | null,
    routed_agency: a[10] as string | null,
    rejection_reason: a[11] as string | null,
    answer_text: a[12] as string | null,
    merged_into: a[13] as number | null,
    cover_file_id: a[14] as string | null,
    media_url: a[15] as string | null,
    verified: a[16] as boolean,
    requested: a[17] as string,
    updated: a[18] as string,
    expected: a[19] as string,
    admin_unit: (a[20] ?? null) as string | null,
    channel: (a[21] ?? '') as string,
    deadline_class: (a[22] ?? '') as string,
    attributes: (a[23] ?? null) as Record<string, string | string[]> | null,
  };
}

export async function listRequests(
  db: Queryable,
  q: Open311Query,
  extensions = false,
): Promise<Open311Row[]> {
  // Prepared (all but a bbox search), each value goes through a sub-select the planner
  // does not look into: the custom plans of the first five runs then cost what the
  // generic plan costs, and it keeps that one, planned once per connection rather than
  // at every page (~0.1 ms of the ~0.3 ms a page costs the database). Whatever the
  // values, the plan is the same index scan in time order (a window of at most 90 days,
  // a page of at most 1,000).
  const once = !q.bbox;
  // (An array's sub-select cast again, or `= ANY` would read it as a set of rows.)
  const v = (value: unknown, type: string) =>
    once
      ? sql`(SELECT ${value}::${raw(type)})${raw(type.endsWith('[]') ? `::${type}` : '')}`
      : sql`${value}::${raw(type)}`;
  const where: Sql[] = [];
  if (q.ids) where.push(sql`r.id = ANY(${v(q.ids, 'bigint[]')})`);
  // One category as `=`: then the (category, created_at) index gives the order (not with ANY).
  if (q.categories?.length === 1) where.push(sql`r.category_code = ${v(q.categories[0], 'text')}`);
  else if (q.categories) where.push(sql`r.category_code = ANY(${v(q.categories, 'text[]')})`);
  if (q.open !== undefined) where.push(sql`r.is_open = ${v(q.open, 'boolean')}`);
  if (q.start) where.push(sql`r.created_at >= ${v(q.start, 'timestamptz')}`);
  if (q.end) where.push(sql`r.created_at <= ${v(q.end, 'timestamptz')}`);
  if (q.agencies) {
    where.push(sql`COALESCE(r.primary_agency, r.routed_agency) = ANY(${v(q.agencies, 'text[]')})`);
  }
  if (q.bbox) {
    const b = q.bbox;
    where.push(
      sql`r.geom && ST_MakeEnvelope(${b.minLon}, ${b.minLat}, ${b.maxLon}, ${b.maxLat}, 4326)`,
    );
  }
  const q0 = sql`
    SELECT ${row(extensions)} AS j FROM reports r
    WHERE ${where.length ? join(where, ' AND ') : sql`TRUE`}
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT ${v(q.limit, 'int')} OFFSET ${v(q.offset, 'int')}`;
  // Kept prepared per text (a few shapes: which filters are given). Not with a bbox: its
  // best plan depends on the box's size.
  if (!once) return (await db.query<{ j: string }>(q0)).map((r) => decode(r.j));
  let name = statementNames.get(q0.text);
  if (name === undefined) {
    name = `open311_requests_${statementNames.size + 1}`;
    statementNames.set(q0.text, name);
  }
  const rows = await db.query<{ j: string }>(prepared(name, q0));
  return rows.map((r) => decode(r.j));
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
