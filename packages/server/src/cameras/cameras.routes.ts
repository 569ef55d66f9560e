/** /api/v1/cameras: cameras with their health, one camera, and the camera groups. */
import { z } from 'zod';
import { cameraGroupSchema, cameraListQuery, cameraSchema, pageOf } from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { principalOf } from '../core/http/app.js';
import { decodeCursor, pageFrom } from '../core/http/cursor.js';
import { ValidationError } from '../core/errors.js';
import type { CamerasService } from './cameras.service.js';

export const cameraIdParams = z.object({ id: z.uuid() });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function camerasRoutes(cameras: CamerasService) {
  return (app: App) => {
    app.get(
      '/api/v1/cameras',
      {
        schema: {
          tags: ['cameras'],
          summary: 'List cameras with their health',
          querystring: cameraListQuery,
          response: { 200: pageOf(cameraSchema) },
        },
        config: { access: 'cameras:read' },
      },
      async (request) => {
        const { limit, cursor, ...filter } = request.query;
        const after = decodeCursor(cursor, 1)?.[0];
        if (after !== undefined && (typeof after !== 'string' || !UUID.test(after)))
          throw ValidationError.field('cursor', 'not a cursor this list gave out');
        const rows = await cameras.list(
          filter,
          { after, limit: limit + 1 },
          principalOf(request).scope,
        );
        return pageFrom(rows, limit, (c) => [c.id]);
      },
    );

    app.get(
      '/api/v1/cameras/groups',
      {
        schema: {
          tags: ['cameras'],
          summary: 'Camera groups: by ward, by purpose, and the named groups in use',
          response: { 200: z.object({ items: z.array(cameraGroupSchema) }) },
        },
        config: { access: 'cameras:read' },
      },
      async (request) => ({ items: await cameras.groups(principalOf(request).scope) }),
    );

    app.get(
      '/api/v1/cameras/:id',
      {
        schema: {
          tags: ['cameras'],
          summary: 'One camera with its health',
          params: cameraIdParams,
          response: { 200: cameraSchema },
        },
        config: { access: 'cameras:read' },
      },
      (request) => cameras.get(request.params.id, principalOf(request).scope),
    );
  };
}
