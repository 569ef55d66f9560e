/**
 * POST /api/v1/ingest: a device (Authorization: Bearer cod_…) sends one event or
 * an array of up to 1,000. The answer comes after COMMIT: 202 when something
 * new was stored, 200 when every event was a repeat. The body is read raw and
 * checked by the pipeline, the same code MQTT messages go through.
 */
import { ingestResultSchema } from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { principalOf } from '../core/http/app.js';
import { ForbiddenError } from '../core/errors.js';
import { toAppError } from '../core/http/problem.js';
import { BusyError } from '../events/writer.js';
import { DeviceRateLimitedError, type IngestPipeline } from './pipeline.js';

export function ingestRoutes(pipeline: IngestPipeline) {
  return async (app: App) => {
    await app.register((scope: App, _opts, done) => {
      scope.removeContentTypeParser('application/json');
      scope.addContentTypeParser(
        'application/json',
        { parseAs: 'buffer', bodyLimit: pipeline.maxPayloadBytes },
        (_request, body, parsed) => parsed(null, body),
      );
      scope.post(
        '/api/v1/ingest',
        {
          bodyLimit: pipeline.maxPayloadBytes,
          schema: {
            tags: ['ingest'],
            summary: 'Send events as a device (one event or an array of up to 1,000)',
            description:
              'The body is `{"id"?, "type", "ts"?, "data"}` or an array of them, the same as an ' +
              'MQTT message. Stored all or none; `id` makes a retry safe (a repeat is answered as ' +
              'a duplicate with the seq it got the first time).',
            response: { 200: ingestResultSchema, 202: ingestResultSchema },
          },
          config: { access: 'authenticated' },
          onError: (_request, _reply, err, done) => {
            pipeline.countRefusal(err, toAppError(err));
            done();
          },
        },
        async (request, reply) => {
          const caller = principalOf(request);
          if (caller.kind !== 'device') {
            throw new ForbiddenError('Only a device key (cod_…) may send events here.');
          }
          try {
            // A Buffer (application/json) or a string (text/plain, from simple devices).
            const body = request.body as Buffer | string;
            const result = await pipeline.submitPayload(caller.id, body, 'http');
            return await reply.status(result.accepted > 0 ? 202 : 200).send(result);
          } catch (err) {
            if (err instanceof DeviceRateLimitedError) {
              reply.header('retry-after', String(err.retryAfterSeconds));
            } else if (err instanceof BusyError) {
              reply.header('retry-after', '1');
            }
            throw err;
          }
        },
      );
      done();
    });
  };
}
