/**
 * The one database interface every module uses. Two implementations stand
 * behind it (PGlite with PostGIS, embedded; PostgreSQL with PostGIS through `pg`);
 * modules never know which one they have.
 */
import type { Sql } from './sql.js';
import { sql } from './sql.js';

export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs one parameterised statement and answers its rows. */
  query<R = Row>(q: Sql): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface DbCapabilities {
  /** The database can render Mapbox Vector Tiles itself (ST_AsMVT). */
  mvt: boolean;
}

export interface Db extends Queryable {
  readonly label: string;
  readonly capabilities: DbCapabilities;
  /** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A statement PostgreSQL keeps prepared on each pooled connection under `name`
 * (parsed and planned once, then only bound and run): for a hot read whose
 * text takes few shapes. The name must be unique to the text. PGlite runs it
 * as any other statement.
 */
export function prepared(name: string, q: Sql): Sql {
  return Object.assign(q, { name });
}

/** The first row, or undefined. */
export async function maybeOne<R = Row>(db: Queryable, q: Sql): Promise<R | undefined> {
  const rows = await db.query<R>(q);
  return rows[0];
}

/** The first row; throws when there is none (a programming error, not a 404). */
export async function one<R = Row>(db: Queryable, q: Sql): Promise<R> {
  const rows = await db.query<R>(q);
  if (rows.length === 0) throw new Error(`expected one row from: ${q.text.slice(0, 80)}`);
  return rows[0]!;
}

/** Probes what the database can do, so callers pick a path without knowing the backend. */
export async function detectCapabilities(db: Queryable): Promise<DbCapabilities> {
  let mvt = false;
  try {
    await db.query(
      sql`SELECT ST_AsMVT(q) FROM (SELECT ST_AsMVTGeom(ST_Point(0.5, 0.5), ST_MakeEnvelope(0, 0, 1, 1)) AS g) q`,
    );
    mvt = true;
  } catch {
    mvt = false;
  }
  return { mvt };
}
