/**
 * /api/v1/citizen: the citizen app's back end. Sign-in by phone and one-time
 * code; sending a report signed in or anonymously (then with a follow token);
 * the citizen's own reports and those they follow, the rating; the nearby
 * check for duplicates; the public list, details, map and photos, which never
 * carry personal data.
 */
import { z } from 'zod';
import {
  citizenClaimResultSchema,
  citizenClaimSchema,
  citizenReportCreatedSchema,
  citizenReportCreateSchema,
  citizenReportSchema,
  citizenSessionSchema,
  mapPointSchema,
  nearbyQuerySchema,
  nearbyReportSchema,
  otpRequestResponseSchema,
  otpRequestSchema,
  otpVerifySchema,
  pageOf,
  pageQuery,
  publicReportDetailSchema,
  publicReportFilterSchema,
  publicReportSchema,
  ratingCreateSchema,
  reportIdSchema,
} from '@cityops/contracts';
import type { FastifyRequest } from 'fastify';
import type { App } from '../core/http/app.js';
import { actorFrom, principalOf } from '../core/http/app.js';
import { actorOf, type Principal } from '../core/auth/principal.js';
import { decodeCursor, pageFrom } from '../core/http/cursor.js';
import { ForbiddenError } from '../core/errors.js';
import { uploaderOf } from '../files/uploader.js';
import { historyActorOf } from './history.js';
import { renameSubmissionErrors } from './errors.js';
import { ReportFollows } from './follow.js';
import type { ReportsModuleParts } from './parts.js';
import type { AdminUnitsService } from '../geo/admin-units.service.js';

const idParams = z.object({ id: reportIdSchema });
const MAP_LIMIT = 5000;

type Citizen = Extract<Principal, { kind: 'citizen' }>;

function citizenOf(request: FastifyRequest): Citizen {
  const p = principalOf(request);
  if (p.kind !== 'citizen')
    throw new ForbiddenError('This needs a citizen token (sign in with your phone).').vi(
      'Cần đăng nhập bằng số điện thoại trong ứng dụng công dân.',
    );
  return p;
}

const afterOf = (cursor: string | undefined) => {
  const a = decodeCursor(cursor, 1)?.[0];
  return typeof a === 'number' ? a : undefined;
};

/** Boundaries for the citizen app's map, made once per level and tolerance for a while. */
const UNITS_CACHE_MS = 10 * 60_000;

export function citizenRoutes(
  parts: ReportsModuleParts,
  geo: Pick<AdminUnitsService, 'featureCollection'>,
) {
  const unitLayers = new Map<string, { body: Promise<string>; until: number }>();
  const { citizens, queries, actions, submissions, follows } = parts;
  return (app: App) => {
    app.post(
      '/api/v1/citizen/otp',
      {
        schema: {
          tags: ['citizen'],
          summary: 'Send a sign-in code by SMS to a Vietnamese mobile number',
          description:
            'Six digits, valid 5 minutes, 5 attempts. At most one code a minute and three in 15 ' +
            'minutes per phone, ten in 15 minutes per address (429). Without an SMS gateway ' +
            '(development) the code is written to the server log.',
          body: otpRequestSchema,
          response: { 202: otpRequestResponseSchema },
        },
        config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      },
      async (request, reply) =>
        reply.status(202).send(await citizens.requestCode(request.body.phone, request.ip)),
    );

    app.post(
      '/api/v1/citizen/otp/verify',
      {
        schema: {
          tags: ['citizen'],
          summary: 'Check the code; answers a citizen token (Authorization: Bearer coc_…)',
          body: otpVerifySchema,
          response: { 200: citizenSessionSchema },
        },
        config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      },
      (request) => citizens.verifyCode(request.body.phone, request.body.code, request.ip),
    );

    app.post(
      '/api/v1/citizen/logout',
      {
        schema: { tags: ['citizen'], summary: 'End this citizen session (revokes its token)' },
        config: { access: 'authenticated' },
      },
      async (request, reply) => {
        citizenOf(request);
        const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
        if (token) await citizens.signOut(token);
        return reply.status(204).send();
      },
    );

    app.post(
      '/api/v1/citizen/reports',
      {
        schema: {
          tags: ['citizen'],
          summary: 'Send a report (signed in, or anonymously: then a follow token comes back)',
          description:
            'Upload photos first (POST /api/v1/files) and give their ids. The point must lie in ' +
            'the province (400 naming `lat` otherwise). `name` and `email` are seen by IOC staff ' +
            'only. Check GET /api/v1/citizen/reports/nearby first to avoid duplicates. With an ' +
            '`Idempotency-Key` header (a random UUID made once per report), sending the same ' +
            'report again answers the first one (header `Idempotent-Replayed: true`; for an ' +
            'anonymous report with a new follow token) instead of making a second; the same key ' +
            'with a different report is refused (409).',
          body: citizenReportCreateSchema,
          response: { 201: citizenReportCreatedSchema },
        },
        config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const p = request.principal;
        const citizen = p?.kind === 'citizen' ? p : null;
        const b = request.body;
        const rawKey = request.headers['idempotency-key'];
        const key = Array.isArray(rawKey) ? rawKey[0] : rawKey;
        if (key !== undefined) ReportFollows.checkKey(key);
        const fingerprint = ReportFollows.fingerprint(b);
        const auditActor = citizen
          ? actorFrom(request)
          : {
              type: 'citizen' as const,
              id: null,
              label: 'anonymous citizen',
              ip: request.ip,
              requestId: request.id,
            };
        /** The answer to a submission made before with the same key. */
        const replay = async () => {
          const made = key && (await follows.keyed(key, citizen?.id ?? null, fingerprint));
          if (!made) return undefined;
          // An anonymous retry gets a new follow token, unless the report has been claimed into
          // a phone account since: a token of that account is given only by signing in.
          const token =
            citizen || !made.anonymous
              ? null
              : await citizens.reissueAnonymous(made.citizenId, auditActor);
          return reply
            .status(201)
            .header('idempotent-replayed', 'true')
            .send({
              report: await queries.citizenGet(made.citizenId, made.reportId),
              followToken: token,
            });
        };
        const replayed = await replay();
        if (replayed) return replayed;
        let followToken: string | null = null;
        let citizenId = citizen?.id ?? null;
        const anonymous = { type: 'citizen' as const, id: null, name: null, agency: null };
        let id: number;
        try {
          ({ id } = await renameSubmissionErrors(
            submissions.submit(
              {
                channel: 'citizen_app',
                categoryCode: b.categoryCode,
                description: b.description,
                location: { lat: b.lat, lon: b.lon },
                address: b.address ?? null,
                addressId: null,
                attributes: b.attributes,
                photoIds: b.photoIds,
                reporter: {
                  name: b.name ?? null,
                  phone: null,
                  email: b.email ?? null,
                  deviceId: null,
                  accountId: null,
                },
                citizenId,
                mediaUrl: null,
              },
              {
                history: citizen ? historyActorOf(citizen) : anonymous,
                audit: auditActor,
                uploader: uploaderOf(citizen),
                ...(citizen
                  ? {}
                  : {
                      citizen: async (tx) => {
                        const s = await citizens.anonymous(tx);
                        followToken = s.token;
                        citizenId = s.citizen.id;
                        return s.citizen.id;
                      },
                    }),
                ...(key
                  ? {
                      then: (tx, made) =>
                        follows.remember(tx, key, citizen?.id ?? null, fingerprint, {
                          reportId: made.id,
                          citizenId: made.citizenId!,
                        }),
                    }
                  : {}),
              },
            ),
            { category: 'categoryCode', location: 'lat' },
          ));
        } catch (err) {
          // The same key sent twice at once: the second finds the first's report.
          if ((err as { code?: string }).code === '23505' && key) {
            const again = await replay();
            if (again) return again;
          }
          throw err;
        }
        return reply
          .status(201)
          .send({ report: await queries.citizenGet(citizenId!, id), followToken });
      },
    );

    app.post(
      '/api/v1/citizen/reports/:id/follow',
      {
        schema: {
          tags: ['citizen'],
          summary: 'Follow a report (a merged one: its original); it then shows in my reports',
          params: idParams,
          response: { 200: citizenReportSchema },
        },
        config: { access: 'authenticated' },
      },
      async (request) => {
        const c = citizenOf(request);
        const followed = await follows.follow(
          c.id,
          actorOf(c, request.ip, request.id),
          Number(request.params.id),
        );
        return queries.citizenGet(c.id, followed);
      },
    );

    app.delete(
      '/api/v1/citizen/reports/:id/follow',
      {
        schema: {
          tags: ['citizen'],
          summary:
            'Stop following a report followed with POST …/follow (by its number, or the duplicate’s)',
          params: idParams,
        },
        config: { access: 'authenticated' },
      },
      async (request, reply) => {
        const c = citizenOf(request);
        await follows.unfollow(c.id, actorOf(c, request.ip, request.id), Number(request.params.id));
        return reply.status(204).send();
      },
    );

    app.post(
      '/api/v1/citizen/claim',
      {
        schema: {
          tags: ['citizen'],
          summary: 'Move reports sent anonymously (their follow tokens) into my signed-in account',
          description:
            'For a citizen signed in by phone. Each token must be the live follow token of an ' +
            'anonymous report (400 naming `followTokens.<n>` otherwise, and nothing changes); the ' +
            'reports and follows move to this account and the tokens stop working.',
          body: citizenClaimSchema,
          response: { 200: citizenClaimResultSchema },
        },
        config: { access: 'authenticated', rateLimit: { max: 10, timeWindow: '1 minute' } },
      },
      async (request) => {
        const c = citizenOf(request);
        if (!c.phone)
          throw new ForbiddenError(
            'Sign in with your phone number first: anonymous reports are claimed into a signed-in account.',
          ).vi(
            'Hãy đăng nhập bằng số điện thoại trước: phản ánh gửi không đăng nhập được chuyển vào tài khoản đã đăng nhập.',
          );
        return follows.claim(c.id, actorOf(c, request.ip, request.id), request.body.followTokens);
      },
    );

    app.get(
      '/api/v1/citizen/reports/:id/photos/:fileId',
      {
        schema: {
          tags: ['citizen'],
          summary: 'A photo of my own report (also before it is verified), or of its answer',
          params: z.object({ id: reportIdSchema, fileId: z.uuid() }),
          querystring: z.object({ size: z.enum(['full', 'thumb']).default('full') }).strict(),
        },
        config: { access: 'authenticated' },
      },
      async (request, reply) => {
        const c = citizenOf(request);
        const f = await queries.citizenPhoto(
          c.id,
          Number(request.params.id),
          request.params.fileId,
          request.query.size,
        );
        return reply
          .type(f.contentType)
          .header('cache-control', 'private, max-age=3600')
          .send(f.bytes);
      },
    );

    app.get(
      '/api/v1/citizen/reports',
      {
        schema: {
          tags: ['citizen'],
          summary: "The citizen's reports, and those they follow (theirs merged into them)",
          querystring: z.object(pageQuery).strict(),
          response: { 200: pageOf(citizenReportSchema) },
        },
        config: { access: 'authenticated' },
      },
      async (request) => {
        const c = citizenOf(request);
        const { limit, cursor } = request.query;
        const items = await queries.mine(c.id, { after: afterOf(cursor), limit: limit + 1 });
        return pageFrom(items, limit, (r) => [Number(r.id)]);
      },
    );

    app.get(
      '/api/v1/citizen/reports/nearby',
      {
        schema: {
          tags: ['citizen'],
          summary:
            'Open reports of the same category near a point (default 200 m): likely duplicates',
          querystring: nearbyQuerySchema,
          response: { 200: z.object({ items: z.array(nearbyReportSchema) }) },
        },
        config: { access: 'public' },
      },
      async (request) => ({ items: await queries.nearby(request.query) }),
    );

    app.get(
      '/api/v1/citizen/reports/:id',
      {
        schema: {
          tags: ['citizen'],
          summary: 'One of the citizen’s reports (or one they follow), with its public history',
          params: idParams,
          response: { 200: citizenReportSchema },
        },
        config: { access: 'authenticated' },
      },
      (request) => queries.citizenGet(citizenOf(request).id, Number(request.params.id)),
    );

    app.post(
      '/api/v1/citizen/reports/:id/rating',
      {
        schema: {
          tags: ['citizen'],
          summary: 'Rate the answer: satisfied closes the report; not satisfied reopens it (once)',
          params: idParams,
          body: ratingCreateSchema,
          response: { 200: citizenReportSchema },
        },
        config: { access: 'authenticated' },
      },
      async (request) => {
        const c = citizenOf(request);
        const id = Number(request.params.id);
        await actions.rate(c, actorOf(c, request.ip, request.id), id, request.body);
        return queries.citizenGet(c.id, id);
      },
    );

    app.get(
      '/api/v1/citizen/public/reports',
      {
        schema: {
          tags: ['citizen'],
          summary: 'Public list of reports, newest first (no personal data)',
          querystring: publicReportFilterSchema.extend(pageQuery),
          response: { 200: pageOf(publicReportSchema) },
        },
        config: { access: 'public' },
      },
      async (request) => {
        const { limit, cursor, ...filter } = request.query;
        const items = await queries.publicList(filter, {
          after: afterOf(cursor),
          limit: limit + 1,
        });
        return pageFrom(items, limit, (r) => [Number(r.id)]);
      },
    );

    app.get(
      '/api/v1/citizen/public/map',
      {
        schema: {
          tags: ['citizen'],
          summary: `Report points for the public map (newest ${MAP_LIMIT} in the filter)`,
          querystring: publicReportFilterSchema,
          response: { 200: z.object({ items: z.array(mapPointSchema), truncated: z.boolean() }) },
        },
        config: { access: 'public' },
      },
      async (request) => {
        const items = await queries.map(request.query, MAP_LIMIT + 1);
        return { items: items.slice(0, MAP_LIMIT), truncated: items.length > MAP_LIMIT };
      },
    );

    app.get(
      '/api/v1/citizen/public/reports/:id',
      {
        schema: {
          tags: ['citizen'],
          summary: 'A report as the public sees it, with its public history',
          params: idParams,
          response: { 200: publicReportDetailSchema },
        },
        config: { access: 'public' },
      },
      (request) => queries.publicGet(Number(request.params.id)),
    );

    app.get(
      '/api/v1/citizen/public/units.geojson',
      {
        schema: {
          tags: ['citizen'],
          summary: 'Boundaries of the province, its districts or its communes, for the public map',
          description:
            'A GeoJSON FeatureCollection of the units valid today (properties: code, names, ' +
            'level), simplified for a phone (default tolerance 0.0005° ≈ 50 m).',
          querystring: z
            .object({
              level: z.enum(['province', 'district', 'commune']).default('commune'),
              tolerance: z.coerce.number().min(0.0001).max(0.01).default(0.0005),
            })
            .strict(),
        },
        config: { access: 'public' },
      },
      async (request, reply) => {
        const { level, tolerance } = request.query;
        const key = `${level}:${tolerance}`;
        let e = unitLayers.get(key);
        if (!e || e.until <= Date.now()) {
          e = {
            body: geo.featureCollection({ level, tolerance }),
            until: Date.now() + UNITS_CACHE_MS,
          };
          unitLayers.set(key, e);
          e.body.catch(() => unitLayers.delete(key));
        }
        return reply
          .type('application/geo+json')
          .header('cache-control', 'public, max-age=3600')
          .send(await e.body);
      },
    );

    app.get(
      '/api/v1/citizen/public/reports/:id/photos/:fileId',
      {
        schema: {
          tags: ['citizen'],
          summary: "A public photo (the report's own once verified; the answer's)",
          params: z.object({ id: reportIdSchema, fileId: z.uuid() }),
          querystring: z.object({ size: z.enum(['full', 'thumb']).default('full') }).strict(),
        },
        config: { access: 'public' },
      },
      async (request, reply) => {
        const f = await queries.publicPhoto(
          Number(request.params.id),
          request.params.fileId,
          request.query.size,
        );
        return reply
          .type(f.contentType)
          .header('cache-control', 'public, max-age=3600')
          .send(f.bytes);
      },
    );
  };
}
