/** Shared set-up for benchmark scenarios: databases, a CityOps on a free port, a signed-in admin. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../packages/server/src/core/config.js';
import { createCityOps, type CityOps } from '../packages/server/src/main.js';
import type { Db } from '../packages/server/src/core/db/db.js';
import { openPglite } from '../packages/server/src/core/db/pglite.js';
import { openPostgres } from '../packages/server/src/core/db/postgres.js';
import { migrate } from '../packages/server/src/core/db/migrate.js';
import { seedAdminUnits } from '../packages/server/src/geo/reference-data.js';
import { AuditService } from '../packages/server/src/audit/audit.service.js';
import { systemClock } from '../packages/server/src/core/clock.js';
import { systemActor } from '../packages/server/src/core/auth/principal.js';

export interface BenchDb {
  db: Db;
  label: 'PostgreSQL' | 'PGlite';
  url?: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, migrated database with the admin units, on PostgreSQL (url given) or PGlite. */
export async function freshDb(kind: 'postgres' | 'pglite', postgresUrl?: string): Promise<BenchDb> {
  if (kind === 'postgres') {
    if (!postgresUrl) throw new Error('no PostgreSQL URL');
    const name = `cityops_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = withDatabase(postgresUrl, name);
    const db = await openPostgres({ url, max: 10 });
    await prepare(db);
    return {
      db,
      label: 'PostgreSQL',
      url,
      async drop() {
        await db.close();
        const c = new pg.Client({ connectionString: postgresUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-bench-'));
  const db = await openPglite({ dataDir: dir });
  await prepare(db);
  return {
    db,
    label: 'PGlite',
    async drop() {
      await db.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

async function prepare(db: Db): Promise<void> {
  await migrate(db);
  await seedAdminUnits(db, new AuditService(db, systemClock), systemClock, systemActor);
}

export interface RunningCityOps {
  cityops: CityOps;
  base: string;
  token: string;
  close(): Promise<void>;
}

/** Creates an administrator of its own and answers its bearer token. */
export async function signInAdministrator(cityops: CityOps, base: string): Promise<string> {
  const email = `bench.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@bench.local`;
  await cityops.people.users.create(systemActor, {
    email,
    password: 'bench-password-123',
    name: 'Bench',
    role: 'administrator',
    units: [],
    agencies: [],
    locale: 'en',
  });
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'bench-password-123' }),
  });
  if (res.status !== 200) throw new Error(`bench sign-in answered ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** CityOps on a free loopback port over the given database, with an administrator signed in. */
export async function startCityOps(db: Db): Promise<RunningCityOps> {
  const config = loadConfig({
    CITYOPS_PORT: '0',
    CITYOPS_MQTT_PORT: '0',
    CITYOPS_LOG_LEVEL: 'silent',
    CITYOPS_IMPORT_LIMIT: String(256 * 2 ** 20),
  });
  const cityops = await createCityOps({ config, db, log: false });
  const base = await cityops.listen();
  const token = await signInAdministrator(cityops, base);
  return { cityops, base, token, close: () => cityops.close() };
}
