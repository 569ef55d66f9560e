/**
 * POST /api/v1/live/mediamtx-auth: the address MediaMTX's `authHTTPAddress`
 * points at (gateway-auth.ts decides). Public: MediaMTX holds no CityOps
 * token; what it sends is the credential. Out of the request log (it carries
 * tokens and passwords, and comes for every connection).
 */
import type { App } from '../../core/http/app.js';
import { UnauthorizedError } from '../../core/errors.js';
import { mediamtxAuthSchema, type MediamtxAuth } from './gateway-auth.js';

const REFUSALS = {
  'no-credentials': 'Send the live session token (or the gateway credentials).',
  refused: 'The token does not open this stream now, or the credentials are wrong.',
  action: 'This action is not allowed on the stream gateway.',
} as const;

export function mediamtxAuthRoutes(auth: MediamtxAuth) {
  return (app: App) => {
    app.post(
      '/api/v1/live/mediamtx-auth',
      {
        schema: {
          tags: ['cameras'],
          summary: "MediaMTX's external HTTP authentication (authMethod: http)",
          description:
            'Answers 200 when a `read` carries the token of an open, unexpired live session ' +
            'of the camera of the path, or when `publish`, `api`, `metrics` or `pprof` carry ' +
            "the gateway's credentials; 401 otherwise.",
          body: mediamtxAuthSchema,
        },
        config: { access: 'public' },
        logLevel: 'warn',
      },
      async (request, reply) => {
        const d = await auth.decide(request.body);
        if (!d.allowed) throw new UnauthorizedError(REFUSALS[d.why]);
        return reply.status(200).send({ allowed: true });
      },
    );
  };
}
