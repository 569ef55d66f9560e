/**
 * GET /api/v1/stream: live events as Server-Sent Events. `id:` is the event's
 * seq, `event:` its kind (`event`, or `alert` for `alert.*` events), `data:` its JSON. Filters: `types`
 * (comma-separated, `fire.*` for a prefix), `adminUnit` (with the units under
 * it), `asset`; the caller's scope always applies. `Last-Event-ID` (or
 * `?lastEventId=`) replays what was missed, then goes live.
 *
 * The browser's EventSource cannot send headers, so the token may come as
 * `?access_token=`; the route authenticates itself for that reason (its access
 * is declared public and checked here: stream:read).
 */
import { z } from 'zod';
import { eventTypePatternSchema } from '@cityops/contracts';
import type { App, Authenticator } from '../core/http/app.js';
import {
  ForbiddenError,
  UnavailableError,
  UnauthorizedError,
  ValidationError,
} from '../core/errors.js';
import { principalCan } from '../core/auth/principal.js';
import type { EventsService } from '../events/events.service.js';
import type { StreamHub } from './hub.js';

const querySchema = z
  .object({
    types: z.string().max(1000).optional(),
    adminUnit: z.string().min(1).max(64).optional(),
    asset: z.uuid().optional(),
    lastEventId: z.string().max(20).optional(),
    access_token: z.string().max(300).optional(),
  })
  .strict();

function parseTypes(types: string | undefined): string[] | undefined {
  if (types === undefined) return undefined;
  const list = types
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  list.forEach((t, i) => {
    if (!eventTypePatternSchema.safeParse(t).success) {
      throw ValidationError.field(`types.${i}`, 'an event type, or a prefix like "fire.*"');
    }
  });
  return list.length ? list : undefined;
}

function parseLastEventId(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,15}$/.test(value)) {
    throw ValidationError.field('lastEventId', 'the id of an event this stream sent (a number)');
  }
  return Number(value);
}

export function streamRoutes(deps: {
  hub: StreamHub;
  events: EventsService;
  authenticate: Authenticator;
}) {
  return (app: App) => {
    app.addHook('preClose', (done) => {
      deps.hub.closeClients();
      done();
    });

    app.get(
      '/api/v1/stream',
      {
        schema: {
          tags: ['stream'],
          summary: 'Live events (Server-Sent Events), resumable with Last-Event-ID',
          description:
            '`id:` is the event seq; `event:` is `event` (or `alert` for `alert.*` events); ' +
            '`data:` the event JSON. Filters: `types` (comma-separated, `fire.*` for a prefix), ' +
            '`adminUnit` (includes the units under it), `asset`; your scope always applies. ' +
            'Send `Last-Event-ID` (or `?lastEventId=`) to get what you missed, then live events. ' +
            'EventSource cannot send headers, so the token may be given as `?access_token=`. ' +
            'A `: ping` comment comes every 15 s; a client that does not keep up is disconnected ' +
            'and should reconnect with its last id.',
          querystring: querySchema,
        },
        config: { access: 'public' },
      },
      async (request, reply) => {
        const q = request.query;
        const principal =
          request.principal ??
          (q.access_token ? await deps.authenticate(q.access_token, request) : null);
        if (!principal) throw new UnauthorizedError();
        if (!principalCan(principal, 'stream:read')) {
          throw new ForbiddenError('This needs the permission stream:read.');
        }
        const header = request.headers['last-event-id'];
        const lastEventId = parseLastEventId(
          typeof header === 'string' && header !== '' ? header : q.lastEventId,
        );
        const filter = {
          scope: principal.scope,
          types: parseTypes(q.types),
          units: await deps.events.unitsOf(q.adminUnit),
          assetId: q.asset,
        };
        if (deps.hub.clientCount >= deps.hub.maxClients) {
          throw new UnavailableError('Too many stream clients on this server; try again later.');
        }
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': request.id,
        });
        res.write('retry: 3000\n\n');
        await deps.hub.attach(res, filter, lastEventId).catch((err: unknown) => {
          request.log.error({ err }, 'stream failed');
          res.destroy();
        });
      },
    );
  };
}
