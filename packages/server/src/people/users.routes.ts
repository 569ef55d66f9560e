/** /api/v1/users: administrators manage users; supervisors read them. */
import { z } from 'zod';
import {
  pageOf,
  pageQuery,
  roleSchema,
  userCreateSchema,
  userPatchSchema,
  userSchema,
} from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom } from '../core/http/app.js';
import { decodeCursor, pageFrom } from '../core/http/cursor.js';
import type { UsersService } from './users.service.js';
import type { AuthService } from './auth.service.js';

const idParams = z.object({ id: z.uuid() });

export function usersRoutes(users: UsersService, auth: AuthService) {
  return (app: App) => {
    app.get(
      '/api/v1/users',
      {
        schema: {
          tags: ['users'],
          summary: 'List users',
          querystring: z
            .object({
              ...pageQuery,
              role: roleSchema.optional(),
              q: z.string().max(100).optional(),
            })
            .strict(),
          response: { 200: pageOf(userSchema) },
        },
        config: { access: 'users:read' },
      },
      async (request) => {
        const { limit, cursor, role, q } = request.query;
        const after = decodeCursor(cursor, 1)?.[0] as string | undefined;
        const rows = await users.list({ after, limit: limit + 1, role, q });
        return pageFrom(rows, limit, (u) => [u.id]);
      },
    );

    app.post(
      '/api/v1/users',
      {
        schema: {
          tags: ['users'],
          summary: 'Create a user',
          body: userCreateSchema,
          response: { 201: userSchema },
        },
        config: { access: 'users:write' },
      },
      async (request, reply) =>
        reply.status(201).send(await users.create(actorFrom(request), request.body)),
    );

    app.get(
      '/api/v1/users/:id',
      {
        schema: { tags: ['users'], params: idParams, response: { 200: userSchema } },
        config: { access: 'users:read' },
      },
      (request) => users.get(request.params.id),
    );

    app.patch(
      '/api/v1/users/:id',
      {
        schema: {
          tags: ['users'],
          summary: 'Change a user (role, scope, password, disabled)',
          params: idParams,
          body: userPatchSchema,
          response: { 200: userSchema },
        },
        config: { access: 'users:write' },
      },
      async (request) => {
        const user = await users.update(actorFrom(request), request.params.id, request.body);
        auth.forgetScope(user.id);
        return user;
      },
    );

    app.post(
      '/api/v1/users/:id/revoke-sessions',
      {
        schema: {
          tags: ['users'],
          summary: 'Sign a user out everywhere',
          params: idParams,
          response: { 200: z.object({ revoked: z.number() }) },
        },
        config: { access: 'users:write' },
      },
      async (request) => ({
        revoked: await users.revokeSessions(actorFrom(request), request.params.id),
      }),
    );
  };
}
