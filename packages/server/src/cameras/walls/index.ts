/**
 * Video walls of the camera console: saved layouts per user and tours. The
 * cameras module registers `wallRoutes`; a wall's cameras are checked through
 * the module's hooks (a camera outside the caller's scope is not found).
 */
import type { CameraHooks, CameraRoutes } from '../index.js';
import { NotFoundError } from '../../core/errors.js';
import type { Scope } from '../../core/auth/principal.js';
import { WallsService, type VisibleCameras } from './walls.service.js';
import { wallsRoutes } from './walls.routes.js';

export { WallsService } from './walls.service.js';

export function visibleCamerasOf(hooks: CameraHooks): VisibleCameras {
  return async (ids: readonly string[], scope: Scope) => {
    const found = await Promise.all(
      ids.map((id) =>
        hooks.cameras.get(id, scope).then(
          () => id,
          (err: unknown) => {
            if (err instanceof NotFoundError) return null;
            throw err;
          },
        ),
      ),
    );
    return new Set(found.filter((id): id is string => id !== null));
  };
}

export const wallRoutes: CameraRoutes = (app, hooks) => {
  const service = new WallsService(
    hooks.ctx.db,
    hooks.ctx.clock,
    hooks.ctx.audit,
    visibleCamerasOf(hooks),
  );
  wallsRoutes(service)(app);
};
