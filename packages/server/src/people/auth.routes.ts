/** POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/auth/me */
import { z } from 'zod';
import {
  loginResponseSchema,
  loginSchema,
  rolePermissions,
  apiKeyScopePermissions,
  userSchema,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { principalOf } from '../core/http/app.js';
import type { AuthService } from './auth.service.js';
import type { UsersService } from './users.service.js';

export function authRoutes(auth: AuthService, users: UsersService) {
  return (app: App) => {
    app.post(
      '/api/v1/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign in with e-mail and password',
          body: loginSchema,
          response: { 200: loginResponseSchema },
        },
        config: {
          access: 'public',
          rateLimit: {
            max: 10,
            timeWindow: '1 minute',
            hook: 'preHandler',
            keyGenerator: (req) => {
              const email = (req.body as { email?: unknown } | undefined)?.email;
              return `${req.ip}|${typeof email === 'string' ? email.toLowerCase() : ''}`;
            },
          },
        },
      },
      (request) =>
        auth.login(request.body.email, request.body.password, {
          ip: request.ip,
          userAgent: request.headers['user-agent'],
          requestId: request.id,
        }),
    );

    app.post(
      '/api/v1/auth/logout',
      {
        schema: { tags: ['auth'], summary: 'End this session (revokes its token)' },
        config: { access: 'authenticated' },
      },
      async (request, reply) => {
        await auth.logout(principalOf(request), { ip: request.ip, requestId: request.id });
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/v1/auth/me',
      {
        schema: {
          tags: ['auth'],
          summary: 'Who is signed in, with their permissions and scope',
          response: {
            200: z.object({
              kind: z.enum(['user', 'apikey', 'device', 'citizen']),
              user: userSchema.nullable(),
              permissions: z.array(z.string()),
              scope: z.object({
                all: z.boolean(),
                units: z.array(z.string()),
                agencies: z.array(z.string()),
              }),
            }),
          },
        },
        config: { access: 'authenticated' },
      },
      async (request) => {
        const p = principalOf(request);
        const scope = p.scope.all
          ? { all: true, units: [], agencies: [] }
          : { all: false, units: p.scope.units, agencies: p.scope.agencies };
        switch (p.kind) {
          case 'user':
            return {
              kind: p.kind,
              user: await users.get(p.id),
              permissions: [...rolePermissions[p.role]],
              scope,
            };
          case 'apikey':
            return {
              kind: p.kind,
              user: null,
              permissions: [...apiKeyScopePermissions[p.keyScope]],
              scope,
            };
          case 'device':
          case 'citizen':
            return { kind: p.kind, user: null, permissions: [], scope };
        }
      },
    );
  };
}
