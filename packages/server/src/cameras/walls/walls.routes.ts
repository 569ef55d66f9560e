/**
 * /api/v1/cameras/walls: the caller's own video walls (layouts of 1, 4, 9 or
 * 16 tiles and a tour through a camera group). Walls belong to a signed-in
 * user: an API key has none. Another user's wall answers 404.
 */
import { z } from 'zod';
import { cameraWallInputSchema, cameraWallListSchema, cameraWallSchema } from '@cityops/contracts';
import type { App } from '../../core/http/app.js';
import { actorFrom, principalOf } from '../../core/http/app.js';
import { ForbiddenError } from '../../core/errors.js';
import type { Principal } from '../../core/auth/principal.js';
import type { WallsService } from './walls.service.js';

const idParams = z.object({ id: z.uuid() });
const tags = ['cameras'];

function userOf(request: { principal: Principal | null }) {
  const p = principalOf(request);
  if (p.kind !== 'user')
    throw new ForbiddenError('Video walls belong to a signed-in user; an API key has none.');
  return p;
}

export function wallsRoutes(walls: WallsService) {
  return (app: App) => {
    app.get(
      '/api/v1/cameras/walls',
      {
        schema: {
          tags,
          summary: "The caller's saved video walls, by name",
          response: { 200: cameraWallListSchema },
        },
        config: { access: 'cameras:read' },
      },
      async (request) => ({ items: await walls.list(userOf(request).id) }),
    );

    app.post(
      '/api/v1/cameras/walls',
      {
        schema: {
          tags,
          summary: 'Save a new video wall',
          description:
            '`layout` is 1, 4, 9 or 16 tiles; `tiles[i]` is the camera of tile i (null: empty); ' +
            '`tour` rotates the wall through a camera group, `seconds` per page. Names are unique per user.',
          body: cameraWallInputSchema,
          response: { 201: cameraWallSchema },
        },
        config: { access: 'cameras:read' },
      },
      async (request, reply) => {
        const u = userOf(request);
        const wall = await walls.create(actorFrom(request), u.id, u.scope, request.body);
        return reply.status(201).send(wall);
      },
    );

    app.get(
      '/api/v1/cameras/walls/:id',
      {
        schema: {
          tags,
          summary: 'One of the caller’s video walls',
          params: idParams,
          response: { 200: cameraWallSchema },
        },
        config: { access: 'cameras:read' },
      },
      (request) => walls.get(userOf(request).id, request.params.id),
    );

    app.put(
      '/api/v1/cameras/walls/:id',
      {
        schema: {
          tags,
          summary: 'Replace one of the caller’s video walls',
          params: idParams,
          body: cameraWallInputSchema,
          response: { 200: cameraWallSchema },
        },
        config: { access: 'cameras:read' },
      },
      (request) => {
        const u = userOf(request);
        return walls.replace(actorFrom(request), u.id, u.scope, request.params.id, request.body);
      },
    );

    app.delete(
      '/api/v1/cameras/walls/:id',
      {
        schema: { tags, summary: 'Remove one of the caller’s video walls', params: idParams },
        config: { access: 'cameras:read' },
      },
      async (request, reply) => {
        await walls.remove(actorFrom(request), userOf(request).id, request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
