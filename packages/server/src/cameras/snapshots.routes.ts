/** GET /api/v1/cameras/{id}/snapshot: the camera's current image, fetched by CityOps. */
import { z } from 'zod';
import type { App } from '../core/http/app.js';
import { principalOf } from '../core/http/app.js';
import type { CamerasService } from './cameras.service.js';
import type { SnapshotService } from './snapshots.js';
import { cameraIdParams } from './cameras.routes.js';

export function snapshotRoutes(
  cameras: CamerasService,
  snapshots: SnapshotService,
  cacheMs: number,
) {
  return (app: App) => {
    app.get(
      '/api/v1/cameras/:id/snapshot',
      {
        schema: {
          tags: ['cameras'],
          summary:
            "The camera's current image (JPEG, PNG or WebP), or a 320-pixel JPEG thumbnail with size=thumb",
          params: cameraIdParams,
          querystring: z.object({ size: z.enum(['full', 'thumb']).default('full') }).strict(),
        },
        config: { access: 'cameras:snapshot' },
      },
      async (request, reply) => {
        const src = await cameras.authorize(principalOf(request), request.params.id, 'snapshot', {
          ip: request.ip,
          requestId: request.id,
        });
        const shot = await snapshots.get(src, request.query.size);
        return reply
          .type(shot.contentType)
          .header('cache-control', `private, max-age=${Math.max(1, Math.floor(cacheMs / 1000))}`)
          .header('last-modified', shot.fetchedAt.toUTCString())
          .send(shot.bytes);
      },
    );
  };
}
