/** GET /api/v1/audit (administrators): the audit log, newest first; GET /api/v1/audit/verify checks the chain. */
import { z } from 'zod';
import { pageOf, pageQuery } from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { decodeCursor, pageFrom } from '../core/http/cursor.js';
import type { AuditService } from './audit.service.js';

const entrySchema = z.object({
  seq: z.number(),
  id: z.string(),
  at: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorLabel: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});

export function auditRoutes(audit: AuditService) {
  return (app: App) => {
    app.get(
      '/api/v1/audit',
      {
        schema: {
          tags: ['audit'],
          summary: 'The audit log, newest first',
          querystring: z
            .object({
              ...pageQuery,
              entity: z.string().max(200).optional(),
              actor: z.string().max(200).optional(),
              action: z.string().max(100).optional(),
            })
            .strict(),
          response: { 200: pageOf(entrySchema) },
        },
        config: { access: 'audit:read' },
      },
      async (request) => {
        const { limit, cursor, entity, actor, action } = request.query;
        const before = decodeCursor(cursor, 1)?.[0] as number | undefined;
        const rows = await audit.list({ entity, actor, action, before, limit: limit + 1 });
        return pageFrom(rows, limit, (e) => [e.seq]);
      },
    );
    app.get(
      '/api/v1/audit/verify',
      {
        schema: {
          tags: ['audit'],
          summary: 'Recompute the hash chain',
          response: {
            200: z.object({
              ok: z.boolean(),
              checked: z.number(),
              brokenAt: z.object({ seq: z.number(), reason: z.string() }).optional(),
            }),
          },
        },
        config: { access: 'audit:read' },
      },
      () => audit.verify(),
    );
  };
}
