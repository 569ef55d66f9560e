/**
 * Snapshots on a schedule: a background job that fetches, ahead of viewers,
 * the images (and so the thumbnails) of the cameras on saved video walls —
 * their tiles and the cameras of the groups their tours page through — every
 * `wallSeconds`, and optionally of every online camera every `allSeconds`.
 * Each image is kept in the snapshot cache until the job's next round, so a
 * wall's tiles are served from the cache, however many people watch the wall,
 * and the camera is asked once per round.
 *
 * Bounded: at most `concurrency` fetches at once, each within the snapshot
 * deadline, and a round starts no new fetch once its interval has passed (the
 * rest wait for the next round). It has its own timer and pool, apart from the
 * health probes, so a camera that does not answer holds one of its slots for
 * one deadline and never delays a probe. Offline cameras, cameras without a
 * snapshot address and the demo's documentation-network cameras are skipped.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../core/db/db.js';
import { sql, join, type Sql } from '../core/db/sql.js';
import type { CamerasService } from './cameras.service.js';
import type { SnapshotService } from './snapshots.js';
import { CAMERA_TYPES, groupCondition } from './cameras.repo.js';
import { inPool, onlyDocumentationAddresses } from './health.js';

export interface SnapshotRefreshOptions {
  /** Seconds between refreshes of the wall cameras; 0: none. */
  wallSeconds: number;
  /** Seconds between refreshes of every online camera; 0: none. */
  allSeconds: number;
  /** Fetches in flight at most. */
  concurrency: number;
}

export type RefreshScope = 'walls' | 'all';

export interface RefreshRound {
  cameras: number;
  fetched: number;
  failed: number;
  /** Cameras left for the next round because the round ran out of time. */
  deferred: number;
  ms: number;
}

/** Ids of the cameras a refresh round covers (not offline, with a snapshot address). */
async function camerasToRefresh(db: Db, scope: RefreshScope): Promise<string[]> {
  const base: Sql[] = [
    sql`a.type = ANY(${CAMERA_TYPES}::text[])`,
    sql`COALESCE(a.properties->>'snapshotUrl', '') <> ''`,
  ];
  if (scope === 'all') {
    base.push(sql`h.status IN ('online', 'degraded')`);
  } else {
    base.push(sql`COALESCE(h.status, 'unknown') <> 'offline'`);
    const groups = await db.query<{ g: string }>(
      sql`SELECT DISTINCT tour_group AS g FROM camera_walls WHERE tour_group IS NOT NULL`,
    );
    const onWalls: Sql[] = [
      sql`a.id IN (SELECT DISTINCT t.id FROM camera_walls w, unnest(w.tiles) AS t(id) WHERE t.id IS NOT NULL)`,
      ...groups.map((r) => groupCondition(r.g)),
    ];
    base.push(sql`(${join(onWalls, ' OR ')})`);
  }
  const rows = await db.query<{ id: string }>(sql`
    SELECT a.id FROM assets a LEFT JOIN camera_health h ON h.camera_id = a.id
    WHERE ${join(base, ' AND ')}
    ORDER BY a.id`);
  return rows.map((r) => r.id);
}

export class SnapshotRefresher {
  private readonly timers = new Map<RefreshScope, NodeJS.Timeout>();
  private readonly running = new Map<RefreshScope, Promise<RefreshRound>>();
  private stopped = false;

  constructor(
    private readonly deps: {
      db: Db;
      cameras: CamerasService;
      snapshots: SnapshotService;
      log: FastifyBaseLogger;
    },
    readonly opts: SnapshotRefreshOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule('walls', this.opts.wallSeconds, 2000);
    this.schedule('all', this.opts.allSeconds, 5000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  /** One round now (a round of the same scope already running is joined, not doubled). */
  round(scope: RefreshScope): Promise<RefreshRound> {
    let r = this.running.get(scope);
    if (!r) {
      r = this.runRound(scope).finally(() => this.running.delete(scope));
      this.running.set(scope, r);
    }
    return r;
  }

  private intervalMs(scope: RefreshScope): number {
    return (scope === 'walls' ? this.opts.wallSeconds : this.opts.allSeconds) * 1000;
  }

  private schedule(scope: RefreshScope, seconds: number, firstMs: number): void {
    if (seconds <= 0) return;
    const tick = () => {
      if (this.stopped) return;
      this.round(scope)
        .catch((err: unknown) => this.deps.log.error({ err, scope }, 'snapshot refresh failed'))
        .finally(() => {
          if (!this.stopped) this.timers.set(scope, setTimeout(tick, seconds * 1000).unref());
        });
    };
    this.timers.set(scope, setTimeout(tick, firstMs).unref());
  }

  private async runRound(scope: RefreshScope): Promise<RefreshRound> {
    const started = performance.now();
    // A round that runs past its interval stops starting fetches; the next one takes over.
    const interval = this.intervalMs(scope) || 60_000;
    const deadline = Date.now() + interval;
    // Kept a little past the next round, so a slow round never leaves a gap.
    const keepMs = interval * 2;
    const ids = await camerasToRefresh(this.deps.db, scope);
    const result: RefreshRound = { cameras: 0, fetched: 0, failed: 0, deferred: 0, ms: 0 };
    for (let i = 0; i < ids.length; i += 200) {
      const sources = (await this.deps.cameras.sourcesByIds(ids.slice(i, i + 200))).filter(
        (s) => !onlyDocumentationAddresses(s),
      );
      result.cameras += sources.length;
      await inPool(sources, this.opts.concurrency, async (src) => {
        if (this.stopped || Date.now() >= deadline) {
          result.deferred++;
          return;
        }
        try {
          await this.deps.snapshots.refresh(src, keepMs);
          result.fetched++;
        } catch {
          // The reason shows on the camera's own snapshot request and probe.
          result.failed++;
        }
      });
    }
    result.ms = Math.round(performance.now() - started);
    this.deps.log.debug({ ...result, scope }, 'snapshot refresh round');
    return result;
  }
}
