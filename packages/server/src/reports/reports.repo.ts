/**
 * Storage of reports: the rows, their coordinators, photos and history. Every
 * query that lists reports for a caller takes a scope condition (access.ts).
 */
import type { ReportChannel, ReportStatus } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import { sql, join, empty, raw, type Sql } from '../core/db/sql.js';

export interface ReportRow {
  id: number;
  status: ReportStatus;
  is_open: boolean;
  category_code: string;
  description: string;
  lat: number | null;
  lon: number | null;
  address: string | null;
  address_id: string | null;
  admin_unit: string | null;
  channel: ReportChannel;
  attributes: Record<string, string | string[]>;
  primary_agency: string | null;
  routed_agency: string | null;
  coordinators: string[];
  deadline_class: 'urgent' | 'on_the_spot' | 'normal';
  due_date: string;
  deadline_at: Date;
  escalated_at: Date | null;
  extension: ExtensionJson | null;
  answer_text: string | null;
  answered_at: Date | null;
  answered_on_time: boolean | null;
  rating_satisfied: boolean | null;
  rating_comment: string | null;
  rated_at: Date | null;
  reopen_count: number;
  rejection_reason: string | null;
  merged_into: number | null;
  duplicates: number;
  share_reporter: boolean;
  has_reporter: boolean;
  citizen_id: string | null;
  personal_erased_at: Date | null;
  open311_token: string | null;
  cover_file_id: string | null;
  media_url: string | null;
  verified_at: Date | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

export interface ExtensionJson {
  days: number;
  reason: string;
  status: 'pending' | 'approved' | 'refused';
  requestedAt: string;
  requestedBy: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionNote: string | null;
}

/** The columns every view needs (never the reporter's personal data). */
export const reportColumns = sql`
  r.id, r.status, r.is_open, r.category_code, r.description,
  ST_Y(r.geom) AS lat, ST_X(r.geom) AS lon, r.address, r.address_id, r.admin_unit, r.channel,
  r.attributes, r.primary_agency, r.routed_agency,
  COALESCE((SELECT array_agg(rc.agency_code ORDER BY rc.agency_code) FROM report_coordinators rc
    WHERE rc.report_id = r.id), '{}') AS coordinators,
  r.deadline_class, r.due_date::text AS due_date, r.deadline_at, r.escalated_at, r.extension,
  r.answer_text, r.answered_at, r.answered_on_time, r.rating_satisfied, r.rating_comment,
  r.rated_at, r.reopen_count, r.rejection_reason, r.merged_into,
  (SELECT count(*) FROM reports d WHERE d.merged_into = r.id) AS duplicates,
  r.share_reporter,
  (r.reporter_name IS NOT NULL OR r.reporter_phone IS NOT NULL OR r.reporter_email IS NOT NULL
    OR r.reporter_device_id IS NOT NULL OR r.reporter_account_id IS NOT NULL
    OR r.citizen_id IS NOT NULL) AS has_reporter,
  r.citizen_id, r.personal_erased_at, r.open311_token, r.cover_file_id, r.media_url,
  r.verified_at, r.created_at, r.updated_at, r.closed_at`;

export interface NewReport {
  status: ReportStatus;
  categoryCode: string;
  description: string;
  lon: number | null;
  lat: number | null;
  address: string | null;
  addressId: string | null;
  adminUnit: string | null;
  channel: ReportRow['channel'];
  attributes: Record<string, string | string[]>;
  routedAgency: string | null;
  deadlineClass: ReportRow['deadline_class'];
  dueDate: string;
  deadlineAt: Date;
  reporter: {
    name: string | null;
    phone: string | null;
    email: string | null;
    deviceId: string | null;
    accountId: string | null;
  };
  citizenId: string | null;
  open311Token: string | null;
  mediaUrl: string | null;
  searchText: string;
  createdAt: Date;
}

/**
 * Inserts a report and its first history step in one statement (one round
 * trip less on the busiest write: every submission).
 */
export async function insertReport(
  db: Queryable,
  r: NewReport,
  step: Omit<HistoryRow, 'report_id'>,
): Promise<number> {
  const geom =
    r.lon === null || r.lat === null
      ? sql`NULL`
      : sql`ST_SetSRID(ST_MakePoint(${r.lon}, ${r.lat}), 4326)`;
  const [row] = await db.query<{ id: number }>(sql`
    WITH created AS (
      INSERT INTO reports (status, category_code, description, geom, address, address_id,
        admin_unit, channel, attributes, routed_agency, deadline_class, due_date, deadline_at,
        reporter_name, reporter_phone, reporter_email, reporter_device_id, reporter_account_id,
        citizen_id, open311_token, media_url, search_text, created_at, updated_at)
      VALUES (${r.status}, ${r.categoryCode}, ${r.description}, ${geom}, ${r.address},
        ${r.addressId}, ${r.adminUnit}, ${r.channel}, ${JSON.stringify(r.attributes)}::jsonb,
        ${r.routedAgency}, ${r.deadlineClass}, ${r.dueDate}::date, ${r.deadlineAt},
        ${r.reporter.name}, ${r.reporter.phone}, ${r.reporter.email}, ${r.reporter.deviceId},
        ${r.reporter.accountId}, ${r.citizenId}, ${r.open311Token}, ${r.mediaUrl}, ${r.searchText},
        ${r.createdAt}, ${r.createdAt})
      RETURNING id)
    INSERT INTO report_history (id, report_id, at, action, from_status, to_status, actor_type,
      actor_id, actor_name, actor_agency, note, internal_note, data)
    SELECT ${step.id}, created.id, ${step.at}, ${step.action}, ${step.from_status},
      ${step.to_status}, ${step.actor_type}, ${step.actor_id}, ${step.actor_name},
      ${step.actor_agency}, ${step.note}, ${step.internal_note}, ${JSON.stringify(step.data)}::jsonb
    FROM created
    RETURNING report_id AS id`);
  return row!.id;
}

/** The admin unit (commune) holding a point on a date, or null outside every current unit. */
export async function unitAt(
  db: Queryable,
  lon: number,
  lat: number,
  date: string,
): Promise<string | null> {
  const [row] = await db.query<{ unit: string | null }>(
    sql`SELECT admin_unit_at(ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326), ${date}::date) AS unit`,
  );
  return row?.unit ?? null;
}

export async function findReport(
  db: Queryable,
  id: number,
  opts: { lock?: boolean; where?: Sql } = {},
): Promise<ReportRow | undefined> {
  const [row] = await db.query<ReportRow>(sql`
    SELECT ${reportColumns} FROM reports r
    WHERE r.id = ${id} AND ${opts.where ?? sql`TRUE`}
    ${opts.lock ? sql`FOR UPDATE OF r` : empty}`);
  return row;
}

export async function findByToken(db: Queryable, token: string): Promise<number | undefined> {
  const [row] = await db.query<{ id: number }>(
    sql`SELECT id FROM reports WHERE open311_token = ${token}`,
  );
  return row?.id;
}

/** Sets columns of a report (names are trusted constants of the caller) and its update time. */
export async function updateReport(
  db: Queryable,
  id: number,
  set: Record<string, unknown>,
  now: Date,
): Promise<void> {
  const parts = Object.entries(set).map(([col, v]) => {
    if (!/^[a-z_]+$/.test(col)) throw new Error(`bad column ${col}`);
    if (col === 'extension' || col === 'attributes')
      return sql`${raw(col)} = ${v === null ? null : JSON.stringify(v)}::jsonb`;
    if (col === 'due_date') return sql`due_date = ${v}::date`;
    return sql`${raw(col)} = ${v}`;
  });
  await db.query(
    sql`UPDATE reports SET ${join([...parts, sql`updated_at = ${now}`], ', ')} WHERE id = ${id}`,
  );
}

export async function setCoordinators(
  db: Queryable,
  id: number,
  agencies: string[],
): Promise<void> {
  await db.query(sql`DELETE FROM report_coordinators WHERE report_id = ${id}`);
  if (agencies.length === 0) return;
  await db.query(sql`
    INSERT INTO report_coordinators (report_id, agency_code)
    SELECT ${id}, a FROM unnest(${agencies}::text[]) AS a`);
}

// ---------------------------------------------------------------- photos

export interface PhotoRow {
  report_id: number;
  file_id: string;
  kind: 'report' | 'answer';
  content_type: string;
  width: number;
  height: number;
}

export async function addPhotos(
  db: Queryable,
  id: number,
  fileIds: string[],
  kind: 'report' | 'answer',
): Promise<void> {
  if (fileIds.length === 0) return;
  await db.query(sql`
    INSERT INTO report_photos (report_id, file_id, kind, position)
    SELECT ${id}, f, ${kind}, (SELECT count(*) FROM report_photos WHERE report_id = ${id}) + o
    FROM unnest(${fileIds}::uuid[]) WITH ORDINALITY AS t(f, o)`);
  if (kind === 'report') {
    await db.query(sql`
      UPDATE reports SET cover_file_id = COALESCE(cover_file_id, ${fileIds[0]!}::uuid)
      WHERE id = ${id}`);
  }
}

export function photosOf(db: Queryable, ids: number[]): Promise<PhotoRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.query<PhotoRow>(sql`
    SELECT p.report_id, p.file_id, p.kind, f.content_type, f.width, f.height
    FROM report_photos p JOIN files f ON f.id = p.file_id
    WHERE p.report_id = ANY(${ids}::bigint[]) ORDER BY p.report_id, p.position`);
}

export async function photoOf(
  db: Queryable,
  reportId: number,
  fileId: string,
): Promise<PhotoRow | undefined> {
  const [row] = await db.query<PhotoRow>(sql`
    SELECT p.report_id, p.file_id, p.kind, f.content_type, f.width, f.height
    FROM report_photos p JOIN files f ON f.id = p.file_id
    WHERE p.report_id = ${reportId} AND p.file_id = ${fileId}`);
  return row;
}

// ---------------------------------------------------------------- history

export interface HistoryRow {
  id: string;
  report_id: number;
  at: Date;
  action: string;
  from_status: ReportStatus | null;
  to_status: ReportStatus | null;
  actor_type: 'citizen' | 'staff' | 'integration' | 'system';
  actor_id: string | null;
  actor_name: string | null;
  actor_agency: string | null;
  note: string | null;
  internal_note: string | null;
  data: Record<string, unknown>;
}

export async function insertHistory(db: Queryable, h: HistoryRow): Promise<void> {
  await db.query(sql`
    INSERT INTO report_history (id, report_id, at, action, from_status, to_status, actor_type,
      actor_id, actor_name, actor_agency, note, internal_note, data)
    VALUES (${h.id}, ${h.report_id}, ${h.at}, ${h.action}, ${h.from_status}, ${h.to_status},
      ${h.actor_type}, ${h.actor_id}, ${h.actor_name}, ${h.actor_agency}, ${h.note},
      ${h.internal_note}, ${JSON.stringify(h.data)}::jsonb)`);
}

export function historyOf(db: Queryable, ids: number[]): Promise<HistoryRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.query<HistoryRow>(sql`
    SELECT * FROM report_history WHERE report_id = ANY(${ids}::bigint[])
    ORDER BY report_id, at, id`);
}

// ---------------------------------------------------------------- personal data

export interface ReporterRow {
  reporter_name: string | null;
  reporter_phone: string | null;
  reporter_email: string | null;
  reporter_device_id: string | null;
  reporter_account_id: string | null;
  citizen_id: string | null;
  citizen_phone: string | null;
}

export async function reporterOf(db: Queryable, id: number): Promise<ReporterRow | undefined> {
  const [row] = await db.query<ReporterRow>(sql`
    SELECT r.reporter_name, r.reporter_phone, r.reporter_email, r.reporter_device_id,
      r.reporter_account_id, r.citizen_id, c.phone AS citizen_phone
    FROM reports r LEFT JOIN citizens c ON c.id = r.citizen_id WHERE r.id = ${id}`);
  return row;
}

/** Blanks the personal data of reports closed before the cutoff; answers their ids. */
export async function erasePersonalData(
  db: Queryable,
  closedBefore: Date,
  now: Date,
  limit: number,
): Promise<number[]> {
  const rows = await db.query<{ id: number }>(sql`
    UPDATE reports SET reporter_name = NULL, reporter_phone = NULL, reporter_email = NULL,
      reporter_device_id = NULL, reporter_account_id = NULL, citizen_id = NULL,
      personal_erased_at = ${now}
    WHERE id IN (
      SELECT id FROM reports WHERE closed_at IS NOT NULL AND closed_at < ${closedBefore}
        AND personal_erased_at IS NULL
      ORDER BY closed_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id`);
  return rows.map((r) => r.id);
}
