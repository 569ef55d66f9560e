/** Storage side of retention: policies, the event types present, batched deletes, job leases. */
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';

export async function listPolicies(
  db: Queryable,
): Promise<Array<{ pattern: string; days: number }>> {
  return db.query(sql`SELECT pattern, days FROM event_retention ORDER BY pattern`);
}

/** The distinct event types, read by skipping through the (type, observed_at) index. */
export async function typesPresent(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ type: string }>(sql`
    WITH RECURSIVE t(type) AS (
      SELECT min(type) FROM events
      UNION ALL
      SELECT (SELECT min(e.type) FROM events e WHERE e.type > t.type) FROM t WHERE t.type IS NOT NULL
    )
    SELECT type FROM t WHERE type IS NOT NULL`);
  return rows.map((r) => r.type);
}

/** Deletes at most `limit` events of a type observed before the cutoff; answers how many. */
export async function deleteOlder(
  db: Queryable,
  type: string,
  cutoff: Date,
  limit: number,
): Promise<number> {
  const rows = await db.query<{ seq: number }>(sql`
    DELETE FROM events WHERE seq IN (
      SELECT seq FROM events WHERE type = ${type} AND observed_at < ${cutoff} LIMIT ${limit}
    )
    RETURNING seq`);
  return rows.length;
}

/**
 * Takes (or renews) a job's lease until a time, when it is free, expired or
 * already ours. A row (not a session advisory lock) so that it works through a
 * connection pool and on PGlite alike.
 */
export async function claimLease(
  db: Queryable,
  name: string,
  holder: string,
  now: Date,
  until: Date,
): Promise<boolean> {
  const rows = await db.query(sql`
    INSERT INTO job_leases AS l (name, holder, until) VALUES (${name}, ${holder}, ${until})
    ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
      WHERE l.until < ${now} OR l.holder = EXCLUDED.holder
    RETURNING name`);
  return rows.length === 1;
}
