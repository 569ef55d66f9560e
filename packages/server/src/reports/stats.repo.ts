/** The counts behind the report statistics, grouped by agency or admin unit, in one pass. */
import type { Queryable } from '../core/db/db.js';
import { sql, raw, type Sql } from '../core/db/sql.js';

export interface StatsCountsRow {
  key: string | null;
  received: number;
  handled: number;
  on_time: number;
  late: number;
  due_unhandled: number;
  overdue_now: number;
  days_sum: number | null;
  days_n: number;
  rated: number;
  satisfied: number;
  unsatisfied_or_late: number;
}

export function statsCounts(
  db: Queryable,
  groupBy: 'agency' | 'unit',
  period: { start: Date; end: Date },
  now: Date,
  scope: Sql,
): Promise<StatsCountsRow[]> {
  const key = raw(groupBy === 'agency' ? 'r.primary_agency' : 'r.admin_unit');
  const s = period.start;
  const e = period.end;
  const answered = sql`r.answered_at >= ${s} AND r.answered_at <= ${e}`;
  const rated = sql`r.rated_at >= ${s} AND r.rated_at <= ${e}`;
  const due = sql`r.deadline_at >= ${s} AND r.deadline_at <= ${e}
    AND r.status NOT IN ('rejected', 'merged') AND (r.answered_at IS NULL OR r.answered_at > ${e})`;
  const overdue = sql`r.is_open AND r.answered_at IS NULL AND r.deadline_at < ${now}`;
  const received = sql`r.created_at >= ${s} AND r.created_at <= ${e}`;
  return db.query<StatsCountsRow>(sql`
    SELECT ${key} AS key,
      count(*) FILTER (WHERE ${received}) AS received,
      count(*) FILTER (WHERE ${answered}) AS handled,
      count(*) FILTER (WHERE ${answered} AND r.answered_on_time) AS on_time,
      count(*) FILTER (WHERE ${answered} AND NOT r.answered_on_time) AS late,
      count(*) FILTER (WHERE ${due}) AS due_unhandled,
      count(*) FILTER (WHERE ${overdue}) AS overdue_now,
      sum(r.handling_working_days) FILTER (WHERE ${answered}) AS days_sum,
      count(r.handling_working_days) FILTER (WHERE ${answered}) AS days_n,
      count(*) FILTER (WHERE ${rated}) AS rated,
      count(*) FILTER (WHERE ${rated} AND r.rating_satisfied) AS satisfied,
      count(*) FILTER (WHERE ${answered} AND (r.rating_satisfied = false OR NOT r.answered_on_time))
        AS unsatisfied_or_late
    FROM reports r
    WHERE ${scope} AND ((${received}) OR (${answered}) OR (${rated})
      OR (r.deadline_at >= ${s} AND r.deadline_at <= ${e}) OR (${overdue}))
    GROUP BY ${key}
    ORDER BY ${key} NULLS LAST`);
}
