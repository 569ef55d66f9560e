/**
 * A CityOps per suite for the event tests, like support/app.ts but with the
 * event pipeline's options (small rate limits, fast heartbeats, a NATS bus)
 * and, for the stream tests, listening on a real port.
 */
import { afterAll, beforeAll } from 'vitest';
import { createCityOps, type CityOps, type CityOpsOptions } from '../../src/main.js';
import { systemActor } from '../../src/core/auth/principal.js';
import type { Clock } from '../../src/core/clock.js';
import type { Db } from '../../src/core/db/db.js';
import { callerFor, createAdmin, testConfig, ADMIN_PASSWORD, type Caller } from '../support/app.js';
import { openTestDb, type DbKind, type TestDb } from '../support/db.js';
import type { Role } from '@cityops/contracts';

export interface EventsApp {
  cityops: CityOps;
  testDb: TestDb;
  admin: Caller;
  /** The base URL when the app listens (stream tests). */
  url: string;
  userWith: (
    role: Role,
    scope?: { units?: string[]; agencies?: string[] },
  ) => Promise<Caller & { id: string }>;
}

let counter = 0;

export async function login(cityops: CityOps, email: string, password: string): Promise<string> {
  const res = await cityops.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
  });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  return res.json<{ token: string }>().token;
}

/** A CityOps on an open database (several may share one, as processes share PostgreSQL). */
export async function startCityOps(
  db: Db,
  opts: {
    clock?: Clock;
    env?: Record<string, string>;
    options?: Partial<CityOpsOptions>;
    listen?: boolean;
  } = {},
): Promise<{ cityops: CityOps; url: string }> {
  const cityops = await createCityOps({
    ...opts.options,
    config: testConfig(opts.env),
    db,
    log: opts.options?.log ?? false,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  await cityops.app.ready();
  const url = opts.listen ? await cityops.listen() : '';
  return { cityops, url };
}

export function useEventsApp(
  kind: DbKind,
  opts: Parameters<typeof startCityOps>[1] = {},
): () => EventsApp {
  let ctx: EventsApp | undefined;
  beforeAll(async () => {
    const testDb = await openTestDb(kind);
    const { cityops, url } = await startCityOps(testDb.db, opts);
    const email = `admin.${++counter}@test.local`;
    await createAdmin(cityops, email);
    const admin = callerFor(cityops, await login(cityops, email, ADMIN_PASSWORD));
    ctx = {
      cityops,
      testDb,
      admin,
      url,
      async userWith(role, scope = {}) {
        const userEmail = `${role}.${++counter}.${Date.now()}@test.local`;
        const u = await cityops.people.users.create(systemActor, {
          email: userEmail,
          password: 'user-password-123',
          name: `${role} ${counter}`,
          role,
          units: scope.units ?? [],
          agencies: scope.agencies ?? [],
          locale: 'en',
        });
        const token = await login(cityops, userEmail, 'user-password-123');
        return { ...callerFor(cityops, token), id: u.id };
      },
    };
  });
  afterAll(async () => {
    await ctx?.cityops.close();
    await ctx?.testDb.drop();
  });
  return () => {
    if (!ctx) throw new Error('the test app is not ready');
    return ctx;
  };
}
