/**
 * Events from cameras: vendor webhooks authenticated by a secret per camera
 * (stored as a hash, shown once), and ONVIF events; both become events of
 * type `camera.<kind>` (camera.motion, camera.tamper…) through the event
 * writer, where alert rules (a `match` rule on the type) turn them into alerts.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { sql } from '../core/db/sql.js';
import { newId } from '../core/ids.js';
import { UnauthorizedError } from '../core/errors.js';
import type { EventWriter } from '../events/writer.js';

export const cameraEventBody = z
  .object({
    /** motion, tamper, video_loss, line_crossing, intrusion… */
    type: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and "_", at most 40'),
    /** The camera's own event id: a repeat is stored once. */
    id: z.string().min(1).max(200).optional(),
    ts: z.iso.datetime({ offset: true }).optional(),
    /** true when the condition starts, false when it ends (ONVIF's IsMotion, IsTamper). */
    active: z.boolean().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type CameraEventBody = z.infer<typeof cameraEventBody>;

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

export class CameraEvents {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly writer: EventWriter,
  ) {}

  /** A new webhook secret for the camera (shown this once); the previous one stops working. */
  async newSecret(cameraId: string): Promise<string> {
    const secret = `cow_${randomBytes(24).toString('base64url')}`;
    await this.db.query(sql`
      INSERT INTO camera_webhooks (camera_id, secret_hash, created_at)
      VALUES (${cameraId}, ${hash(secret)}, ${this.clock.now()})
      ON CONFLICT (camera_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash,
        created_at = EXCLUDED.created_at`);
    return secret;
  }

  /** Checks the secret in constant time; a camera without one, or a wrong one, is a 401. */
  async verify(cameraId: string, secret: string | undefined): Promise<void> {
    const [row] = await this.db.query<{ secret_hash: string }>(
      sql`SELECT secret_hash FROM camera_webhooks WHERE camera_id = ${cameraId}`,
    );
    const given = Buffer.from(hash(secret ?? ''), 'hex');
    const stored = Buffer.from(row?.secret_hash ?? hash(randomBytes(8).toString('hex')), 'hex');
    if (!secret || !row || !timingSafeEqual(given, stored))
      throw new UnauthorizedError(
        "This webhook needs the camera's secret (header x-camera-key or ?key=).",
      );
  }

  /** Stores events of a camera; answers their sequence numbers. */
  async record(
    cameraId: string,
    source: 'camera-webhook' | 'onvif',
    events: CameraEventBody[],
  ): Promise<number[]> {
    const now = this.clock.now();
    const outcomes = await this.writer.write(
      events.map((e) => ({
        id: newId(),
        // Repeats of the camera's own id are stored once (deduplication needs a device key).
        deviceId: null,
        assetId: cameraId,
        source,
        type: `camera.${e.type}`,
        observedAt: e.ts ? new Date(e.ts) : now,
        receivedAt: now,
        data: {
          ...(e.data ?? {}),
          ...(e.active !== undefined ? { active: e.active } : {}),
          ...(e.id ? { cameraEventId: e.id } : {}),
        },
        deviceEventId: null,
      })),
    );
    return outcomes.map((o) => o.seq);
  }
}
