/** The list queries of reports: staff lists with filters, public lists and map points, nearby open reports. */
import type { ReportStatus } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import { sql, join, empty, type Sql } from '../core/db/sql.js';
import { containsPattern } from '../core/text.js';
import { reportColumns, type ReportRow } from './reports.repo.js';

export interface ResolvedFilter {
  statuses?: ReportStatus[] | undefined;
  categories?: string[] | undefined;
  units?: string[] | undefined;
  agency?: string | undefined;
  overdue?: boolean | undefined;
  q?: string | undefined;
  bbox?: { minLon: number; minLat: number; maxLon: number; maxLat: number } | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

function conditions(f: ResolvedFilter, now: Date): Sql[] {
  const c: Sql[] = [];
  if (f.statuses) c.push(sql`r.status = ANY(${f.statuses}::text[])`);
  if (f.categories) c.push(sql`r.category_code = ANY(${f.categories}::text[])`);
  if (f.units) c.push(sql`r.admin_unit = ANY(${f.units}::text[])`);
  if (f.agency) {
    c.push(sql`(r.primary_agency = ${f.agency} OR EXISTS (SELECT 1 FROM report_coordinators rc
      WHERE rc.report_id = r.id AND rc.agency_code = ${f.agency}))`);
  }
  if (f.overdue !== undefined) {
    const overdue = sql`(r.is_open AND r.answered_at IS NULL AND r.deadline_at < ${now})`;
    c.push(f.overdue ? overdue : sql`NOT ${overdue}`);
  }
  if (f.q) {
    const n = /^#?(\d{1,18})$/.exec(f.q.trim());
    const text = sql`r.search_text LIKE ${containsPattern(f.q)}`;
    c.push(n ? sql`(r.id = ${Number(n[1])} OR ${text})` : text);
  }
  if (f.bbox) {
    const b = f.bbox;
    c.push(
      sql`r.geom && ST_MakeEnvelope(${b.minLon}, ${b.minLat}, ${b.maxLon}, ${b.maxLat}, 4326)`,
    );
  }
  if (f.from) c.push(sql`r.created_at >= ${f.from}::timestamptz`);
  if (f.to) c.push(sql`r.created_at <= ${f.to}::timestamptz`);
  return c;
}

export interface ListPage {
  /** Newest first (by number), after report `after`. */
  after?: number | undefined;
  /** Earliest deadline first, after this deadline and number (sort=deadline). */
  afterDeadline?: { at: Date; id: number } | undefined;
  sort?: 'newest' | 'deadline';
  limit: number;
}

/** A page of reports, newest first (by number) or earliest deadline first. */
export function listReports(
  db: Queryable,
  f: ResolvedFilter,
  scope: Sql,
  page: ListPage,
  now: Date,
): Promise<ReportRow[]> {
  const where = [scope, ...conditions(f, now)];
  if (page.sort === 'deadline') {
    const a = page.afterDeadline;
    if (a) where.push(sql`(r.deadline_at, r.id) > (${a.at}::timestamptz, ${a.id}::bigint)`);
    return db.query<ReportRow>(sql`
      SELECT ${reportColumns} FROM reports r WHERE ${join(where, ' AND ')}
      ORDER BY r.deadline_at, r.id LIMIT ${page.limit}`);
  }
  if (page.after !== undefined) where.push(sql`r.id < ${page.after}`);
  return db.query<ReportRow>(sql`
    SELECT ${reportColumns} FROM reports r WHERE ${join(where, ' AND ')}
    ORDER BY r.id DESC LIMIT ${page.limit}`);
}

export interface MapPointRow {
  id: number;
  lat: number;
  lon: number;
  status: ReportStatus;
  category_code: string;
}

/**
 * Points for a map: located reports, newest first. The public map (no
 * `staff`) leaves out the rejected; a staff map takes the caller's scope and
 * shows what its filter names.
 */
export function mapPoints(
  db: Queryable,
  f: ResolvedFilter,
  limit: number,
  staff?: { scope: Sql; now: Date },
): Promise<MapPointRow[]> {
  const where = [
    sql`r.geom IS NOT NULL`,
    staff ? staff.scope : sql`r.status <> 'rejected'`,
    ...conditions(f, staff?.now ?? new Date()),
  ];
  return db.query<MapPointRow>(sql`
    SELECT r.id, ST_Y(r.geom) AS lat, ST_X(r.geom) AS lon, r.status, r.category_code
    FROM reports r WHERE ${join(where, ' AND ')} ORDER BY r.id DESC LIMIT ${limit}`);
}

/**
 * Open reports of a category within `metres` of a point, nearest first;
 * `opts.scope` limits them to what a staff caller may read, `opts.except`
 * leaves one report out (the one whose duplicates are sought).
 */
export function nearbyOpen(
  db: Queryable,
  p: { lon: number; lat: number },
  category: string,
  metres: number,
  limit: number,
  opts: { scope?: Sql; except?: number } = {},
): Promise<Array<ReportRow & { distance: number }>> {
  const point = sql`ST_SetSRID(ST_MakePoint(${p.lon}, ${p.lat}), 4326)`;
  // A box around the circle first, so that the spatial index does the work.
  const dLat = (metres * 1.1) / 111_320;
  const dLon = dLat / Math.max(0.01, Math.cos((p.lat * Math.PI) / 180));
  const box = sql`ST_MakeEnvelope(${p.lon - dLon}, ${p.lat - dLat}, ${p.lon + dLon}, ${p.lat + dLat}, 4326)`;
  return db.query(sql`
    SELECT ${reportColumns}, ST_Distance(r.geom::geography, ${point}::geography) AS distance
    FROM reports r
    WHERE r.category_code = ${category} AND r.status IN ('received', 'verified', 'assigned', 'in_progress', 'answered')
      AND r.geom && ${box} AND ST_DWithin(r.geom::geography, ${point}::geography, ${metres})
      AND ${opts.scope ?? sql`TRUE`}${opts.except !== undefined ? sql` AND r.id <> ${opts.except}` : empty}
    ORDER BY distance, r.id LIMIT ${limit}`);
}
