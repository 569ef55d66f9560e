/** /api/v1/devices: device identities of assets; keys are shown once, on create and rotate-key. */
import { z } from 'zod';
import {
  deviceCreateSchema,
  devicePatchSchema,
  deviceSchema,
  deviceWithKeySchema,
  pageOf,
  pageQuery,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom, principalOf } from '../core/http/app.js';
import { decodeCursor, pageFrom } from '../core/http/cursor.js';
import type { DevicesService } from './devices.service.js';

const idParams = z.object({ id: z.uuid() });

export function devicesRoutes(devices: DevicesService) {
  return (app: App) => {
    app.get(
      '/api/v1/devices',
      {
        schema: {
          tags: ['devices'],
          summary: 'List devices',
          querystring: z.object({ ...pageQuery, asset: z.uuid().optional() }).strict(),
          response: { 200: pageOf(deviceSchema) },
        },
        config: { access: 'devices:read' },
      },
      async (request) => {
        const { limit, cursor, asset } = request.query;
        const after = decodeCursor(cursor, 1)?.[0] as string | undefined;
        const rows = await devices.list(principalOf(request).scope, {
          assetId: asset,
          after,
          limit: limit + 1,
        });
        return pageFrom(rows, limit, (d) => [d.id]);
      },
    );

    app.post(
      '/api/v1/devices',
      {
        schema: {
          tags: ['devices'],
          summary: 'Create a device for an asset; its key is shown in this answer only',
          body: deviceCreateSchema,
          response: { 201: deviceWithKeySchema },
        },
        config: { access: 'devices:write' },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await devices.create(actorFrom(request), principalOf(request).scope, request.body)),
    );

    app.get(
      '/api/v1/devices/:id',
      {
        schema: { tags: ['devices'], params: idParams, response: { 200: deviceSchema } },
        config: { access: 'devices:read' },
      },
      (request) => devices.get(principalOf(request).scope, request.params.id),
    );

    app.patch(
      '/api/v1/devices/:id',
      {
        schema: {
          tags: ['devices'],
          summary: 'Rename, disable or enable a device',
          params: idParams,
          body: devicePatchSchema,
          response: { 200: deviceSchema },
        },
        config: { access: 'devices:write' },
      },
      (request) =>
        devices.update(
          actorFrom(request),
          principalOf(request).scope,
          request.params.id,
          request.body,
        ),
    );

    app.post(
      '/api/v1/devices/:id/rotate-key',
      {
        schema: {
          tags: ['devices'],
          summary: 'Give a device a new key (shown once); the old key stops working',
          params: idParams,
          response: { 200: deviceWithKeySchema },
        },
        config: { access: 'devices:write' },
      },
      (request) =>
        devices.rotateKey(actorFrom(request), principalOf(request).scope, request.params.id),
    );
  };
}
