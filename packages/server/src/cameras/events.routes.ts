/**
 * Camera events: a per-camera webhook secret (cameras:manage, shown once), and
 * the webhook a camera or NVR posts its events to with that secret.
 */
import { z } from 'zod';
import type { App } from '../core/http/app.js';
import { actorFrom, principalOf } from '../core/http/app.js';
import type { CamerasService } from './cameras.service.js';
import { cameraIdParams } from './cameras.routes.js';
import { cameraEventBody, type CameraEvents } from './events.js';

export function eventsRoutes(cameras: CamerasService, events: CameraEvents) {
  return (app: App) => {
    app.post(
      '/api/v1/cameras/:id/webhook-secret',
      {
        schema: {
          tags: ['cameras'],
          summary:
            "A new secret for the camera's event webhook (shown in this answer only; the previous one stops working)",
          params: cameraIdParams,
          response: { 201: z.object({ secret: z.string(), url: z.string() }) },
        },
        config: { access: 'cameras:manage' },
      },
      async (request, reply) => {
        const src = await cameras.authorize(principalOf(request), request.params.id, 'manage', {
          ip: request.ip,
          requestId: request.id,
        });
        const secret = await events.newSecret(src.id);
        await cameras.auditOn(actorFrom(request), src.id, 'camera.webhook.secret');
        return reply.status(201).send({ secret, url: `/api/v1/cameras/${src.id}/events` });
      },
    );

    app.post(
      '/api/v1/cameras/:id/events',
      {
        schema: {
          tags: ['cameras'],
          summary:
            "Events from a camera or NVR (motion, tamper…), with the camera's webhook secret in the x-camera-key header or ?key=",
          params: cameraIdParams,
          querystring: z.object({ key: z.string().max(200).optional() }).strict(),
          headers: z.object({ 'x-camera-key': z.string().max(200).optional() }),
          body: z.union([cameraEventBody, z.array(cameraEventBody).min(1).max(100)]),
          response: { 202: z.object({ stored: z.number().int(), seqs: z.array(z.number()) }) },
        },
        config: {
          access: 'public',
          rateLimit: { max: 600, timeWindow: '1 minute' },
        },
      },
      async (request, reply) => {
        const id = request.params.id;
        await events.verify(id, request.headers['x-camera-key'] ?? request.query.key);
        const list = Array.isArray(request.body) ? request.body : [request.body];
        const seqs = await events.record(id, 'camera-webhook', list);
        return reply.status(202).send({ stored: seqs.length, seqs });
      },
    );
  };
}
