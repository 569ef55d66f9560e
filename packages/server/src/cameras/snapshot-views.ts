/**
 * The audit trail of granted snapshot views, without flooding it.
 *
 * A refused snapshot is audited at once (`camera.snapshot.denied`, access.ts).
 * A granted one is counted instead: one row per camera, viewer and window of
 * WINDOW_MS (aligned on the clock, ten minutes), upserted on every view, and
 * when the window has closed the row becomes one `camera.snapshot` audit entry
 * with the number of views, the first and last view and the first view's
 * address. Why a window and not an entry per view: a video wall refreshes every
 * tile's thumbnail every few seconds, which would write thousands of identical
 * entries an hour per operator and bury everything else in the log; the
 * question the trail must answer ("who looked at this camera, when, how
 * much") is answered to the window. The counts live in the database, so no
 * view is lost with a process, and any process may turn closed windows into
 * entries: rows are taken with FOR UPDATE SKIP LOCKED and deleted in the
 * transaction that writes their entries, so each is audited once.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { sql } from '../core/db/sql.js';
import type { Actor } from '../core/auth/principal.js';
import type { AuditService } from '../audit/audit.service.js';

/** The window granted views are counted in before they are audited. */
export const SNAPSHOT_VIEW_WINDOW_MS = 10 * 60_000;
export const SNAPSHOT_VIEW_ACTION = 'camera.snapshot';

const FLUSH_EVERY_MS = 60_000;
const BATCH = 500;

interface ViewRow {
  camera_id: string;
  actor_type: Actor['type'];
  actor_id: string;
  window_start: Date;
  actor_label: string;
  ip: string | null;
  request_id: string | null;
  views: number;
  first_at: Date;
  last_at: Date;
}

export class SnapshotViews {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { db: Db; clock: Clock; audit: AuditService; log: FastifyBaseLogger },
    private readonly windowMs = SNAPSHOT_VIEW_WINDOW_MS,
  ) {}

  /** Counts one granted view of the camera by the actor. */
  async record(actor: Actor, cameraId: string): Promise<void> {
    const now = this.deps.clock.now();
    const start = new Date(Math.floor(now.getTime() / this.windowMs) * this.windowMs);
    await this.deps.db.query(sql`
      INSERT INTO camera_snapshot_views AS v (camera_id, actor_type, actor_id, window_start,
        actor_label, ip, request_id, views, first_at, last_at)
      VALUES (${cameraId}, ${actor.type}, ${actor.id ?? ''}, ${start}, ${actor.label},
        ${actor.ip ?? null}, ${actor.requestId ?? null}, 1, ${now}, ${now})
      ON CONFLICT (camera_id, actor_type, actor_id, window_start)
      DO UPDATE SET views = v.views + 1, last_at = GREATEST(v.last_at, EXCLUDED.last_at)`);
  }

  /**
   * Turns the windows closed by `now` into audit entries (a batch per
   * transaction); answers how many entries it wrote.
   */
  async flush(now: Date = this.deps.clock.now()): Promise<number> {
    const closedBefore = new Date(now.getTime() - this.windowMs);
    let written = 0;
    for (;;) {
      const n = await this.deps.db.transaction(async (tx) => {
        const rows = await tx.query<ViewRow>(sql`
          DELETE FROM camera_snapshot_views d
          USING (
            SELECT camera_id, actor_type, actor_id, window_start FROM camera_snapshot_views
            WHERE window_start <= ${closedBefore}
            ORDER BY window_start LIMIT ${BATCH}
            FOR UPDATE SKIP LOCKED) k
          WHERE d.camera_id = k.camera_id AND d.actor_type = k.actor_type
            AND d.actor_id = k.actor_id AND d.window_start = k.window_start
          RETURNING d.*`);
        rows.sort((a, b) => a.first_at.getTime() - b.first_at.getTime());
        for (const r of rows) {
          const actor: Actor = {
            type: r.actor_type,
            id: r.actor_id === '' ? null : r.actor_id,
            label: r.actor_label,
            ip: r.ip ?? undefined,
            requestId: r.request_id ?? undefined,
          };
          await this.deps.audit.record(tx, actor, {
            action: SNAPSHOT_VIEW_ACTION,
            entityType: 'camera',
            entityId: r.camera_id,
            after: {
              views: r.views,
              windowStart: r.window_start.toISOString(),
              windowEnd: new Date(r.window_start.getTime() + this.windowMs).toISOString(),
              firstAt: r.first_at.toISOString(),
              lastAt: r.last_at.toISOString(),
            },
          });
        }
        return rows.length;
      });
      written += n;
      if (n < BATCH) return written;
    }
  }

  /** Flushes closed windows every minute until stopped. */
  start(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.flush().catch((err: unknown) =>
        this.deps.log.error({ err }, 'snapshot views not audited'),
      );
    }, FLUSH_EVERY_MS);
    this.timer.unref();
  }

  /** Stops the timer and audits the windows already closed. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush().catch((err: unknown) =>
      this.deps.log.error({ err }, 'snapshot views not audited'),
    );
  }
}
