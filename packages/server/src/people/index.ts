/** The people module: users, agencies, sessions, API keys. */
import { randomBytes } from 'node:crypto';
import type { CityOpsModule, CoreContext } from '../core/module.js';
import { systemActor } from '../core/auth/principal.js';
import { AuthService } from './auth.service.js';
import { UsersService } from './users.service.js';
import { ApiKeysService } from './apikeys.service.js';
import { AgenciesService } from './agencies.service.js';
import { authRoutes } from './auth.routes.js';
import { usersRoutes } from './users.routes.js';
import { apiKeysRoutes } from './apikeys.routes.js';
import { agenciesRoutes } from './agencies.routes.js';

export function peopleModule(ctx: CoreContext) {
  const users = new UsersService(ctx.db, ctx.audit, ctx.clock);
  const auth = new AuthService(ctx.db, ctx.audit, ctx.clock, ctx.config.tokenTtlHours);
  const apiKeys = new ApiKeysService(ctx.db, ctx.audit, ctx.clock);
  const agencies = new AgenciesService(ctx.db, ctx.audit, ctx.clock);
  const module: CityOpsModule = {
    name: 'people',
    routes: (app) => {
      authRoutes(auth, users)(app);
      usersRoutes(users, auth)(app);
      apiKeysRoutes(apiKeys)(app);
      agenciesRoutes(agencies)(app);
    },
  };
  return { module, users, auth, apiKeys, agencies };
}

/**
 * On an empty database, creates the first administrator. Answers the password
 * when it was generated, so the caller prints it once.
 */
export async function ensureFirstAdministrator(
  users: UsersService,
  email: string,
  password: string | undefined,
): Promise<{ email: string; password: string | null } | null> {
  if ((await users.count()) > 0) return null;
  const generated = password ? null : randomBytes(12).toString('base64url');
  await users.create(systemActor, {
    email,
    password: password ?? generated!,
    name: 'Administrator',
    role: 'administrator',
    units: [],
    agencies: [],
    locale: 'vi',
  });
  return { email, password: generated };
}
