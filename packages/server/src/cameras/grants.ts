/**
 * Per-camera and per-group grants (see access.ts for what they mean): listed,
 * created and removed by those holding cameras:grant; every change audited.
 */
import type { CameraGrant, CameraGrantCreate, CameraRight } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { sql } from '../core/db/sql.js';
import type { Actor, Scope } from '../core/auth/principal.js';
import { newId } from '../core/ids.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import * as repo from './cameras.repo.js';

interface GrantRow {
  id: string;
  camera_id: string | null;
  group_name: string | null;
  user_id: string | null;
  role: string | null;
  rights: CameraRight[];
  created_at: Date;
}

const present = (r: GrantRow): CameraGrant => ({
  id: r.id,
  cameraId: r.camera_id,
  group: r.group_name,
  userId: r.user_id,
  role: r.role,
  rights: r.rights,
  createdAt: r.created_at.toISOString(),
});

export class CameraGrants {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(filter: { cameraId?: string | undefined }): Promise<CameraGrant[]> {
    const rows = await this.db.query<GrantRow>(sql`
      SELECT id, camera_id, group_name, user_id, role, rights, created_at FROM camera_grants
      WHERE ${filter.cameraId ? sql`camera_id = ${filter.cameraId}` : sql`TRUE`}
      ORDER BY created_at, id`);
    return rows.map(present);
  }

  async create(actor: Actor, scope: Scope, g: CameraGrantCreate): Promise<CameraGrant> {
    if (g.cameraId && !(await repo.findCamera(this.db, g.cameraId, scope)))
      throw ValidationError.field('cameraId', `no camera has the id ${g.cameraId}`);
    if (g.userId) {
      const users = await this.db.query(sql`SELECT 1 FROM users WHERE id = ${g.userId}`);
      if (users.length === 0)
        throw ValidationError.field('userId', `no user has the id ${g.userId}`);
    }
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<GrantRow>(sql`
        INSERT INTO camera_grants (id, camera_id, group_name, user_id, role, rights, created_at)
        VALUES (${newId()}, ${g.cameraId ?? null}, ${g.group ?? null}, ${g.userId ?? null},
          ${g.role ?? null}, ${[...new Set(g.rights)]}::text[], ${this.clock.now()})
        RETURNING id, camera_id, group_name, user_id, role, rights, created_at`);
      const grant = present(row!);
      await this.audit.record(tx, actor, {
        action: 'camera.grant.create',
        entityType: 'camera_grant',
        entityId: grant.id,
        after: grant,
      });
      return grant;
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx.query<GrantRow>(sql`
        DELETE FROM camera_grants WHERE id = ${id}
        RETURNING id, camera_id, group_name, user_id, role, rights, created_at`);
      if (!row) throw new NotFoundError('Camera grant', id);
      await this.audit.record(tx, actor, {
        action: 'camera.grant.delete',
        entityType: 'camera_grant',
        entityId: id,
        before: present(row),
      });
    });
  }
}
