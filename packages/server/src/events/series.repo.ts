/**
 * Time series from stored events: raw points of one asset, or buckets with
 * count/avg/min/max of one field. Day buckets follow the local calendar
 * (date_trunc with the time zone); shorter ones are fixed intervals (date_bin).
 * Both functions exist in PostgreSQL 15 and in PGlite.
 */
import type { SeriesBucket } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import { sql, type Sql } from '../core/db/sql.js';
import { filterClause, type EventFilter } from './events.repo.js';

export const bucketMs: Record<SeriesBucket, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

const intervals: Record<Exclude<SeriesBucket, '1d'>, string> = {
  '1m': '1 minute',
  '5m': '5 minutes',
  '15m': '15 minutes',
  '1h': '1 hour',
};

function bucketExpr(bucket: SeriesBucket, timezone: string): Sql {
  if (bucket === '1d') return sql`date_trunc('day', e.observed_at, ${timezone})`;
  return sql`date_bin(${intervals[bucket]}::interval, e.observed_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;
}

/** The field's value where it is a JSON number, else NULL (never a cast error). */
function valueExpr(field: string[] | null): Sql {
  if (!field) return sql`NULL::float8`;
  return sql`CASE WHEN jsonb_typeof(e.data #> ${field}::text[]) = 'number'
    THEN (e.data #>> ${field}::text[])::float8 END`;
}

export interface SeriesFilter extends EventFilter {
  types: [string];
  since: Date;
  until: Date;
}

export async function rawSeries(
  db: Queryable,
  f: SeriesFilter & { field: string[] | null; limit: number },
): Promise<Array<{ t: Date; seq: number; value: number | null }>> {
  return db.query(sql`
    SELECT e.observed_at AS t, e.seq, ${valueExpr(f.field)} AS value
    FROM events e
    WHERE ${filterClause(f)}
    ORDER BY e.observed_at, e.seq
    LIMIT ${f.limit}`);
}

export async function bucketSeries(
  db: Queryable,
  f: SeriesFilter & { field: string[] | null; bucket: SeriesBucket; timezone: string },
): Promise<
  Array<{ t: Date; count: number; avg: number | null; min: number | null; max: number | null }>
> {
  const count = f.field ? sql`count(q.v)` : sql`count(*)`;
  return db.query(sql`
    SELECT q.t, ${count} AS count, avg(q.v) AS avg, min(q.v) AS min, max(q.v) AS max
    FROM (
      SELECT ${bucketExpr(f.bucket, f.timezone)} AS t, ${valueExpr(f.field)} AS v
      FROM events e
      WHERE ${filterClause(f)}
    ) q
    GROUP BY q.t
    ORDER BY q.t`);
}
