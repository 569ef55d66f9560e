/**
 * /open311/v2: Open311 GeoReport v2 (discovery, services, service
 * definitions, requests, tokens), each in .json and .xml. Form bodies and
 * multipart uploads are parsed only here; every error, including unknown
 * routes and schema failures, answers in Open311's format.
 */
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { App } from '../core/http/app.js';
import { compileSerializer } from '../core/http/serializer.js';
import type { Principal } from '../core/auth/principal.js';
import type { FilesService } from '../files/files.service.js';
import type { ReportsModuleParts } from '../reports/index.js';
import { toXml } from './xml.js';
import { Open311Error, toOpen311 } from './errors.js';
import { checkJurisdiction, type Params } from './params.js';
import { localeOf, type Open311Service } from './open311.service.js';
import { createRequest, open311Caller, pairsOf, type FormPairs } from './create.js';
import { AnswerCache } from './cache.js';
import * as schemas from './schemas.js';

type Format = 'json' | 'xml';
const FORMATS: Format[] = ['json', 'xml'];
const TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

const serializers = new Map<z.ZodType, (v: unknown) => string>();
function serialize(schema: z.ZodType, value: unknown): string {
  let s = serializers.get(schema);
  if (!s) {
    s = compileSerializer({ schema });
    serializers.set(schema, s);
  }
  return s(value);
}

function render(format: Format, root: string, schema: z.ZodType, value: unknown): string {
  return format === 'xml' ? toXml(root, value) : serialize(schema, value);
}

const formatOfUrl = (url: string): Format => (/\.xml(\?|$)/i.test(url) ? 'xml' : 'json');

/** "033.json" → ["033", "json"]; anything else is not an Open311 resource. */
function splitFile(file: string): [string, Format] {
  const m = /^(.+)\.(json|xml)$/i.exec(file);
  if (!m) throw Open311Error.of(404, `${file} is not an Open311 resource: add .json or .xml`);
  return [decodeURIComponent(m[1]!), m[2]!.toLowerCase() as Format];
}

export interface Open311RoutesDeps {
  service: Open311Service;
  reports: ReportsModuleParts;
  files: FilesService;
  jurisdiction: string;
  publicUrl: string | undefined;
  authenticate: (secret: string) => Promise<Principal | null>;
  cacheMs: number;
}

export function open311Routes(d: Open311RoutesDeps) {
  const cache = new AnswerCache(d.cacheMs);
  // Any report created or changed, by any channel (citizen app, staff, jobs, Open311), drops it.
  d.reports.changes.onChange(() => cache.clear());
  const baseOf = (r: FastifyRequest) => d.publicUrl ?? `${r.protocol}://${r.host}`;

  const send = (reply: FastifyReply, format: Format, body: string | Buffer, status = 200) =>
    reply.status(status).type(TYPES[format]).header('x-content-type-options', 'nosniff').send(body);

  /** A cached GET: the same answer for the same URL for a moment. */
  const cached = async (
    request: FastifyRequest,
    reply: FastifyReply,
    format: Format,
    make: () => Promise<string>,
  ) => {
    const key = `${baseOf(request)}${request.url}`;
    const answer = await cache.answer(key, async () => ({
      body: Buffer.from(await make()),
      type: TYPES[format],
    }));
    return send(reply, format, answer.body);
  };

  return async (app: App) => {
    await app.register(
      async (scope) => {
        await scope.register(formbody);
        await scope.register(multipart, {
          limits: { fileSize: d.files.uploadLimit, files: 1, fields: 100 },
        });
        scope.setErrorHandler(async (err, request, reply) => {
          const e = toOpen311(err as Error);
          if (e.status >= 500) request.log.error({ err }, 'open311 request failed');
          const format = formatOfUrl(request.url);
          return send(
            reply,
            format,
            render(format, 'errors', schemas.open311ErrorsSchema, e.errors),
            e.status,
          );
        });
        scope.setNotFoundHandler(async (request, reply) => {
          const format = formatOfUrl(request.url);
          const e = Open311Error.of(
            404,
            `No Open311 resource at ${request.method} ${request.url.split('?')[0]}`,
          );
          return send(
            reply,
            format,
            render(format, 'errors', schemas.open311ErrorsSchema, e.errors),
            404,
          );
        });

        // A wildcard of our own: the web module's GET /* would otherwise answer
        // unknown Open311 paths with the JSON API's problem+json.
        scope.route({
          method: ['GET', 'POST'],
          url: '/*',
          schema: { hide: true },
          config: { access: 'public' },
          handler: (request) => {
            throw Open311Error.of(
              404,
              `No Open311 resource at ${request.method} ${request.url.split('?')[0]}`,
            );
          },
        });

        const doc = (summary: string, description?: string) => ({
          tags: ['open311'],
          summary,
          ...(description ? { description } : {}),
        });
        const q = (request: FastifyRequest) => (request.query ?? {}) as Params;

        for (const format of FORMATS) {
          for (const path of ['/discovery', '/v2/discovery']) {
            scope.get(
              `${path}.${format}`,
              { schema: doc('Open311 service discovery'), config: { access: 'public' } },
              async (request, reply) =>
                send(
                  reply,
                  format,
                  render(
                    format,
                    'discovery',
                    schemas.discoverySchema,
                    await d.service.discovery(baseOf(request)),
                  ),
                ),
            );
          }

          scope.get(
            `/v2/services.${format}`,
            {
              schema: doc(
                'GeoReport v2: the service list (report categories)',
                '`locale=en` for English names.',
              ),
              config: { access: 'public' },
            },
            async (request, reply) => {
              checkJurisdiction(q(request), d.jurisdiction);
              return send(
                reply,
                format,
                render(
                  format,
                  'services',
                  schemas.servicesSchema,
                  await d.service.services(localeOf(q(request))),
                ),
              );
            },
          );

          scope.get(
            `/v2/requests.${format}`,
            {
              schema: doc(
                'GeoReport v2: service requests',
                'service_request_id (comma list; overrides the rest), service_code, start_date, end_date ' +
                  '(W3C, at most 90 days; default the last 90 days), status (open, closed); extensions: ' +
                  'page, page_size (default and at most 1,000), agency_responsible, bbox, extensions=true ' +
                  '(attributes, photos and the public history), locale=en. Never any personal data.',
              ),
              config: { access: 'public' },
            },
            async (request, reply) => {
              checkJurisdiction(q(request), d.jurisdiction);
              return cached(request, reply, format, async () =>
                render(
                  format,
                  'service_requests',
                  schemas.requestsSchema,
                  await d.service.requests(q(request), baseOf(request)),
                ),
              );
            },
          );

          scope.post(
            `/v2/requests.${format}`,
            {
              bodyLimit: d.files.uploadLimit + 256 * 1024,
              schema: doc(
                'GeoReport v2: create a service request (API key of scope open311)',
                'application/x-www-form-urlencoded (or multipart/form-data with a `media` photo): api_key ' +
                  '(or Bearer), jurisdiction_id, service_code, lat+long or address_string or address_id, ' +
                  'attribute[code] (attribute[code][] for a multivaluelist), email, device_id, account_id, ' +
                  'first_name, last_name, phone, description, media_url.',
              ),
              config: { access: 'public' },
            },
            async (request, reply) => {
              let pairs: FormPairs;
              let media: Buffer | undefined;
              if (request.isMultipart()) {
                pairs = [];
                for await (const part of request.parts()) {
                  if (part.type === 'file') {
                    if (part.fieldname === 'media') media = await part.toBuffer();
                    else part.file.resume();
                  } else pairs.push([part.fieldname, String(part.value)]);
                }
              } else pairs = pairsOf(request.body);
              const ctx = {
                jurisdiction: d.jurisdiction,
                authenticate: d.authenticate,
                bearer: request.principal,
                ip: request.ip,
                requestId: request.id,
                locale: localeOf(Object.fromEntries(pairs)),
              };
              let mediaFileId: string | undefined;
              if (media) {
                const caller = await open311Caller(Object.fromEntries(pairs), ctx);
                mediaFileId = (await d.files.uploadPhoto({ type: 'apikey', id: caller.id }, media))
                  .id;
              }
              const answer = await createRequest(d.reports, pairs, { ...ctx, mediaFileId });
              return send(
                reply,
                format,
                render(format, 'service_requests', schemas.postResponseSchema, answer),
              );
            },
          );
        }

        scope.get(
          '/v2/services/:file',
          {
            schema: doc('GeoReport v2: a service definition (services/{service_code}.json|xml)'),
            config: { access: 'public' },
          },
          async (request, reply) => {
            const [code, format] = splitFile((request.params as { file: string }).file);
            checkJurisdiction(q(request), d.jurisdiction);
            const def = await d.service.definition(code, localeOf(q(request)));
            return send(
              reply,
              format,
              render(format, 'service_definition', schemas.serviceDefinitionSchema, def),
            );
          },
        );

        scope.get(
          '/v2/requests/:file',
          {
            schema: doc('GeoReport v2: one service request (requests/{id}.json|xml)'),
            config: { access: 'public' },
          },
          async (request, reply) => {
            const [id, format] = splitFile((request.params as { file: string }).file);
            checkJurisdiction(q(request), d.jurisdiction);
            return cached(request, reply, format, async () =>
              render(
                format,
                'service_requests',
                schemas.requestsSchema,
                await d.service.request(id, q(request), baseOf(request)),
              ),
            );
          },
        );

        scope.get(
          '/v2/tokens/:file',
          {
            schema: doc(
              'GeoReport v2: the service request id of a token (tokens/{token}.json|xml)',
            ),
            config: { access: 'public' },
          },
          async (request, reply) => {
            const [token, format] = splitFile((request.params as { file: string }).file);
            checkJurisdiction(q(request), d.jurisdiction);
            const id = await d.reports.queries.byToken(token);
            if (id === undefined) throw Open311Error.of(404, `token ${token} was not found`);
            return send(
              reply,
              format,
              render(format, 'service_requests', schemas.tokenResponseSchema, [
                { service_request_id: String(id), token },
              ]),
            );
          },
        );
      },
      { prefix: '/open311' },
    );
  };
}
