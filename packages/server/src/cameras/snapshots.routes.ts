/**
 * GET /api/v1/cameras/{id}/snapshot: the camera's current image, fetched by
 * CityOps. A refusal is audited at once; a view served is counted and audited
 * per viewer and ten-minute window (snapshot-views.ts).
 */
import { z } from 'zod';
import type { App } from '../core/http/app.js';
import { principalOf } from '../core/http/app.js';
import { actorOf } from '../core/auth/principal.js';
import type { CamerasService } from './cameras.service.js';
import type { SnapshotService } from './snapshots.js';
import type { SnapshotViews } from './snapshot-views.js';
import { cameraIdParams } from './cameras.routes.js';

export function snapshotRoutes(
  cameras: CamerasService,
  snapshots: SnapshotService,
  views: SnapshotViews,
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
        const principal = principalOf(request);
        const src = await cameras.authorize(principal, request.params.id, 'snapshot', {
          ip: request.ip,
          requestId: request.id,
        });
        const shot = await snapshots.get(src, request.query.size);
        await views.record(actorOf(principal, request.ip, request.id), src.id);
        return reply
          .type(shot.contentType)
          .header('cache-control', `private, max-age=${Math.max(1, Math.floor(cacheMs / 1000))}`)
          .header('last-modified', shot.fetchedAt.toUTCString())
          .send(shot.bytes);
      },
    );
  };
}
