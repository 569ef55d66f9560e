/**
 * Camera walls: the saved layouts of one user. Each user sees and changes
 * only their own; a wall may show only cameras inside the user's scope; every
 * change is audited.
 */
import { WALLS_PER_USER, cameraWallInputSchema, type CameraWall } from '@cityops/contracts';
import type { Db } from '../../core/db/db.js';
import type { Clock } from '../../core/clock.js';
import type { Actor, Scope } from '../../core/auth/principal.js';
import type { AuditService } from '../../audit/audit.service.js';
import { newId } from '../../core/ids.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import * as repo from './walls.repo.js';

function pgCode(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

export function presentWall(r: repo.WallRow): CameraWall {
  return {
    id: r.id,
    name: r.name,
    layout: r.layout,
    tiles: r.tiles,
    tour:
      r.tour_group !== null && r.tour_seconds !== null
        ? { group: r.tour_group, seconds: r.tour_seconds }
        : null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

const nameTaken = (name: string) =>
  new ConflictError(`You already have a wall named "${name}".`, [
    { path: 'name', message: 'already used by another of your walls' },
  ]);

/** Of the given ids, those that are cameras the scope lets the caller see. */
export type VisibleCameras = (ids: readonly string[], scope: Scope) => Promise<Set<string>>;

export class WallsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly visibleCameras: VisibleCameras,
  ) {}

  async list(userId: string): Promise<CameraWall[]> {
    return (await repo.listWalls(this.db, userId)).map(presentWall);
  }

  async get(userId: string, id: string): Promise<CameraWall> {
    const row = await repo.findWall(this.db, userId, id);
    if (!row) throw new NotFoundError('Wall', id);
    return presentWall(row);
  }

  async create(actor: Actor, userId: string, scope: Scope, input: unknown): Promise<CameraWall> {
    const values = this.parse(input);
    await this.checkTiles(values.tiles, scope);
    try {
      return await this.db.transaction(async (tx) => {
        if ((await repo.countWalls(tx, userId)) >= WALLS_PER_USER)
          throw new ConflictError(
            `You have ${WALLS_PER_USER} walls already, the most one user may keep; remove one first.`,
          );
        const row = await repo.insertWall(tx, newId(), userId, values, this.clock.now());
        const after = presentWall(row);
        await this.audit.record(tx, actor, {
          action: 'camera-wall.create',
          entityType: 'camera_wall',
          entityId: row.id,
          after,
        });
        return after;
      });
    } catch (err) {
      if (pgCode(err) === '23505') throw nameTaken(values.name);
      throw err;
    }
  }

  async replace(
    actor: Actor,
    userId: string,
    scope: Scope,
    id: string,
    input: unknown,
  ): Promise<CameraWall> {
    const values = this.parse(input);
    const current = await repo.findWall(this.db, userId, id);
    if (!current) throw new NotFoundError('Wall', id);
    // Cameras already on the wall may stay even if they left the scope since;
    // new ones must be visible to the user. Checked before the transaction: the
    // cameras' hooks read through the pool (one connection only on PGlite).
    const kept = new Set(current.tiles.filter((t): t is string => t !== null));
    await this.checkTiles(
      values.tiles.map((t) => (t !== null && kept.has(t) ? null : t)),
      scope,
    );
    try {
      return await this.db.transaction(async (tx) => {
        const before = await repo.findWall(tx, userId, id, { forUpdate: true });
        if (!before) throw new NotFoundError('Wall', id);
        const row = (await repo.updateWall(tx, id, userId, values, this.clock.now()))!;
        const after = presentWall(row);
        await this.audit.record(tx, actor, {
          action: 'camera-wall.update',
          entityType: 'camera_wall',
          entityId: id,
          before: presentWall(before),
          after,
        });
        return after;
      });
    } catch (err) {
      if (pgCode(err) === '23505') throw nameTaken(values.name);
      throw err;
    }
  }

  async remove(actor: Actor, userId: string, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await repo.deleteWall(tx, id, userId);
      if (!row) throw new NotFoundError('Wall', id);
      await this.audit.record(tx, actor, {
        action: 'camera-wall.delete',
        entityType: 'camera_wall',
        entityId: id,
        before: presentWall(row),
      });
    });
  }

  private parse(input: unknown): repo.WallValues {
    const parsed = cameraWallInputSchema.safeParse(input);
    if (!parsed.success)
      throw new ValidationError(
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    const w = parsed.data;
    return {
      name: w.name,
      layout: w.layout,
      tiles: w.tiles,
      tourGroup: w.tour?.group ?? null,
      tourSeconds: w.tour?.seconds ?? null,
    };
  }

  /** Every camera named on the wall exists and is inside the scope; else a 400 naming the tile. */
  private async checkTiles(tiles: ReadonlyArray<string | null>, scope: Scope): Promise<void> {
    const ids = tiles.filter((t): t is string => t !== null);
    const visible = await this.visibleCameras(ids, scope);
    const errors = tiles.flatMap((t, i) =>
      t !== null && !visible.has(t)
        ? [{ path: `tiles.${i}`, message: `no camera ${t} that you may see` }]
        : [],
    );
    if (errors.length)
      throw new ValidationError(errors, errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  }
}
