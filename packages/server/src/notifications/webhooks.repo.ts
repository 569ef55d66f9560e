/** Storage of webhooks. The secret is selected only by `signingTarget`, for signing. */
import type { Queryable } from '../core/db/db.js';
import { sql, empty } from '../core/db/sql.js';

export interface WebhookRow {
  id: string;
  name: string;
  url: string;
  secret_prefix: string;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const columns = sql`id, name, url, secret_prefix, enabled, created_at, updated_at`;

export async function insertWebhook(
  tx: Queryable,
  w: {
    id: string;
    name: string;
    url: string;
    secret: string;
    secretPrefix: string;
    enabled: boolean;
  },
  now: Date,
): Promise<WebhookRow> {
  const [row] = await tx.query<WebhookRow>(sql`
    INSERT INTO webhooks (id, name, url, secret, secret_prefix, enabled, created_at, updated_at)
    VALUES (${w.id}, ${w.name}, ${w.url}, ${w.secret}, ${w.secretPrefix}, ${w.enabled}, ${now}, ${now})
    RETURNING ${columns}`);
  return row!;
}

export async function findWebhook(db: Queryable, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db.query<WebhookRow>(sql`SELECT ${columns} FROM webhooks WHERE id = ${id}`);
  return row;
}

export async function listWebhooks(
  db: Queryable,
  opts: { after?: string | undefined; limit: number },
): Promise<WebhookRow[]> {
  return db.query<WebhookRow>(sql`
    SELECT ${columns} FROM webhooks
    ${opts.after ? sql`WHERE id > ${opts.after}::uuid` : empty}
    ORDER BY id LIMIT ${opts.limit}`);
}

/** Which of the ids name a webhook. */
export async function existingWebhooks(db: Queryable, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.query<{ id: string }>(
    sql`SELECT id FROM webhooks WHERE id = ANY(${ids}::uuid[])`,
  );
  return new Set(rows.map((r) => r.id));
}

export async function updateWebhook(
  tx: Queryable,
  id: string,
  set: { name?: string | undefined; url?: string | undefined; enabled?: boolean | undefined },
  now: Date,
): Promise<WebhookRow | undefined> {
  const [row] = await tx.query<WebhookRow>(sql`
    UPDATE webhooks SET
      name = COALESCE(${set.name ?? null}, name),
      url = COALESCE(${set.url ?? null}, url),
      enabled = COALESCE(${set.enabled ?? null}::boolean, enabled),
      updated_at = ${now}
    WHERE id = ${id}
    RETURNING ${columns}`);
  return row;
}

export async function replaceSecret(
  tx: Queryable,
  id: string,
  secret: string,
  prefix: string,
  now: Date,
): Promise<WebhookRow | undefined> {
  const [row] = await tx.query<WebhookRow>(sql`
    UPDATE webhooks SET secret = ${secret}, secret_prefix = ${prefix}, updated_at = ${now}
    WHERE id = ${id}
    RETURNING ${columns}`);
  return row;
}

export async function deleteWebhook(tx: Queryable, id: string): Promise<boolean> {
  const rows = await tx.query(sql`DELETE FROM webhooks WHERE id = ${id} RETURNING id`);
  return rows.length === 1;
}

/** Where and with what to sign a delivery. */
export async function signingTarget(
  db: Queryable,
  id: string,
): Promise<{ url: string; secret: string; enabled: boolean } | undefined> {
  const [row] = await db.query<{ url: string; secret: string; enabled: boolean }>(
    sql`SELECT url, secret, enabled FROM webhooks WHERE id = ${id}`,
  );
  return row;
}
