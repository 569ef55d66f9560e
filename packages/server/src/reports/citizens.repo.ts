/** Storage of citizens, their sessions and one-time codes. */
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';

export interface OtpRow {
  id: string;
  phone: string;
  salt: string;
  code_hash: string;
  attempts: number;
  expires_at: Date;
  used_at: Date | null;
  created_at: Date;
}

export async function insertOtp(
  db: Queryable,
  o: Omit<OtpRow, 'attempts' | 'used_at'> & { ip: string },
): Promise<void> {
  await db.query(sql`
    INSERT INTO citizen_otps (id, phone, ip, salt, code_hash, created_at, expires_at)
    VALUES (${o.id}, ${o.phone}, ${o.ip}, ${o.salt}, ${o.code_hash}, ${o.created_at}, ${o.expires_at})`);
}

/** Codes asked since a time: for a phone, and from an address. */
export async function recentOtps(
  db: Queryable,
  phone: string,
  ip: string,
  since: Date,
): Promise<{ byPhone: Date[]; byIp: number }> {
  const [row] = await db.query<{ by_phone: Date[] | null; by_ip: number }>(sql`
    SELECT
      (SELECT array_agg(created_at ORDER BY created_at DESC) FROM citizen_otps
        WHERE phone = ${phone} AND created_at > ${since}) AS by_phone,
      (SELECT count(*) FROM citizen_otps WHERE ip = ${ip} AND created_at > ${since}) AS by_ip`);
  return { byPhone: row?.by_phone ?? [], byIp: Number(row?.by_ip ?? 0) };
}

/** The newest code of a phone still usable (not used, not expired), locked. */
export async function currentOtp(
  db: Queryable,
  phone: string,
  now: Date,
): Promise<OtpRow | undefined> {
  const [row] = await db.query<OtpRow>(sql`
    SELECT id, phone, salt, code_hash, attempts, expires_at, used_at, created_at FROM citizen_otps
    WHERE phone = ${phone} AND used_at IS NULL AND expires_at > ${now}
    ORDER BY created_at DESC LIMIT 1 FOR UPDATE`);
  return row;
}

export async function countAttempt(db: Queryable, id: string): Promise<number> {
  const [row] = await db.query<{ attempts: number }>(
    sql`UPDATE citizen_otps SET attempts = attempts + 1 WHERE id = ${id} RETURNING attempts`,
  );
  return row?.attempts ?? 0;
}

export async function useOtp(db: Queryable, id: string, now: Date): Promise<void> {
  await db.query(sql`UPDATE citizen_otps SET used_at = ${now} WHERE id = ${id}`);
}

/** The citizen with a phone, created if new. */
export async function citizenByPhone(
  db: Queryable,
  id: string,
  phone: string,
  now: Date,
): Promise<string> {
  const [row] = await db.query<{ id: string }>(sql`
    INSERT INTO citizens (id, phone, created_at, last_seen_at) VALUES (${id}, ${phone}, ${now}, ${now})
    ON CONFLICT (phone) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at
    RETURNING id`);
  return row!.id;
}

export async function insertAnonymous(db: Queryable, id: string, now: Date): Promise<void> {
  await db.query(sql`INSERT INTO citizens (id, phone, created_at) VALUES (${id}, NULL, ${now})`);
}

export async function insertSession(
  db: Queryable,
  s: { id: string; citizenId: string; tokenHash: string; now: Date; expiresAt: Date },
): Promise<void> {
  await db.query(sql`
    INSERT INTO citizen_sessions (id, citizen_id, token_hash, created_at, expires_at)
    VALUES (${s.id}, ${s.citizenId}, ${s.tokenHash}, ${s.now}, ${s.expiresAt})`);
}

export async function sessionByHash(
  db: Queryable,
  hash: string,
  now: Date,
): Promise<{ citizen_id: string; phone: string | null } | undefined> {
  const [row] = await db.query<{ citizen_id: string; phone: string | null }>(sql`
    SELECT s.citizen_id, c.phone FROM citizen_sessions s JOIN citizens c ON c.id = s.citizen_id
    WHERE s.token_hash = ${hash} AND s.revoked_at IS NULL AND s.expires_at > ${now}`);
  return row;
}

export async function revokeSession(db: Queryable, hash: string, now: Date): Promise<void> {
  await db.query(sql`UPDATE citizen_sessions SET revoked_at = ${now} WHERE token_hash = ${hash}`);
}
