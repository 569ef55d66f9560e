/**
 * /api/v1/alerts: alerts within the caller's scope, newest first, with their
 * history on the single read; acknowledge and resolve (an optional `note`, at
 * most 2000 characters). A transition the alert's status does not allow is a
 * 409 saying why.
 */
import { z } from 'zod';
import {
  alertActionBodySchema,
  alertDetailSchema,
  alertListQuery,
  alertSchema,
  pageOf,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom, principalOf } from '../core/http/app.js';
import { decodeCursor } from '../core/http/cursor.js';
import type { AlertsService } from './alerts.service.js';

const idParams = z.object({ id: z.uuid() });
const tags = ['alerts'];

export function alertsRoutes(alerts: AlertsService) {
  return (app: App) => {
    app.get(
      '/api/v1/alerts',
      {
        schema: {
          tags,
          summary: 'List alerts, newest first',
          querystring: alertListQuery,
          response: { 200: pageOf(alertSchema) },
        },
        config: { access: 'alerts:read' },
      },
      (request) => {
        const { cursor, ...q } = request.query;
        const before = decodeCursor(cursor, 1)?.[0] as string | undefined;
        return alerts.list(principalOf(request).scope, { ...q, before });
      },
    );

    app.get(
      '/api/v1/alerts/:id',
      {
        schema: {
          tags,
          summary: 'One alert with its history: who did what, when',
          params: idParams,
          response: { 200: alertDetailSchema },
        },
        config: { access: 'alerts:read' },
      },
      (request) => alerts.get(principalOf(request).scope, request.params.id),
    );

    app.post(
      '/api/v1/alerts/:id/acknowledge',
      {
        schema: {
          tags,
          summary: 'Acknowledge an open alert (stops its escalation)',
          params: idParams,
          body: alertActionBodySchema.optional(),
          response: { 200: alertDetailSchema },
        },
        config: { access: 'alerts:act' },
      },
      (request) =>
        alerts.acknowledge(
          actorFrom(request),
          principalOf(request).scope,
          request.params.id,
          request.body?.note,
        ),
    );

    app.post(
      '/api/v1/alerts/:id/resolve',
      {
        schema: {
          tags,
          summary: 'Resolve an open or acknowledged alert, with an optional note',
          params: idParams,
          body: alertActionBodySchema.optional(),
          response: { 200: alertDetailSchema },
        },
        config: { access: 'alerts:act' },
      },
      (request) =>
        alerts.resolve(
          actorFrom(request),
          principalOf(request).scope,
          request.params.id,
          request.body?.note,
        ),
    );
  };
}
