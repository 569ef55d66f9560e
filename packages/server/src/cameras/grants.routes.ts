/** /api/v1/cameras/grants: who may watch live, see snapshots or manage a camera or group. */
import { z } from 'zod';
import { cameraGrantCreateSchema, cameraGrantSchema } from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom, principalOf } from '../core/http/app.js';
import type { CameraGrants } from './grants.js';

export function grantsRoutes(grants: CameraGrants) {
  return (app: App) => {
    app.get(
      '/api/v1/cameras/grants',
      {
        schema: {
          tags: ['cameras'],
          summary: 'Per-camera and per-group grants',
          querystring: z.object({ camera: z.uuid().optional() }).strict(),
          response: { 200: z.object({ items: z.array(cameraGrantSchema) }) },
        },
        config: { access: 'cameras:grant' },
      },
      async (request) => ({ items: await grants.list({ cameraId: request.query.camera }) }),
    );

    app.post(
      '/api/v1/cameras/grants',
      {
        schema: {
          tags: ['cameras'],
          summary:
            'Grant rights on a camera or group to a user or role; once a right is granted on a camera, only those granted hold it',
          body: cameraGrantCreateSchema,
          response: { 201: cameraGrantSchema },
        },
        config: { access: 'cameras:grant' },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await grants.create(actorFrom(request), principalOf(request).scope, request.body)),
    );

    app.delete(
      '/api/v1/cameras/grants/:id',
      {
        schema: { tags: ['cameras'], params: z.object({ id: z.uuid() }) },
        config: { access: 'cameras:grant' },
      },
      async (request, reply) => {
        await grants.remove(actorFrom(request), request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
