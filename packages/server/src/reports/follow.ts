/**
 * What a citizen follows beyond their own reports, and their account's
 * history across devices:
 * - following a report they saw (on the map, or the original of the
 *   duplicate they were about to send): a report merged into another is
 *   followed through its original;
 * - claiming the reports sent anonymously (with follow tokens) into the
 *   signed-in account: the anonymous citizens' reports, follows and push
 *   subscriptions move to it and their tokens stop working;
 * - the Idempotency-Key of a submission: a retried submission (an offline
 *   queue sending again after a lost answer) answers the report the first one
 *   made, never a second one.
 * Every change is audited; no phone number, token or key is written there.
 */
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import type { Clock } from '../core/clock.js';
import type { Actor } from '../core/auth/principal.js';
import { hashSecret } from '../core/auth/secrets.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import * as pushRepo from './push.repo.js';
import { reportNotFound } from './errors.js';

export interface FollowDeps {
  db: Db;
  audit: AuditService;
  clock: Clock;
}

/** A key of 16 to 200 visible ASCII characters (a UUID is the usual one). */
const KEY = /^[\x21-\x7e]{16,200}$/;

/** Keys are remembered this long: enough for a phone that was offline for days. */
export const IDEMPOTENCY_DAYS = 30;

export interface KeyedSubmission {
  reportId: number;
  citizenId: string;
}

export interface KeyedReport extends KeyedSubmission {
  /** The report's citizen is still anonymous (not claimed into a phone account since). */
  anonymous: boolean;
}

export class ReportFollows {
  constructor(private readonly d: FollowDeps) {}

  /**
   * The report a follow of `id` stands for: along merges to the one that is
   * still handled (a chain is a few links at most); `own`: the citizen sent it.
   */
  private async followed(
    tx: Queryable,
    citizenId: string,
    id: number,
  ): Promise<{ id: number; own: boolean } | undefined> {
    const [target] = await tx.query<{ id: number; own: boolean }>(sql`
      WITH RECURSIVE chain AS (
        SELECT id, merged_into, citizen_id, 0 AS depth FROM reports WHERE id = ${id}
        UNION ALL
        SELECT r.id, r.merged_into, r.citizen_id, c.depth + 1 FROM reports r
        JOIN chain c ON r.id = c.merged_into WHERE c.depth < 10)
      SELECT id, citizen_id IS NOT DISTINCT FROM ${citizenId}::uuid AS own
      FROM chain WHERE merged_into IS NULL LIMIT 1`);
    return target;
  }

  /** Follows a report (the original of a merged one); answers the id followed. */
  async follow(citizenId: string, actor: Actor, id: number): Promise<number> {
    return this.d.db.transaction(async (tx) => {
      const target = await this.followed(tx, citizenId, id);
      if (!target) throw reportNotFound(id);
      if (target.own) return target.id;
      const inserted = await tx.query(sql`
        INSERT INTO report_followers (citizen_id, report_id, created_at)
        VALUES (${citizenId}, ${target.id}, ${this.d.clock.now()})
        ON CONFLICT DO NOTHING RETURNING report_id`);
      if (inserted.length > 0) {
        await this.d.audit.record(tx, actor, {
          action: 'report.follow',
          entityType: 'report',
          entityId: String(target.id),
          after: { followed: true, asked: id },
        });
      }
      return target.id;
    });
  }

  /**
   * Stops following a report followed with follow(): by its own number, or by
   * the number of a duplicate merged into it (the one the citizen followed).
   */
  async unfollow(citizenId: string, actor: Actor, id: number): Promise<void> {
    await this.d.db.transaction(async (tx) => {
      const target = await this.followed(tx, citizenId, id);
      const deleted = target
        ? await tx.query(sql`
            DELETE FROM report_followers WHERE citizen_id = ${citizenId} AND report_id = ${target.id}
            RETURNING report_id`)
        : [];
      if (!target || deleted.length === 0) {
        throw new NotFoundError(
          `Report ${id} among the reports you follow (your own reports and the originals of your merged ones are followed for good)`,
        ).vi(
          `Bạn không theo dõi phản ánh #${id} (phản ánh của chính bạn và phản ánh gốc của phản ánh trùng bạn đã gửi luôn được theo dõi).`,
        );
      }
      await this.d.audit.record(tx, actor, {
        action: 'report.unfollow',
        entityType: 'report',
        entityId: String(target.id),
        after: { followed: false, asked: id },
      });
    });
  }

  /**
   * Moves what anonymous citizens (by their follow tokens) sent and followed
   * into a signed-in citizen's account, and revokes those tokens. Every token
   * must be a live anonymous one, else nothing changes and the error names it.
   */
  async claim(
    citizenId: string,
    actor: Actor,
    tokens: string[],
  ): Promise<{ reports: number; tokens: number }> {
    const now = this.d.clock.now();
    return this.d.db.transaction(async (tx) => {
      const hashes = tokens.map(hashSecret);
      const rows = await tx.query<{ token_hash: string; citizen_id: string }>(sql`
        SELECT s.token_hash, s.citizen_id FROM citizen_sessions s
        JOIN citizens c ON c.id = s.citizen_id
        WHERE s.token_hash = ANY(${hashes}::text[]) AND s.revoked_at IS NULL
          AND s.expires_at > ${now} AND c.phone IS NULL`);
      const found = new Map(rows.map((r) => [r.token_hash, r.citizen_id]));
      const errors = hashes.flatMap((h, i) =>
        found.has(h)
          ? []
          : [
              {
                path: `followTokens.${i}`,
                message:
                  'not a follow token of an anonymous report (unknown, expired, already claimed, or of a signed-in account)',
              },
            ],
      );
      if (errors.length) throw new ValidationError(errors);
      const from = [...new Set(found.values())].filter((id) => id !== citizenId);
      const moved = await tx.query<{ id: number }>(sql`
        UPDATE reports SET citizen_id = ${citizenId}
        WHERE citizen_id = ANY(${from}::uuid[]) RETURNING id`);
      await tx.query(sql`
        INSERT INTO report_followers (citizen_id, report_id, created_at)
        SELECT ${citizenId}, report_id, created_at FROM report_followers
        WHERE citizen_id = ANY(${from}::uuid[])
        ON CONFLICT DO NOTHING`);
      await tx.query(sql`DELETE FROM report_followers WHERE citizen_id = ANY(${from}::uuid[])`);
      await tx.query(sql`
        UPDATE citizen_submission_keys SET citizen_id = ${citizenId}
        WHERE citizen_id = ANY(${from}::uuid[])`);
      await pushRepo.moveTo(tx, from, citizenId);
      await tx.query(sql`
        UPDATE citizen_sessions SET revoked_at = ${now}
        WHERE citizen_id = ANY(${from}::uuid[]) AND revoked_at IS NULL`);
      await this.d.audit.record(tx, actor, {
        action: 'citizen.claim',
        entityType: 'citizen',
        entityId: citizenId,
        after: { anonymousCitizens: from, reports: moved.map((r) => r.id) },
      });
      return { reports: moved.length, tokens: tokens.length };
    });
  }

  /** Checks an Idempotency-Key header (400 naming it). */
  static checkKey(key: string): void {
    if (!KEY.test(key))
      throw ValidationError.field(
        'Idempotency-Key',
        'must be 16 to 200 visible ASCII characters (a random UUID, made once per report)',
      );
  }

  private static hash(key: string, citizenId: string | null): string {
    return createHash('sha256')
      .update(citizenId ?? 'anonymous')
      .update('\n')
      .update(key)
      .digest('hex');
  }

  static fingerprint(body: unknown): string {
    return createHash('sha256').update(JSON.stringify(body)).digest('hex');
  }

  /**
   * The report a key already made for this sender, if any; a 409 naming the
   * header when the key was used for a different submission.
   */
  async keyed(
    key: string,
    citizenId: string | null,
    fingerprint: string,
  ): Promise<KeyedReport | undefined> {
    const since = new Date(this.d.clock.now().getTime() - IDEMPOTENCY_DAYS * 86_400_000);
    const [row] = await this.d.db.query<{
      report_id: number;
      citizen_id: string;
      fingerprint: string;
      anonymous: boolean;
    }>(sql`
      SELECT k.report_id, k.citizen_id, k.fingerprint, c.phone IS NULL AS anonymous
      FROM citizen_submission_keys k JOIN citizens c ON c.id = k.citizen_id
      WHERE k.key_hash = ${ReportFollows.hash(key, citizenId)} AND k.created_at > ${since}`);
    if (!row) return undefined;
    if (row.fingerprint !== fingerprint) {
      throw new ConflictError(
        'This Idempotency-Key was already used for a different report; make a new key for each report.',
        [{ path: 'Idempotency-Key', message: 'already used for a different report' }],
      ).vi('Idempotency-Key này đã dùng cho một phản ánh khác; mỗi phản ánh cần một khoá mới.');
    }
    return { reportId: row.report_id, citizenId: row.citizen_id, anonymous: row.anonymous };
  }

  /** Remembers a key with the report it made, in the submission's transaction. */
  async remember(
    tx: Queryable,
    key: string,
    sender: string | null,
    fingerprint: string,
    made: KeyedSubmission,
  ): Promise<void> {
    const hash = ReportFollows.hash(key, sender);
    const since = new Date(this.d.clock.now().getTime() - IDEMPOTENCY_DAYS * 86_400_000);
    // A key past its time may be used again.
    await tx.query(
      sql`DELETE FROM citizen_submission_keys WHERE key_hash = ${hash} AND created_at <= ${since}`,
    );
    await tx.query(sql`
      INSERT INTO citizen_submission_keys (key_hash, citizen_id, report_id, fingerprint, created_at)
      VALUES (${hash}, ${made.citizenId}, ${made.reportId}, ${fingerprint}, ${this.d.clock.now()})`);
  }
}
