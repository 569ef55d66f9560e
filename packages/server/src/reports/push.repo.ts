/** Storage of the citizens' web push subscriptions. */
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';

export interface PushSubscriptionRow {
  id: string;
  citizen_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  lang: 'vi' | 'en';
  created_at: Date;
}

/** Adds a subscription for a citizen, or renews its keys and language; answers the row. */
export async function upsert(
  db: Queryable,
  s: {
    id: string;
    citizenId: string;
    endpoint: string;
    p256dh: string;
    auth: string;
    lang: string;
  },
  now: Date,
): Promise<PushSubscriptionRow & { inserted: boolean }> {
  const [row] = await db.query<PushSubscriptionRow & { inserted: boolean }>(sql`
    INSERT INTO citizen_push_subscriptions
      (id, citizen_id, endpoint, p256dh, auth, lang, created_at, updated_at)
    VALUES (${s.id}, ${s.citizenId}, ${s.endpoint}, ${s.p256dh}, ${s.auth}, ${s.lang}, ${now}, ${now})
    ON CONFLICT (citizen_id, endpoint) DO UPDATE
      SET p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, lang = EXCLUDED.lang,
        updated_at = EXCLUDED.updated_at
    RETURNING id, citizen_id, endpoint, p256dh, auth, lang, created_at, (xmax = 0) AS inserted`);
  return row!;
}

/** Removes a citizen's subscription by endpoint; answers whether there was one. */
export async function remove(db: Queryable, citizenId: string, endpoint: string): Promise<boolean> {
  const rows = await db.query(sql`
    DELETE FROM citizen_push_subscriptions
    WHERE citizen_id = ${citizenId} AND endpoint = ${endpoint} RETURNING id`);
  return rows.length > 0;
}

export function listOf(db: Queryable, citizenId: string): Promise<PushSubscriptionRow[]> {
  return db.query<PushSubscriptionRow>(sql`
    SELECT id, citizen_id, endpoint, p256dh, auth, lang, created_at
    FROM citizen_push_subscriptions WHERE citizen_id = ${citizenId} ORDER BY created_at, id`);
}

export async function byId(db: Queryable, id: string): Promise<PushSubscriptionRow | undefined> {
  const [row] = await db.query<PushSubscriptionRow>(sql`
    SELECT id, citizen_id, endpoint, p256dh, auth, lang, created_at
    FROM citizen_push_subscriptions WHERE id = ${id}`);
  return row;
}

/**
 * Removes a subscription the push service no longer knows: every citizen's
 * row with its endpoint (the browser's several anonymous identities share it).
 */
export async function removeEndpointOf(db: Queryable, id: string): Promise<number> {
  const rows = await db.query(sql`
    DELETE FROM citizen_push_subscriptions
    WHERE endpoint = (SELECT endpoint FROM citizen_push_subscriptions WHERE id = ${id})
    RETURNING id`);
  return rows.length;
}

/**
 * The subscriptions to tell about a report: of the citizen who sent it, of
 * those whose reports were merged into it, and of its followers; one per
 * endpoint (a browser signed in and anonymous is told once).
 */
export function subscribersOf(db: Queryable, reportId: number): Promise<Array<{ id: string }>> {
  return db.query<{ id: string }>(sql`
    SELECT DISTINCT ON (s.endpoint) s.id FROM citizen_push_subscriptions s
    WHERE s.citizen_id IN (
      SELECT citizen_id FROM reports
      WHERE (id = ${reportId} OR merged_into = ${reportId}) AND citizen_id IS NOT NULL
      UNION
      SELECT citizen_id FROM report_followers WHERE report_id = ${reportId})
    ORDER BY s.endpoint, s.updated_at DESC`);
}

/** Moves anonymous citizens' subscriptions to the account that claimed their reports. */
export async function moveTo(db: Queryable, from: string[], to: string): Promise<void> {
  await db.query(sql`
    UPDATE citizen_push_subscriptions SET citizen_id = ${to}
    WHERE id IN (
      SELECT DISTINCT ON (endpoint) id FROM citizen_push_subscriptions s
      WHERE citizen_id = ANY(${from}::uuid[]) AND NOT EXISTS (
        SELECT 1 FROM citizen_push_subscriptions t
        WHERE t.citizen_id = ${to} AND t.endpoint = s.endpoint)
      ORDER BY endpoint, updated_at DESC)`);
  await db.query(
    sql`DELETE FROM citizen_push_subscriptions WHERE citizen_id = ANY(${from}::uuid[])`,
  );
}
