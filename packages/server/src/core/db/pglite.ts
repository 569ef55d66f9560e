/**
 * The embedded database: PGlite (PostgreSQL in WebAssembly) with PostGIS, its
 * data in a local folder that belongs to this one process.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { PGlite, types, type Extension, type Transaction } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import type { Sql } from 'sql-template-tag';
import { detectCapabilities, type Db, type Queryable, type Row } from './db.js';
import { lockDataDir, type DataDirLock } from './lock.js';

/**
 * PostGIS, from the trimmed bundle the build writes (dist/pglite/postgis.tar.gz:
 * no raster, topology or geocoder, ~50 MB less unpacked into memory at every
 * start), else from the package as shipped.
 */
const trimmedBundle = new URL('../../../dist/pglite/postgis.tar.gz', import.meta.url);
const postgisExtension: Extension = existsSync(trimmedBundle)
  ? {
      name: 'postgis',
      setup: async (pg, emscriptenOpts) => ({
        ...(await postgis.setup(pg, emscriptenOpts)),
        bundlePath: trimmedBundle,
      }),
    }
  : postgis;

const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.DATE]: (v: string) => v,
};

function wrap(q: PGlite | Transaction): Queryable {
  return {
    async query<R = Row>(s: Sql): Promise<R[]> {
      const res = await q.query<R>(s.text, s.values);
      return res.rows;
    },
    async exec(script: string): Promise<void> {
      await q.exec(script);
    },
  };
}

export interface PgliteOptions {
  /** The data folder; undefined keeps the database in memory. */
  dataDir?: string;
  /** Lock the folder against a second process (default true when dataDir is set). */
  lock?: boolean;
  /** PostgreSQL's shared_buffers (default 32MB). */
  sharedBuffers?: string;
  /** Open from a tarball made by dumpDataDir (used to copy a test template quickly). */
  loadDataDir?: Blob | File;
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Db> {
  let lock: DataDirLock | undefined;
  if (opts.dataDir) {
    await fs.mkdir(opts.dataDir, { recursive: true });
    if (opts.lock !== false) lock = await lockDataDir(opts.dataDir);
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      ...(opts.dataDir ? { dataDir: `${opts.dataDir}/pgdata` } : {}),
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
      extensions: { postgis: postgisExtension },
      // PostgreSQL's buffer cache lives in the process's own memory here; the
      // operating system caches the data files as well, so a small one is enough.
      startParams: [
        ...PGlite.defaultStartParams,
        '-c',
        `shared_buffers=${opts.sharedBuffers ?? '32MB'}`,
      ],
      parsers,
    });
    await pg.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  } catch (err) {
    await lock?.release();
    throw err;
  }
  const base = wrap(pg);
  const capabilities = await detectCapabilities(base);
  return {
    ...base,
    label: opts.dataDir ? `PGlite (${opts.dataDir})` : 'PGlite (in memory)',
    capabilities,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => pg.transaction((tx) => fn(wrap(tx))),
    async close() {
      await pg.close();
      await lock?.release();
    },
    /** Escape hatch for the test template only. */
    dumpDataDir: () => pg.dumpDataDir('none'),
  } as Db;
}
