/** /api/v1/apikeys: administrators create (shown once), list and revoke API keys. */
import { z } from 'zod';
import { apiKeyCreateSchema, apiKeySchema, pageOf, pageQuery } from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom } from '../core/http/app.js';
import { decodeCursor, pageFrom } from '../core/http/cursor.js';
import type { ApiKeysService } from './apikeys.service.js';

export function apiKeysRoutes(keys: ApiKeysService) {
  return (app: App) => {
    app.get(
      '/api/v1/apikeys',
      {
        schema: {
          tags: ['apikeys'],
          querystring: z.object(pageQuery).strict(),
          response: { 200: pageOf(apiKeySchema) },
        },
        config: { access: 'apikeys:manage' },
      },
      async (request) => {
        const { limit, cursor } = request.query;
        const after = decodeCursor(cursor, 1)?.[0] as string | undefined;
        return pageFrom(await keys.list({ after, limit: limit + 1 }), limit, (k) => [k.id]);
      },
    );

    app.post(
      '/api/v1/apikeys',
      {
        schema: {
          tags: ['apikeys'],
          summary: 'Create an API key; the key is shown in this answer only',
          body: apiKeyCreateSchema,
          response: { 201: apiKeySchema.extend({ key: z.string() }) },
        },
        config: { access: 'apikeys:manage' },
      },
      async (request, reply) =>
        reply.status(201).send(await keys.create(actorFrom(request), request.body)),
    );

    app.delete(
      '/api/v1/apikeys/:id',
      {
        schema: {
          tags: ['apikeys'],
          summary: 'Revoke an API key',
          params: z.object({ id: z.uuid() }),
          response: { 200: apiKeySchema },
        },
        config: { access: 'apikeys:manage' },
      },
      (request) => keys.revoke(actorFrom(request), request.params.id),
    );
  };
}
