/**
 * The default alert rules of the camera platform, created once per database:
 * a camera (or ANPR camera) whose probe finds it offline raises an alert, and
 * the alert resolves when a probe finds it back (a threshold rule on the
 * `camera.status` event: `status == offline` fires, any other status clears).
 */
import type { AlertRuleCreate } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { sql } from '../core/db/sql.js';
import { systemActor } from '../core/auth/principal.js';
import type { RulesService } from '../alerts/rules.service.js';

export const CAMERA_OFFLINE_RULE = {
  camera: 'Camera mất kết nối (kiểm tra định kỳ) / Camera offline (health probe)',
  anpr_camera: 'Camera biển số mất kết nối (kiểm tra định kỳ) / ANPR camera offline (health probe)',
} as const;

export function cameraOfflineRules(): AlertRuleCreate[] {
  return (['camera', 'anpr_camera'] as const).map((assetType): AlertRuleCreate => ({
    name: CAMERA_OFFLINE_RULE[assetType],
    severity: 'warning',
    enabled: true,
    kind: 'threshold',
    assetType,
    eventType: 'camera.status',
    field: 'status',
    op: '==',
    value: 'offline',
    notify: [],
    message: {
      vi: 'Camera không phản hồi khi kiểm tra: mất luồng video, ảnh chụp và ONVIF. Xem lý do trong chi tiết',
      en: 'The camera does not answer its health probe: no stream, snapshot or ONVIF. See the reason in the details',
    },
  }));
}

/** Creates the default rules unless this database already had them once. */
export async function seedCameraRules(db: Db, clock: Clock, rules: RulesService): Promise<number> {
  const step = 'offline-rules';
  const done = await db.query(sql`SELECT 1 FROM camera_setup WHERE step = ${step}`);
  if (done.length > 0) return 0;
  let created = 0;
  for (const rule of cameraOfflineRules()) {
    await rules.create(systemActor, { all: true }, rule);
    created++;
  }
  await db.query(
    sql`INSERT INTO camera_setup (step, done_at) VALUES (${step}, ${clock.now()}) ON CONFLICT DO NOTHING`,
  );
  return created;
}
