/**
 * The record of live viewer sessions (camera_live_sessions): written at
 * start, renewal and end, and swept for sessions left open by a server that
 * died. Ending is a conditional UPDATE, so each session ends (and is audited)
 * once, whoever ends it. Each row holds the SHA-256 of its token, which the
 * MediaMTX authentication hook looks up (never the token itself).
 */
import type { Queryable } from '../../core/db/db.js';
import { sql } from '../../core/db/sql.js';
import type { Actor } from '../../core/auth/principal.js';

export interface SessionRecord {
  id: string;
  cameraId: string;
  actor: Actor;
  protocol: string;
  quality: string;
  gateway: string;
  startedAt: Date;
  expiresAt: Date;
  /** SHA-256 of the session's token (tokenHash()). */
  tokenHash: string;
}

export interface EndedRow {
  id: string;
  camera_id: string;
  actor_type: Actor['type'];
  actor_id: string | null;
  actor_label: string | null;
  started_at: Date;
  ended_at: Date;
  end_reason: string;
}

export async function insertSession(db: Queryable, s: SessionRecord): Promise<void> {
  await db.query(sql`
    INSERT INTO camera_live_sessions (id, camera_id, actor_type, actor_id, actor_label, protocol,
      quality, gateway, started_at, expires_at, token_hash)
    VALUES (${s.id}, ${s.cameraId}, ${s.actor.type}, ${s.actor.id}, ${s.actor.label},
      ${s.protocol}, ${s.quality}, ${s.gateway}, ${s.startedAt}, ${s.expiresAt}, ${s.tokenHash})`);
}

/** The camera of the open, unexpired session with this token hash, if any (any process's). */
export async function openSessionCamera(
  db: Queryable,
  tokenHash: string,
  now: Date,
): Promise<string | undefined> {
  const [row] = await db.query<{ camera_id: string }>(sql`
    SELECT camera_id FROM camera_live_sessions
    WHERE token_hash = ${tokenHash} AND ended_at IS NULL AND expires_at > ${now}`);
  return row?.camera_id;
}

export async function renewSession(db: Queryable, id: string, expiresAt: Date): Promise<void> {
  await db.query(sql`
    UPDATE camera_live_sessions SET expires_at = ${expiresAt}
    WHERE id = ${id} AND ended_at IS NULL`);
}

/** Ends the session if it is still open; answers whether this call ended it. */
export async function endSession(
  db: Queryable,
  id: string,
  endedAt: Date,
  reason: string,
): Promise<boolean> {
  const rows = await db.query(sql`
    UPDATE camera_live_sessions SET ended_at = ${endedAt}, end_reason = ${reason}
    WHERE id = ${id} AND ended_at IS NULL
    RETURNING id`);
  return rows.length === 1;
}

/**
 * Ends the sessions that expired before `before` and are still open (their
 * server died), at their expiry; answers them.
 */
export async function endLost(db: Queryable, before: Date, limit = 500): Promise<EndedRow[]> {
  return db.query<EndedRow>(sql`
    UPDATE camera_live_sessions s SET ended_at = s.expires_at, end_reason = 'lost'
    WHERE s.id IN (
      SELECT id FROM camera_live_sessions
      WHERE ended_at IS NULL AND expires_at < ${before}
      ORDER BY expires_at LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING s.id, s.camera_id, s.actor_type, s.actor_id, s.actor_label, s.started_at,
      s.ended_at, s.end_reason`);
}
