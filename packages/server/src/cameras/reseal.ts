/**
 * Sealing of camera credentials stored before encryption at rest existed:
 * every plain value in a camera's `secrets` is sealed with the current key
 * (core/auth/secret-box.ts), so no credential stays readable in the database,
 * in a dump or in a backup. Values already sealed, under any key, are left as
 * they are. Each camera is rewritten in a transaction of its own that locks
 * its row and looks again, so two processes (a start and `cityops cameras
 * reseal`) never seal a value twice, and a second run finds nothing to do.
 * Every camera resealed is an audit entry naming the fields, never a value.
 *
 * This writes assets.secrets directly rather than through the assets
 * service: the values do not change, only their stored form.
 */
import type { Db } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import { SecretBox } from '../core/auth/secret-box.js';
import type { Actor } from '../core/auth/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import { CAMERA_TYPES } from './cameras.repo.js';

export const RESEAL_ACTION = 'camera.credentials.sealed';

/** Whether a stored value is a plain credential to seal ('' only means "removed"). */
const isPlain = (v: unknown): v is string =>
  typeof v === 'string' && v !== '' && !SecretBox.isSealed(v);

/** Seals every plain camera credential; answers the number of cameras rewritten. */
export async function resealCameraCredentials(
  deps: { db: Db; audit: AuditService; secrets: SecretBox },
  actor: Actor,
): Promise<number> {
  let resealed = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const due = await deps.db.query<{ id: string }>(sql`
      SELECT a.id FROM assets a
      WHERE a.type = ANY(${CAMERA_TYPES}::text[]) AND a.id > ${after}::uuid
        AND jsonb_typeof(a.secrets) = 'object'
        AND EXISTS (SELECT 1 FROM jsonb_each(a.secrets) e
                    WHERE jsonb_typeof(e.value) = 'string' AND e.value #>> '{}' <> ''
                      AND e.value #>> '{}' NOT LIKE 'v1:%')
      ORDER BY a.id LIMIT 200`);
    for (const { id } of due) {
      if (await resealOne(deps, actor, id)) resealed++;
    }
    if (due.length < 200) return resealed;
    after = due[due.length - 1]!.id;
  }
}

async function resealOne(
  deps: { db: Db; audit: AuditService; secrets: SecretBox },
  actor: Actor,
  id: string,
): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const [row] = await tx.query<{ secrets: Record<string, unknown> | null }>(
      sql`SELECT secrets FROM assets WHERE id = ${id} FOR UPDATE`,
    );
    const stored = row?.secrets;
    if (!stored || typeof stored !== 'object') return false;
    const fields = Object.keys(stored)
      .filter((k) => isPlain(stored[k]))
      .sort();
    if (fields.length === 0) return false;
    const next: Record<string, unknown> = { ...stored };
    for (const k of fields) next[k] = deps.secrets.seal(stored[k] as string, k);
    await tx.query(
      sql`UPDATE assets SET secrets = ${JSON.stringify(next)}::jsonb WHERE id = ${id}`,
    );
    await deps.audit.record(tx, actor, {
      action: RESEAL_ACTION,
      entityType: 'camera',
      entityId: id,
      after: { fields },
    });
    return true;
  });
}
