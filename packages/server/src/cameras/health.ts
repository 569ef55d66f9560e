/**
 * Camera health: probes on a schedule and on request, with a bounded number
 * in flight so that an unreachable or slow camera holds one slot for at most
 * its deadline and never the others; the latest health per camera, status
 * periods (uptime, outages), and on every change of status a `camera.status`
 * event through the event writer (alert rules act on it) and the asset's
 * status. Cameras whose every address is on a documentation network (RFC
 * 5737: the demo city) are not probed on the schedule.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { CameraHealth } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { sql } from '../core/db/sql.js';
import { newId } from '../core/ids.js';
import { systemActor } from '../core/auth/principal.js';
import type { EventWriter } from '../events/writer.js';
import type { AssetsService } from '../assets/assets.service.js';
import type { CamerasService, CameraSource } from './cameras.service.js';
import { probeCamera, NOTHING_TO_PROBE, type ProbeOutcome } from './probe/probe.js';

export interface HealthOptions {
  /** Seconds between rounds; 0: none on a schedule. */
  intervalSeconds: number;
  concurrency: number;
  timeoutMs: number;
  slowMs?: number;
  /** Probe documentation-network addresses too (tests, benches). */
  includeDocumentationAddresses?: boolean;
}

export interface RoundResult {
  probed: number;
  skipped: number;
  online: number;
  degraded: number;
  offline: number;
  changed: number;
  ms: number;
}

const DOC_NETS = [/^192\.0\.2\./, /^198\.51\.100\./, /^203\.0\.113\./];

/** Whether every address of the camera is on a documentation network (never a real host). */
export function onlyDocumentationAddresses(src: CameraSource): boolean {
  const urls = [src.streamUrl, src.snapshotUrl, src.onvifUrl].filter(
    (u): u is string => u !== undefined,
  );
  if (urls.length === 0) return true;
  return urls.every((u) => {
    try {
      const h = new URL(u).hostname;
      return DOC_NETS.some((n) => n.test(h)) || h.endsWith('.example') || h.endsWith('.invalid');
    } catch {
      return false;
    }
  });
}

/** Runs fn over items with at most `limit` at once. */
export async function inPool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export class CameraHealthService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RoundResult> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      log: FastifyBaseLogger;
      cameras: CamerasService;
      writer: EventWriter;
      assets: AssetsService;
    },
    readonly opts: HealthOptions,
  ) {}

  start(): void {
    this.stopped = false;
    if (this.opts.intervalSeconds <= 0) return;
    const tick = () => {
      if (this.stopped) return;
      this.round()
        .catch((err: unknown) => this.deps.log.error({ err }, 'camera health round failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.opts.intervalSeconds * 1000);
        });
    };
    this.timer = setTimeout(tick, 1000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One round over every camera (a round already running is joined, not doubled). */
  round(): Promise<RoundResult> {
    this.running ??= this.runRound().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runRound(): Promise<RoundResult> {
    const started = performance.now();
    const result: RoundResult = {
      probed: 0,
      skipped: 0,
      online: 0,
      degraded: 0,
      offline: 0,
      changed: 0,
      ms: 0,
    };
    let after: string | undefined;
    for (;;) {
      const page = await this.deps.cameras.sourcesPage(after, 1000);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const due = page.filter(
        (s) => this.opts.includeDocumentationAddresses || !onlyDocumentationAddresses(s),
      );
      result.skipped += page.length - due.length;
      await inPool(due, this.opts.concurrency, async (src) => {
        if (this.stopped) return;
        try {
          const outcome = await this.probeSource(src);
          if (!outcome) {
            result.skipped++;
            return;
          }
          result.probed++;
          result[outcome.health.status as 'online' | 'degraded' | 'offline']++;
          if (outcome.changed) result.changed++;
        } catch (err) {
          this.deps.log.warn({ err, cameraId: src.id }, 'camera probe failed');
        }
      });
      if (page.length < 1000) break;
    }
    result.ms = Math.round(performance.now() - started);
    this.deps.log.info({ ...result }, 'camera health round');
    return result;
  }

  /** Probes one camera now and records the health (undefined: nothing to probe). */
  async probeSource(
    src: CameraSource,
  ): Promise<{ health: CameraHealth; changed: boolean } | undefined> {
    const outcome = await probeCamera(src, {
      timeoutMs: this.opts.timeoutMs,
      ...(this.opts.slowMs !== undefined ? { slowMs: this.opts.slowMs } : {}),
    });
    if (!outcome) return undefined;
    return this.record(src, outcome);
  }

  /** The health of a camera with nothing to probe. */
  static nothingToProbe(): CameraHealth {
    return { status: 'unknown', reason: NOTHING_TO_PROBE, checkedAt: null, since: null };
  }

  /** Stores a probe's outcome; on a change of status, a period, an event and the asset status. */
  async record(
    src: Pick<CameraSource, 'id'>,
    outcome: ProbeOutcome,
  ): Promise<{ health: CameraHealth; changed: boolean }> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const r = outcome.reason;
    const { previous, since } = await db.transaction(async (tx) => {
      const [row] = await tx.query<{ previous: string | null; since: Date }>(sql`
        WITH prev AS (SELECT status FROM camera_health WHERE camera_id = ${src.id})
        INSERT INTO camera_health AS h (camera_id, status, reason_code, reason_vi, reason_en,
          checks, checked_at, since)
        VALUES (${src.id}, ${outcome.status}, ${r?.code ?? null}, ${r?.vi ?? null},
          ${r?.en ?? null}, ${JSON.stringify(outcome.checks)}::jsonb, ${now}, ${now})
        ON CONFLICT (camera_id) DO UPDATE SET status = EXCLUDED.status,
          reason_code = EXCLUDED.reason_code, reason_vi = EXCLUDED.reason_vi,
          reason_en = EXCLUDED.reason_en, checks = EXCLUDED.checks,
          checked_at = EXCLUDED.checked_at,
          since = CASE WHEN h.status = EXCLUDED.status THEN h.since ELSE EXCLUDED.checked_at END
        RETURNING (SELECT status FROM prev) AS previous, h.since`);
      const previous = row!.previous;
      if (previous !== outcome.status) {
        await tx.query(sql`
          UPDATE camera_status_periods SET ended_at = ${now}
          WHERE camera_id = ${src.id} AND ended_at IS NULL`);
        await tx.query(sql`
          INSERT INTO camera_status_periods (camera_id, status, started_at, reason_code)
          VALUES (${src.id}, ${outcome.status}, ${now}, ${r?.code ?? null})
          ON CONFLICT (camera_id, started_at) DO UPDATE SET status = EXCLUDED.status,
            reason_code = EXCLUDED.reason_code, ended_at = NULL`);
      }
      return { previous, since: row!.since };
    });
    const changed = previous !== outcome.status;
    if (changed) {
      await this.deps.writer.write([
        {
          id: newId(),
          deviceId: null,
          assetId: src.id,
          source: 'camera-probe',
          type: 'camera.status',
          observedAt: now,
          receivedAt: now,
          data: {
            status: outcome.status,
            previous: previous ?? 'unknown',
            reason: r?.code ?? null,
            reasonVi: r?.vi ?? null,
            reasonEn: r?.en ?? null,
          },
          deviceEventId: null,
        },
      ]);
      await this.deps.assets.setStatus(systemActor, src.id, outcome.status);
    }
    return {
      changed,
      health: {
        status: outcome.status,
        reason: r,
        checkedAt: now.toISOString(),
        since: since.toISOString(),
        checks: outcome.checks,
      },
    };
  }
}
