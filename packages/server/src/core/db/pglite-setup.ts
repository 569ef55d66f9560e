/**
 * How a PGlite instance is started, the same on the main thread and in the
 * database thread: PostGIS from the trimmed bundle, the type parsers both
 * databases share, a small buffer cache.
 */
import { existsSync } from 'node:fs';
import { PGlite, types, type Extension } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';

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

export interface PgliteSetup {
  /** PostgreSQL's own data folder (pgdata); undefined keeps the database in memory. */
  pgdata?: string;
  /** PostgreSQL's shared_buffers (default 32MB). */
  sharedBuffers?: string;
  /** A tarball made by dumpDataDir to start from. */
  loadDataDir?: Blob | File;
}

export async function startPglite(s: PgliteSetup): Promise<PGlite> {
  const pg = await PGlite.create({
    ...(s.pgdata ? { dataDir: s.pgdata } : {}),
    ...(s.loadDataDir ? { loadDataDir: s.loadDataDir } : {}),
    extensions: { postgis: postgisExtension },
    // PostgreSQL's buffer cache lives in the process's own memory here; the
    // operating system caches the data files as well, so a small one is enough.
    startParams: [
      ...PGlite.defaultStartParams,
      '-c',
      `shared_buffers=${s.sharedBuffers ?? '32MB'}`,
    ],
    parsers,
  });
  try {
    await pg.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  } catch (err) {
    await pg.close().catch(() => undefined);
    throw err;
  }
  return pg;
}
