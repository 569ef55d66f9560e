/**
 * A CityOps app per suite, called in-process (no port), with helpers to sign
 * in as each role and to send JSON.
 */
import { afterAll, beforeAll } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '@cityops/contracts';
import { loadConfig, type Config } from '../../src/core/config.js';
import { createCityOps, type CityOps, type CityOpsOptions } from '../../src/main.js';
import { systemActor } from '../../src/core/auth/principal.js';
import type { Clock } from '../../src/core/clock.js';
import { openTestDb, type DbKind, type TestDb } from './db.js';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    CITYOPS_PORT: '0',
    CITYOPS_MQTT_PORT: '0',
    CITYOPS_LOG_LEVEL: 'silent',
    ...overrides,
  });
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Caller {
  token: string | null;
  request(
    method: Method,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
}

export interface TestCityOps {
  cityops: CityOps;
  testDb: TestDb;
  anonymous: Caller;
  admin: Caller;
  /** Creates a user with the role and scope and answers a caller signed in as them. */
  userWith: (
    role: Role,
    scope?: { units?: string[]; agencies?: string[] },
  ) => Promise<Caller & { id: string; email: string }>;
  as: (token: string) => Caller;
}

let userCounter = 0;

export function callerFor(cityops: CityOps, token: string | null): Caller {
  const request = (
    method: Method,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    cityops.app.inject({
      method,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(body === undefined
        ? {}
        : typeof body === 'string' || Buffer.isBuffer(body)
          ? { payload: body }
          : { payload: body as object }),
    });
  return {
    token,
    request,
    get: (url) => request('GET', url),
    post: (url, body) => request('POST', url, body ?? {}),
    patch: (url, body) => request('PATCH', url, body ?? {}),
    delete: (url) => request('DELETE', url),
  };
}

export const ADMIN_PASSWORD = 'admin-password-123';

/** Creates an administrator (province-wide, in English) with ADMIN_PASSWORD. */
export async function createAdmin(cityops: CityOps, email: string): Promise<void> {
  await cityops.people.users.create(systemActor, {
    email,
    password: ADMIN_PASSWORD,
    name: 'Admin',
    role: 'administrator',
    units: [],
    agencies: [],
    locale: 'en',
  });
}

/** Builds an app on a fresh database before the suite and tears it down after. */
export function useTestCityOps(
  kind: DbKind,
  opts: {
    clock?: Clock;
    env?: Record<string, string>;
    /** Options of the modules (e.g. `open311: { cacheMs }`). */
    modules?: Pick<CityOpsOptions, 'reports' | 'open311'>;
  } = {},
): () => TestCityOps {
  let ctx: TestCityOps | undefined;
  beforeAll(async () => {
    const testDb = await openTestDb(kind);
    const cityops = await createCityOps({
      config: testConfig(opts.env),
      db: testDb.db,
      log: false,
      ...opts.modules,
      ...(opts.clock ? { clock: opts.clock } : {}),
    });
    await cityops.app.ready();
    const login = async (email: string, password: string) => {
      const res = await cityops.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password },
      });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
      return res.json<{ token: string }>().token;
    };
    await createAdmin(cityops, 'admin@test.local');
    const adminToken = await login('admin@test.local', ADMIN_PASSWORD);
    ctx = {
      cityops,
      testDb,
      anonymous: callerFor(cityops, null),
      admin: callerFor(cityops, adminToken),
      as: (token) => callerFor(cityops, token),
      async userWith(role, scope = {}) {
        const email = `${role}.${++userCounter}.${Date.now()}@test.local`;
        const password = 'user-password-123';
        const u = await cityops.people.users.create(systemActor, {
          email,
          password,
          name: `${role} ${userCounter}`,
          role,
          units: scope.units ?? [],
          agencies: scope.agencies ?? [],
          locale: 'en',
        });
        return { ...callerFor(cityops, await login(email, password)), id: u.id, email };
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
