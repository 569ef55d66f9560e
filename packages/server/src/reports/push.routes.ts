/**
 * /api/v1/citizen/push: web push for the citizen app. The VAPID public key
 * (public), and a citizen's push subscriptions (a citizen token: signed in,
 * or an anonymous report's follow token). A subscription is told about the
 * status changes of that citizen's reports and of the reports they follow.
 */
import { z } from 'zod';
import {
  pushKeySchema,
  pushSubscriptionCreateSchema,
  pushSubscriptionRemoveSchema,
  pushSubscriptionSchema,
} from '@cityops/contracts';
import type { FastifyRequest } from 'fastify';
import type { App } from '../core/http/app.js';
import { principalOf } from '../core/http/app.js';
import { actorOf } from '../core/auth/principal.js';
import { ForbiddenError } from '../core/errors.js';
import type { CitizenPush, WebPushSender } from './push.js';

function citizenOf(request: FastifyRequest) {
  const p = principalOf(request);
  if (p.kind !== 'citizen')
    throw new ForbiddenError(
      'This needs a citizen token (sign in with your phone, or the follow token of a report).',
    ).vi('Cần đăng nhập bằng số điện thoại, hoặc mã theo dõi của một phản ánh.');
  return p;
}

export function pushRoutes(push: CitizenPush, sender: () => Promise<WebPushSender>) {
  return (app: App) => {
    app.get(
      '/api/v1/citizen/push/key',
      {
        schema: {
          tags: ['citizen'],
          summary: "The server's VAPID public key (applicationServerKey of PushManager.subscribe)",
          response: { 200: pushKeySchema },
        },
        config: { access: 'public' },
      },
      async (_request, reply) =>
        reply
          .header('cache-control', 'public, max-age=3600')
          .send({ publicKey: (await sender()).publicKey }),
    );

    app.get(
      '/api/v1/citizen/push/subscriptions',
      {
        schema: {
          tags: ['citizen'],
          summary: "This citizen's push subscriptions (their hosts; endpoints are not answered)",
          response: { 200: z.object({ items: z.array(pushSubscriptionSchema) }) },
        },
        config: { access: 'authenticated' },
      },
      async (request) => ({ items: await push.list(citizenOf(request).id) }),
    );

    app.post(
      '/api/v1/citizen/push/subscriptions',
      {
        schema: {
          tags: ['citizen'],
          summary: "Register this browser's push subscription (PushSubscription.toJSON() and lang)",
          description:
            'The endpoint must be an https URL of a push service, named by its host (400 naming ' +
            '`endpoint` otherwise); `keys.p256dh` and `keys.auth` are required. The same endpoint ' +
            'again renews its keys and language (200); a new one answers 201. Status changes of ' +
            "this citizen's reports and of the reports they follow are then pushed to it.",
          body: pushSubscriptionCreateSchema,
          response: { 200: pushSubscriptionSchema, 201: pushSubscriptionSchema },
        },
        config: { access: 'authenticated', rateLimit: { max: 20, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const c = citizenOf(request);
        const { subscription, created } = await push.subscribe(
          c.id,
          actorOf(c, request.ip, request.id),
          request.body,
        );
        return reply.status(created ? 201 : 200).send(subscription);
      },
    );

    app.delete(
      '/api/v1/citizen/push/subscriptions',
      {
        schema: {
          tags: ['citizen'],
          summary: "Remove this browser's push subscription (by its endpoint)",
          body: pushSubscriptionRemoveSchema,
        },
        config: { access: 'authenticated' },
      },
      async (request, reply) => {
        const c = citizenOf(request);
        await push.unsubscribe(c.id, actorOf(c, request.ip, request.id), request.body.endpoint);
        return reply.status(204).send();
      },
    );
  };
}
