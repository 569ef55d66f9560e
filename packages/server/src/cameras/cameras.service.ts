/**
 * Cameras as the platform sees them: the list with health, the groups, the
 * access check of one camera, and a camera's source (its addresses and
 * decrypted credentials) for the server's own use. Nothing here knows HTTP.
 */
import type {
  Camera,
  CameraGroup,
  CameraHealth,
  CameraListQuery,
  CameraRight,
} from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { actorOf, type Actor, type Principal, type Scope } from '../core/auth/principal.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../core/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { presentAsset } from '../assets/assets.present.js';
import { openWriteOnly } from '../assets/write-only.js';
import type { SecretBox } from '../core/auth/secret-box.js';
import { unknownUnitCodes, withDescendants } from '../geo/unit-tree.js';
import * as repo from './cameras.repo.js';
import { decide, refusedAction, type CameraRef } from './access.js';

/** Where a camera answers and how to sign in to it: server-side only, never presented. */
export interface CameraSource {
  id: string;
  type: string;
  code: string;
  name: string;
  adminUnit: string | null;
  agencyCode: string | null;
  streamUrl: string | undefined;
  subStreamUrl: string | undefined;
  snapshotUrl: string | undefined;
  onvifUrl: string | undefined;
  username: string | undefined;
  password: string | undefined;
  properties: Record<string, unknown>;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export function presentHealth(r: repo.CameraRow): CameraHealth {
  if (!r.health_status) return { status: 'unknown', reason: null, checkedAt: null, since: null };
  return {
    status: r.health_status,
    reason:
      r.reason_code !== null
        ? { code: r.reason_code, vi: r.reason_vi ?? '', en: r.reason_en ?? '' }
        : null,
    checkedAt: r.checked_at?.toISOString() ?? null,
    since: r.since?.toISOString() ?? null,
    ...(r.checks ? { checks: r.checks } : {}),
  };
}

export function presentCamera(r: repo.CameraRow): Camera {
  return { ...presentAsset(r), health: presentHealth(r), hasCredentials: r.has_credentials };
}

export class CamerasService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly secrets: SecretBox,
  ) {}

  async list(
    q: Omit<CameraListQuery, 'limit' | 'cursor'>,
    page: { after?: string | undefined; limit: number },
    scope: Scope,
  ): Promise<Camera[]> {
    let units: string[] | undefined;
    if (q.adminUnit) {
      if ((await unknownUnitCodes(this.db, [q.adminUnit])).length > 0)
        throw ValidationError.field('adminUnit', `no admin unit has the code ${q.adminUnit}`);
      units = await withDescendants(this.db, [q.adminUnit]);
    }
    const rows = await repo.listCameras(
      this.db,
      { statuses: q.status, units, group: q.group, type: q.type },
      scope,
      page,
    );
    return rows.map(presentCamera);
  }

  async get(id: string, scope: Scope): Promise<Camera> {
    const row = await repo.findCamera(this.db, id, scope);
    if (!row) throw new NotFoundError('Camera', id);
    return presentCamera(row);
  }

  /** Ward, purpose and custom groups with their camera counts, within the scope. */
  async groups(scope: Scope): Promise<CameraGroup[]> {
    const [builtIn, custom] = await Promise.all([
      repo.builtInGroups(this.db, scope),
      repo.customGroups(this.db, scope),
    ]);
    return [
      ...builtIn.map((g) => ({
        key: `${g.kind}:${g.key}`,
        kind: g.kind,
        name: g.name ?? g.key,
        cameras: g.cameras,
      })),
      ...custom.map((g) => ({
        key: g.name,
        kind: 'custom' as const,
        name: g.name,
        cameras: g.cameras,
      })),
    ];
  }

  /**
   * A camera's addresses and decrypted credentials, if it is a camera in the
   * scope (else NotFoundError). For the server's own use: never present it.
   */
  async loadCameraSource(id: string, scope: Scope): Promise<CameraSource> {
    const row = await repo.findCamera(this.db, id, scope);
    if (!row) throw new NotFoundError('Camera', id);
    return this.sourceById(id);
  }

  /** The source of a camera whose scope the caller has already checked. */
  private async sourceById(id: string): Promise<CameraSource> {
    const [src] = await repo.sourceRows(this.db, { ids: [id], limit: 1 });
    if (!src) throw new NotFoundError('Camera', id);
    return this.sourceOf(src);
  }

  /** Sources of many cameras, a page at a time in id order (health rounds). */
  async sourcesPage(after: string | undefined, limit: number): Promise<CameraSource[]> {
    const rows = await repo.sourceRows(this.db, { after, limit });
    return rows.map((r) => this.sourceOf(r));
  }

  /** Sources of the given cameras (no scope: the server's own background work). */
  async sourcesByIds(ids: readonly string[]): Promise<CameraSource[]> {
    if (ids.length === 0) return [];
    const rows = await repo.sourceRows(this.db, { ids: [...ids], limit: ids.length });
    return rows.map((r) => this.sourceOf(r));
  }

  sourceOf(r: repo.SourceRow): CameraSource {
    const creds = openWriteOnly(r.secrets, this.secrets);
    const p = r.properties;
    return {
      id: r.id,
      type: r.type,
      code: r.code,
      name: r.name,
      adminUnit: r.admin_unit_code,
      agencyCode: r.agency_code,
      streamUrl: str(p.streamUrl),
      subStreamUrl: str(p.subStreamUrl),
      snapshotUrl: str(p.snapshotUrl),
      onvifUrl: str(p.onvifUrl),
      username: str(creds.username),
      password: str(creds.password),
      properties: p,
    };
  }

  /** Whether the principal may do the right on the camera (false also when it is out of scope). */
  async can(principal: Principal, id: string, right: CameraRight): Promise<boolean> {
    const row = await repo.findCamera(this.db, id, principal.scope);
    if (!row) return false;
    return (await decide(this.db, principal, refOf(row), right)).allowed;
  }

  /**
   * Checks the right and answers the camera's source; a camera outside the
   * scope is a 404, a refusal a 403. A refused live view or snapshot is
   * audited on the camera (`camera.live.denied`, `camera.snapshot.denied`);
   * the caller audits what it then does.
   */
  async authorize(
    principal: Principal,
    id: string,
    right: CameraRight,
    meta: { ip?: string; requestId?: string } = {},
  ): Promise<CameraSource> {
    const row = await repo.findCamera(this.db, id, principal.scope);
    if (!row) {
      // Outside the caller's scope the camera does not exist for them (404),
      // but an attempt to watch it is still on the camera's record.
      if (right !== 'manage' && (await repo.findCamera(this.db, id, { all: true }))) {
        await this.auditOn(actorOf(principal, meta.ip, meta.requestId), id, refusedAction(right), {
          because: 'outside_scope',
        });
      }
      throw new NotFoundError('Camera', id);
    }
    const d = await decide(this.db, principal, refOf(row), right);
    if (!d.allowed) {
      if (right !== 'manage') {
        await this.auditOn(actorOf(principal, meta.ip, meta.requestId), id, refusedAction(right), {
          because: d.because,
        });
      }
      throw new ForbiddenError(d.detail);
    }
    return this.sourceById(id);
  }

  /** One audit entry on the camera, in a transaction of its own. */
  async auditOn(actor: Actor, cameraId: string, action: string, after?: unknown): Promise<void> {
    await this.db.transaction((tx) =>
      this.audit.record(tx, actor, { action, entityType: 'camera', entityId: cameraId, after }),
    );
  }

  now(): Date {
    return this.clock.now();
  }
}

function refOf(r: repo.CameraRow): CameraRef {
  return { id: r.id, adminUnit: r.admin_unit_code, properties: r.properties };
}
