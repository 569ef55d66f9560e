/** The rows background jobs work on, taken with SKIP LOCKED so that each is handled once. */
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import { reportColumns, type ReportRow } from './reports.repo.js';

/** Unanswered open reports past their deadline, not yet escalated. */
export function takeOverdue(db: Queryable, now: Date, limit: number): Promise<ReportRow[]> {
  return db.query<ReportRow>(sql`
    SELECT ${reportColumns} FROM reports r
    WHERE r.answered_at IS NULL AND r.escalated_at IS NULL AND r.is_open AND r.deadline_at < ${now}
    ORDER BY r.deadline_at LIMIT ${limit} FOR UPDATE OF r SKIP LOCKED`);
}

/** Answers nobody rated since before the cutoff. */
export function takeUnrated(db: Queryable, before: Date, limit: number): Promise<ReportRow[]> {
  return db.query<ReportRow>(sql`
    SELECT ${reportColumns} FROM reports r
    WHERE r.status = 'answered' AND r.answered_at < ${before}
    ORDER BY r.answered_at LIMIT ${limit} FOR UPDATE OF r SKIP LOCKED`);
}
