/**
 * Test databases: a fresh copy of the template per suite, on PGlite always and
 * on PostgreSQL+PostGIS when CITYOPS_TEST_DATABASE_URL is set. `describeEachDb`
 * runs the same suite against both: the storage contract.
 */
import fs from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { describe, inject } from 'vitest';
import type { Db, Queryable } from '../../src/core/db/db.js';
import { sql, type Sql } from '../../src/core/db/sql.js';
import { openPglite } from '../../src/core/db/pglite.js';
import { withAdminClient, withDatabase } from './postgres-admin.js';

export type DbKind = 'pglite' | 'postgres';

export function postgresEnabled(): boolean {
  return !!process.env.CITYOPS_TEST_DATABASE_URL && !!inject('postgresTemplate');
}

export interface TestDb {
  db: Db;
  kind: DbKind;
  /** The connection URL (PostgreSQL only), for tests that start a second process. */
  url?: string;
  drop(): Promise<void>;
}

export async function openTestDb(kind: DbKind): Promise<TestDb> {
  if (kind === 'pglite') {
    const tar = await fs.readFile(inject('pgliteTemplate'));
    const db = await openPglite({ loadDataDir: new Blob([tar]) });
    return { db, kind, drop: () => db.close() };
  }
  const base = process.env.CITYOPS_TEST_DATABASE_URL!;
  const name = `cityops_t_${randomBytes(6).toString('hex')}`;
  await withAdminClient(base, (c) =>
    c.query(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`),
  );
  const { openPostgres } = await import('../../src/core/db/postgres.js');
  const url = withDatabase(base, name);
  const db = await openPostgres({ url, max: 5 });
  return {
    db,
    kind,
    url,
    async drop() {
      await db.close();
      await withAdminClient(base, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/**
 * Declares the suite once per database. On PostgreSQL it is skipped, visibly,
 * when no server is configured.
 */
export function describeEachDb(name: string, fn: (kind: DbKind) => void): void {
  describe(`${name} [pglite]`, () => fn('pglite'));
  if (postgresEnabled()) describe(`${name} [postgres]`, () => fn('postgres'));
  else
    describe.skip(`${name} [postgres] (skipped: set CITYOPS_TEST_DATABASE_URL)`, () =>
      fn('postgres'));
}

/**
 * The plan PostgreSQL chooses for what `run` asks (each statement it sends is
 * explained instead of run; the last one's plan is answered), after `before`
 * (settings such as `SET LOCAL enable_seqscan = off`, or DDL such as dropping
 * an index), in a transaction rolled back afterwards, so that nothing stays.
 */
export async function planOf(
  db: Db,
  before: string[],
  run: (explain: Queryable) => Promise<unknown>,
): Promise<string> {
  let plan = '';
  await db
    .transaction(async (tx) => {
      for (const s of before) await tx.exec(s);
      await run({
        query: async <R>(q: Sql) => {
          const rows = await tx.query<Record<string, string>>(sql`EXPLAIN ${q}`);
          plan = rows.map((r) => Object.values(r)[0]).join('\n');
          return [] as R[];
        },
        exec: (s) => tx.exec(s),
      });
      throw new Error(ROLLBACK);
    })
    .catch((err: Error) => {
      if (err.message !== ROLLBACK) throw err;
    });
  return plan;
}

const ROLLBACK = 'planOf: rollback';
