/**
 * The HTTP app factory: Fastify with zod schemas, problem+json errors,
 * authentication and per-route permissions, OpenAPI, health and metrics.
 * Modules add their routes through `routes`; tests call the result in-process.
 */
import type { IncomingMessage } from 'node:http';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Permission } from '@cityops/contracts';
import { newId } from '../ids.js';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.js';
import { principalCan, actorOf, type Actor, type Principal } from '../auth/principal.js';
import type { Metrics } from '../metrics.js';
import { sendProblem } from './problem.js';
import { compileSerializer } from './serializer.js';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** What a route requires: a permission, any signed-in caller, or nothing. */
export type RouteAccess = Permission | 'authenticated' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Turns a bearer secret into a caller, or null when it is unknown, revoked or expired. */
export type Authenticator = (secret: string, request: { ip: string }) => Promise<Principal | null>;

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

export interface AppOptions {
  logger: FastifyBaseLogger | false;
  bodyLimit: number;
  authenticate: Authenticator;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  /** Modules' route registrations, run inside the app. */
  routes: Array<(app: App) => void | Promise<void>>;
  /** Trust X-Forwarded-For from a reverse proxy. */
  trustProxy?: boolean;
  version: string;
}

/** The caller of a request that passed its access check (never null on non-public routes). */
export function principalOf(request: { principal: Principal | null }): Principal {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal;
}

/** Who is writing, for the audit log. */
export function actorFrom(request: { principal: Principal | null; ip: string; id: string }): Actor {
  return actorOf(principalOf(request), request.ip, request.id);
}

export async function buildApp(opts: AppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: opts.logger || undefined,
    logger: opts.logger ? undefined : false,
    bodyLimit: opts.bodyLimit,
    trustProxy: opts.trustProxy ?? false,
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : newId();
    },
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      // Probes every few seconds would drown the log.
      disableRequestLogging: (req: { url?: string }) =>
        /^\/(healthz|readyz|metrics)\b/.test(req.url ?? ''),
    }),
    routerOptions: { ignoreTrailingSlash: true },
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(compileSerializer);
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    const url = route.url ?? '';
    if ((url.startsWith('/api/v1/') || url.startsWith('/open311/')) && !route.config?.access) {
      throw new Error(`route ${String(route.method)} ${url} does not declare its access`);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const access = request.routeOptions.config?.access;
    const header = request.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const principal = m ? await opts.authenticate(m[1]!, request) : null;
      if (!principal && access !== undefined && access !== 'public') {
        throw new UnauthorizedError('The token or API key is not valid, expired or revoked.');
      }
      request.principal = principal;
    }
    if (access === undefined || access === 'public') return;
    if (!request.principal) throw new UnauthorizedError();
    if (access !== 'authenticated' && !principalCan(request.principal, access)) {
      throw new ForbiddenError(`This needs the permission ${access}.`);
    }
  });

  app.setErrorHandler((err, request, reply) => sendProblem(request, reply, err as Error));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new NotFoundError('Route', `${request.method} ${request.url.split('?')[0]}`),
    ),
  );

  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'CityOps API',
        version: opts.version,
        description: 'The API of CityOps, an open Intelligent Operations Center.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    hideUntagged: false,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  opts.metrics.instrument(app);

  app.get('/healthz', { schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const results = await Promise.all(
      opts.readiness.map(async (c) => [c.name, await c.check().catch(() => false)] as const),
    );
    const ready = results.every(([, ok]) => ok);
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not ready',
      checks: Object.fromEntries(results.map(([n, ok]) => [n, ok ? 'ok' : 'failing'])),
    });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(opts.metrics.contentType).send(await opts.metrics.render()),
  );
  app.get('/api/v1/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, () =>
    app.swagger(),
  );

  for (const register of opts.routes) await register(app);
  return app;
}
