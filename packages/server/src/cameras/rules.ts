/**
 * The default alert rules of the camera platform, created once per database:
 * a camera (or ANPR camera) whose probe finds it offline raises an alert, and
 * the alert resolves when a probe finds it back (a threshold rule on the
 * `camera.status` event: `status == offline` fires, any other status clears).
 * Creation is safe when several processes start at once (see seedCameraRules).
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

/** A claim older than this whose creator never finished (it died) may be taken over. */
const STALE_CLAIM_MS = 10 * 60_000;

/**
 * Creates the default rules unless this database already had them once.
 *
 * Several processes may start at once on a fresh database, so the creation is
 * claimed first: a row `<step>:claim` inserted with ON CONFLICT on the primary
 * key of camera_setup, which only one of them can insert (PostgreSQL makes the
 * others wait for its commit and then skip). The claimant creates the rules
 * and marks the step done; if it fails, it drops its claim so the next start
 * tries again, and a claim left by a process that died is taken over after
 * STALE_CLAIM_MS. A rule already there by its name (a half-finished earlier
 * attempt) is not created twice.
 */
export async function seedCameraRules(db: Db, clock: Clock, rules: RulesService): Promise<number> {
  const step = 'offline-rules';
  const claim = `${step}:claim`;
  const now = clock.now();
  const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS);
  const claimed = await db.query(sql`
    INSERT INTO camera_setup AS s (step, done_at)
    SELECT ${claim}, ${now}
    WHERE NOT EXISTS (SELECT 1 FROM camera_setup WHERE step = ${step})
    ON CONFLICT (step) DO UPDATE SET done_at = EXCLUDED.done_at
      WHERE s.done_at < ${staleBefore}
        AND NOT EXISTS (SELECT 1 FROM camera_setup WHERE step = ${step})
    RETURNING step`);
  if (claimed.length === 0) return 0;
  let created = 0;
  try {
    const existing = await thresholdRuleNames(rules);
    for (const rule of cameraOfflineRules()) {
      if (existing.has(rule.name)) continue;
      await rules.create(systemActor, { all: true }, rule);
      created++;
    }
    await db.transaction(async (tx) => {
      await tx.query(
        sql`INSERT INTO camera_setup (step, done_at) VALUES (${step}, ${clock.now()}) ON CONFLICT DO NOTHING`,
      );
      await tx.query(sql`DELETE FROM camera_setup WHERE step = ${claim}`);
    });
  } catch (err) {
    await db.query(sql`DELETE FROM camera_setup WHERE step = ${claim}`).catch(() => undefined);
    throw err;
  }
  return created;
}

async function thresholdRuleNames(rules: RulesService): Promise<Set<string>> {
  const names = new Set<string>();
  let after: string | undefined;
  for (;;) {
    const page = await rules.list({ all: true }, { kind: 'threshold', after, limit: 500 });
    for (const r of page) names.add(r.name);
    if (page.length < 500) return names;
    after = page[page.length - 1]!.id;
  }
}
