/**
 * Live view routes: start a viewer session on a camera, renew and stop it,
 * and the HLS playlist and segments under the session's path. The session
 * token in the path is the capability for those files (a browser's player
 * cannot send the bearer header), so they are public routes that answer 404
 * once the session has ended. They stay out of the request log: the token is
 * a short-lived secret and players ask every second.
 */
import fs from 'node:fs/promises';
import { z } from 'zod';
import { liveRenewalSchema, liveSessionSchema, liveStartBodySchema } from '@cityops/contracts';
import type { App } from '../../core/http/app.js';
import { principalOf } from '../../core/http/app.js';
import { NotFoundError } from '../../core/errors.js';
import type { LiveService } from './live.service.js';
import { PLAYLIST, type FfmpegGateway } from './ffmpeg.gateway.js';

const tags = ['cameras'];
const token = z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'must be a live session token');
const tokenParams = z.object({ token });

export function liveRoutes(live: LiveService, hls: FfmpegGateway | undefined) {
  return (app: App) => {
    app.post(
      '/api/v1/cameras/:id/live',
      {
        schema: {
          tags,
          summary: 'Start a live view of a camera',
          description:
            'Answers the URL to play (HLS served by CityOps, or a WebRTC endpoint of the ' +
            'stream gateway) and when the viewer session expires unless renewed; 503 when ' +
            'no gateway can serve the stream now. Every call is audited on the camera.',
          params: z.object({ id: z.uuid() }),
          body: liveStartBodySchema.nullish(),
          response: { 200: liveSessionSchema },
        },
        config: { access: 'cameras:live' },
      },
      (request) =>
        live.start(principalOf(request), request.params.id, request.body ?? {}, {
          ip: request.ip,
          requestId: request.id,
        }),
    );

    app.post(
      '/api/v1/live/:token/renew',
      {
        schema: {
          tags,
          summary: 'Renew one of your live view sessions (the player does it while playing)',
          params: tokenParams,
          response: { 200: liveRenewalSchema },
        },
        config: { access: 'cameras:live' },
        logLevel: 'warn',
      },
      (request) => live.renew(principalOf(request), request.params.token),
    );

    app.delete(
      '/api/v1/live/:token',
      {
        schema: {
          tags,
          summary: 'End one of your live view sessions',
          params: tokenParams,
        },
        config: { access: 'authenticated' },
        logLevel: 'warn',
      },
      async (request, reply) => {
        await live.stop(principalOf(request), request.params.token);
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/v1/live/:token/:file',
      {
        schema: {
          tags,
          summary: "A live view's HLS playlist or segment (the token is the capability)",
          params: z.object({
            token,
            file: z
              .string()
              .regex(/^(index\.m3u8|seg\d{1,9}\.ts)$/, 'must be a playlist or segment'),
          }),
        },
        config: { access: 'public' },
        logLevel: 'warn',
      },
      async (request, reply) => {
        const key = live.streamOf(request.params.token);
        const file = key ? hls?.fileOf(key, request.params.file) : undefined;
        if (!file) throw new NotFoundError('Live stream');
        const body = await fs.readFile(file).catch(() => undefined);
        if (!body) throw new NotFoundError('Live segment', request.params.file);
        const isPlaylist = request.params.file === PLAYLIST;
        return reply
          .header('cache-control', isPlaylist ? 'no-store' : 'private, max-age=60')
          .type(isPlaylist ? 'application/vnd.apple.mpegurl' : 'video/mp2t')
          .send(body);
      },
    );
  };
}
