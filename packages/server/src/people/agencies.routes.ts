/** /api/v1/agencies: read by every signed-in role, changed by administrators. */
import { z } from 'zod';
import { pageOf, pageQuery } from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom } from '../core/http/app.js';
import { decodeCursor, pageFrom } from '../core/http/cursor.js';
import {
  agencyCreateSchema,
  agencyPatchSchema,
  agencySchema,
  type AgenciesService,
} from './agencies.service.js';

const codeParams = z.object({ code: z.string().min(1).max(64) });

export function agenciesRoutes(agencies: AgenciesService) {
  return (app: App) => {
    app.get(
      '/api/v1/agencies',
      {
        schema: {
          tags: ['agencies'],
          querystring: z.object({ ...pageQuery, unit: z.string().max(64).optional() }).strict(),
          response: { 200: pageOf(agencySchema) },
        },
        config: { access: 'agencies:read' },
      },
      async (request) => {
        const { limit, cursor, unit } = request.query;
        const after = decodeCursor(cursor, 1)?.[0] as string | undefined;
        return pageFrom(await agencies.list({ after, limit: limit + 1, unit }), limit, (a) => [
          a.code,
        ]);
      },
    );
    app.post(
      '/api/v1/agencies',
      {
        schema: { tags: ['agencies'], body: agencyCreateSchema, response: { 201: agencySchema } },
        config: { access: 'agencies:write' },
      },
      async (request, reply) =>
        reply.status(201).send(await agencies.create(actorFrom(request), request.body)),
    );
    app.get(
      '/api/v1/agencies/:code',
      {
        schema: { tags: ['agencies'], params: codeParams, response: { 200: agencySchema } },
        config: { access: 'agencies:read' },
      },
      (request) => agencies.get(request.params.code),
    );
    app.patch(
      '/api/v1/agencies/:code',
      {
        schema: {
          tags: ['agencies'],
          params: codeParams,
          body: agencyPatchSchema,
          response: { 200: agencySchema },
        },
        config: { access: 'agencies:write' },
      },
      (request) => agencies.update(actorFrom(request), request.params.code, request.body),
    );
  };
}
