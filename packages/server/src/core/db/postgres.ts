/**
 * PostgreSQL 15+ with PostGIS through a `pg` connection pool: the database for
 * production and for several CityOps processes sharing one store.
 */
import pg from 'pg';
import type { Sql } from './sql.js';
import { sql } from './sql.js';
import { detectCapabilities, type Db, type Queryable, type Row } from './db.js';

const INT8 = 20;
const DATE = 1082;
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (v: string) => Number(v);
    if (oid === DATE) return (v: string) => v;
    return pg.types.getTypeParser(oid, format) as (v: string) => unknown;
  },
};

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R = Row>(s: Sql): Promise<R[]> {
      const name = (s as { name?: string }).name;
      const res = await client.query({ name, text: s.text, values: s.values, types: typeParsers });
      return res.rows as R[];
    },
    async exec(script: string): Promise<void> {
      await client.query(script);
    },
  };
}

export interface PostgresOptions {
  url: string;
  max?: number;
  applicationName?: string;
}

/** Hides the password of a connection URL, for logs and labels. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

export async function openPostgres(opts: PostgresOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'cityops',
    // JIT compilation costs more than it saves on CityOps' short queries (~15 ms a vector tile).
    // Parallel workers too: PostGIS functions are costed so high that a 1,000-row map
    // viewport is planned as a parallel scan, and starting the workers takes longer
    // (8 ms alone, 30-40 ms with them on a busy 2-core server) than the scan saves.
    options: '-c jit=off -c max_parallel_workers_per_gather=0',
  });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => undefined);
  const base = wrap(pool);
  await base.query(sql`SELECT 1`);
  await pool.query('CREATE EXTENSION IF NOT EXISTS postgis').catch((err: Error) => {
    throw new Error(`PostGIS is not available in ${redactUrl(opts.url)}: ${err.message}`);
  });
  const capabilities = await detectCapabilities(base);
  return {
    ...base,
    label: `PostgreSQL (${redactUrl(opts.url)})`,
    capabilities,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
