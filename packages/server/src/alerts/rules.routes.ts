/** /api/v1/alert-rules: rules as data, listed, created, read, changed and deleted within the caller's scope. */
import { z } from 'zod';
import {
  alertRuleCreateSchema,
  alertRuleListQuery,
  alertRulePatchSchema,
  alertRuleSchema,
  pageOf,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom, principalOf } from '../core/http/app.js';
import { decodeCursor, pageFrom } from '../core/http/cursor.js';
import type { RulesService } from './rules.service.js';

const idParams = z.object({ id: z.uuid() });
const tags = ['alerts'];

export function rulesRoutes(rules: RulesService) {
  return (app: App) => {
    app.get(
      '/api/v1/alert-rules',
      {
        schema: {
          tags,
          summary: 'List alert rules',
          querystring: alertRuleListQuery,
          response: { 200: pageOf(alertRuleSchema) },
        },
        config: { access: 'alert-rules:read' },
      },
      async (request) => {
        const { limit, cursor, kind, enabled, asset } = request.query;
        const after = decodeCursor(cursor, 1)?.[0] as string | undefined;
        const rows = await rules.list(principalOf(request).scope, {
          ...(kind ? { kind } : {}),
          ...(enabled ? { enabled: enabled === 'true' } : {}),
          ...(asset ? { asset } : {}),
          ...(after ? { after } : {}),
          limit: limit + 1,
        });
        return pageFrom(rows, limit, (r) => [r.id]);
      },
    );

    app.post(
      '/api/v1/alert-rules',
      {
        schema: {
          tags,
          summary: 'Create an alert rule (threshold, silence, match or geofence)',
          description:
            '`threshold`: `assetId` or `assetType`, `eventType`, `field` (a dotted path in the ' +
            "event's data), `op` (> >= < <= == !=), `value`, optional `clearValue` (hysteresis: " +
            'the alert clears once the condition fails with it as the limit). `silence`: `assetId` ' +
            "or `assetType`, `seconds` without events, counted from the asset's last event or the " +
            "rule's arming (creation, enabling, change), whichever is later. `match`: `eventType` " +
            '(or a prefix like `fire.*`), optional `assetType` or `assetId`. `geofence`: `assetId` ' +
            'or `assetType`, `area` (a PostGIS-valid GeoJSON Polygon or MultiPolygon), `on` (enter ' +
            '/ leave); positions come from events with numeric `data.lat` and `data.lon`, the first ' +
            "compared with the asset's registered geometry. Threshold, silence and geofence alerts " +
            'resolve themselves when the condition ends; match alerts wait for a person. ' +
            '`escalateAfterMinutes`: an alert still open after that long goes one severity up and ' +
            'is mailed to the next role (operator → supervisor → administrator). `notify`: ' +
            '`{channel: "email", to: [...]} | {channel: "email", role, adminUnit?}` or ' +
            '`{channel: "webhook", webhookId}`.',
          body: alertRuleCreateSchema,
          response: { 201: alertRuleSchema },
        },
        config: { access: 'alert-rules:write' },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await rules.create(actorFrom(request), principalOf(request).scope, request.body)),
    );

    app.get(
      '/api/v1/alert-rules/:id',
      {
        schema: { tags, params: idParams, response: { 200: alertRuleSchema } },
        config: { access: 'alert-rules:read' },
      },
      (request) => rules.get(principalOf(request).scope, request.params.id),
    );

    app.patch(
      '/api/v1/alert-rules/:id',
      {
        schema: {
          tags,
          summary: 'Change a rule: enable or disable it, its severity, its fields',
          params: idParams,
          body: alertRulePatchSchema,
          response: { 200: alertRuleSchema },
        },
        config: { access: 'alert-rules:write' },
      },
      (request) =>
        rules.update(
          actorFrom(request),
          principalOf(request).scope,
          request.params.id,
          request.body,
        ),
    );

    app.delete(
      '/api/v1/alert-rules/:id',
      {
        schema: {
          tags,
          summary: 'Delete a rule; its unresolved alerts are resolved',
          params: idParams,
        },
        config: { access: 'alert-rules:write' },
      },
      async (request, reply) => {
        await rules.remove(actorFrom(request), principalOf(request).scope, request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
