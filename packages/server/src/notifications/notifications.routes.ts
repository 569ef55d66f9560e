/**
 * /api/v1/webhooks (administrators: the secret is answered on create and
 * rotate-secret only) and /api/v1/notifications/dead-letters (deliveries that
 * failed every attempt; an administrator can put one back in line).
 */
import { z } from 'zod';
import {
  deadLetterSchema,
  pageOf,
  pageQuery,
  webhookCreateSchema,
  webhookPatchSchema,
  webhookSchema,
  webhookWithSecretSchema,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom } from '../core/http/app.js';
import { decodeCursor, pageFrom } from '../core/http/cursor.js';
import type { WebhooksService } from './webhooks.service.js';
import type { Outbox } from './outbox.js';

const idParams = z.object({ id: z.uuid() });
const tags = ['notifications'];

export function notificationsRoutes(webhooks: WebhooksService, outbox: Outbox) {
  return (app: App) => {
    app.get(
      '/api/v1/webhooks',
      {
        schema: {
          tags,
          summary: 'List webhooks',
          querystring: z.object(pageQuery).strict(),
          response: { 200: pageOf(webhookSchema) },
        },
        config: { access: 'notifications:manage' },
      },
      async (request) => {
        const { limit, cursor } = request.query;
        const after = decodeCursor(cursor, 1)?.[0] as string | undefined;
        const rows = await webhooks.list({ after, limit: limit + 1 });
        return pageFrom(rows, limit, (w) => [w.id]);
      },
    );

    app.post(
      '/api/v1/webhooks',
      {
        schema: {
          tags,
          summary: 'Register a webhook; its signing secret is shown in this answer only',
          description:
            'Alert changes are POSTed as JSON with `X-CityOps-Event`, `X-CityOps-Delivery` (the ' +
            'same on every retry) and `X-CityOps-Signature: t=<unix seconds>,v1=<hex>`, where the ' +
            'hex is HMAC-SHA256 with the secret over `<t>.<raw body>`. Check it in constant time ' +
            'and refuse a `t` more than 5 minutes away. Answer 2xx; anything else is retried with ' +
            'exponential backoff and, after the last attempt, dead-lettered.',
          body: webhookCreateSchema,
          response: { 201: webhookWithSecretSchema },
        },
        config: { access: 'notifications:manage' },
      },
      async (request, reply) =>
        reply.status(201).send(await webhooks.create(actorFrom(request), request.body)),
    );

    app.get(
      '/api/v1/webhooks/:id',
      {
        schema: { tags, params: idParams, response: { 200: webhookSchema } },
        config: { access: 'notifications:manage' },
      },
      (request) => webhooks.get(request.params.id),
    );

    app.patch(
      '/api/v1/webhooks/:id',
      {
        schema: {
          tags,
          summary: 'Rename, move, disable or enable a webhook',
          params: idParams,
          body: webhookPatchSchema,
          response: { 200: webhookSchema },
        },
        config: { access: 'notifications:manage' },
      },
      (request) => webhooks.update(actorFrom(request), request.params.id, request.body),
    );

    app.post(
      '/api/v1/webhooks/:id/rotate-secret',
      {
        schema: {
          tags,
          summary: 'Give a webhook a new secret (shown once); the old one stops signing',
          params: idParams,
          response: { 200: webhookWithSecretSchema },
        },
        config: { access: 'notifications:manage' },
      },
      (request) => webhooks.rotateSecret(actorFrom(request), request.params.id),
    );

    app.delete(
      '/api/v1/webhooks/:id',
      {
        schema: { tags, params: idParams },
        config: { access: 'notifications:manage' },
      },
      async (request, reply) => {
        await webhooks.remove(actorFrom(request), request.params.id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/v1/notifications/dead-letters',
      {
        schema: {
          tags,
          summary: 'Deliveries that failed every attempt, newest first',
          querystring: z.object(pageQuery).strict(),
          response: { 200: pageOf(deadLetterSchema) },
        },
        config: { access: 'notifications:manage' },
      },
      async (request) => {
        const { limit, cursor } = request.query;
        const after = decodeCursor(cursor, 1)?.[0] as string | undefined;
        const rows = await outbox.deadLetters({ after, limit: limit + 1 });
        return pageFrom(rows, limit, (d) => [d.id]);
      },
    );

    app.post(
      '/api/v1/notifications/dead-letters/:id/retry',
      {
        schema: {
          tags,
          summary: 'Try a dead letter again, with fresh attempts',
          params: idParams,
        },
        config: { access: 'notifications:manage' },
      },
      async (request, reply) => {
        await outbox.retryDead(actorFrom(request), request.params.id);
        return reply.status(202).send({ id: request.params.id, status: 'pending' });
      },
    );
  };
}
