/**
 * How a PGlite instance is started, the same on the main thread and in the
 * database thread: PostGIS from the unpacked folder, the type parsers both
 * databases share, a small buffer cache.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, types, type Extension } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';

/**
 * PostGIS's files as the build unpacks them (dist/pglite/postgis: the library,
 * its SQL scripts and PROJ's data; no raster, topology or geocoder). PGlite's
 * own way in, a bundle, is unpacked into memory at every start: the archive
 * read whole, then every file copied into the in-memory file system, ~110 MB of
 * buffers of which ~70 MB stayed for good and the allocator gave little of the
 * rest back to the system. Here the folder is mounted from disk (Emscripten's
 * NODEFS) and linked where PostgreSQL looks for each file; only the library is
 * read into memory, compiled before PostgreSQL opens it. Without the folder (no
 * build yet) PostGIS comes from the package's bundle as shipped.
 */
const unpacked = fileURLToPath(new URL('../../../dist/pglite/postgis', import.meta.url));
const fromDisk = existsSync(path.join(unpacked, 'lib/postgresql/postgis-3.so'));

/** Where PostGIS is read from: the unpacked folder, or the package's bundle (no build yet). */
export const postgisSource = (): 'folder' | 'bundle' => (fromDisk ? 'folder' : 'bundle');

/**
 * The PostGIS extension for one instance: the package's settings (PROJ_DATA
 * among them) without its bundle, and the instance's Emscripten module handed
 * to `gotModule` (PGlite keeps it to itself) for linkPostgis.
 */
function postgisFromDisk(gotModule: (mod: EmscriptenModule) => void): Extension {
  return {
    name: 'postgis',
    setup: async (pg, emscriptenOpts: EmscriptenModule) => {
      const { bundlePath: _bundle, ...rest } = await postgis.setup(pg, emscriptenOpts);
      const opts = rest.emscriptenOpts as EmscriptenModule;
      return { ...rest, emscriptenOpts: { ...opts, preRun: [...(opts.preRun ?? []), gotModule] } };
    },
  };
}

/** What is used here of an Emscripten module (PGlite's types leave it loose). */
interface EmscriptenModule {
  FS: EmscriptenFs;
  /** Where PostgreSQL has its installation in the module's file system. */
  WASM_PREFIX: string;
  preRun?: ((mod: EmscriptenModule) => void)[];
}

/** The parts of Emscripten's file system used here. */
interface EmscriptenFs {
  filesystems: { NODEFS: unknown };
  analyzePath(p: string): { exists: boolean };
  mkdirTree(p: string): void;
  mount(type: unknown, opts: { root: string }, mountpoint: string): void;
  symlink(target: string, linkpath: string): void;
  isDir(mode: number): boolean;
  stat(p: string): { mode: number };
  createPreloadedFile(
    parent: string,
    name: string,
    data: Uint8Array,
    canRead: boolean,
    canWrite: boolean,
    onload: () => void,
    onerror: () => void,
    dontCreateFile: boolean,
  ): void;
}

const MOUNT = '/mnt/postgis';

/**
 * Links every file of the unpacked folder into PostgreSQL's installation (a
 * folder PostgreSQL does not have, such as PROJ's, as one link), and compiles
 * each library the way PGlite preloads a bundle's, so that PostgreSQL's
 * dlopen finds it ready under its usual name.
 */
async function linkPostgis(mod: EmscriptenModule): Promise<void> {
  const fs = mod.FS;
  const prefix = mod.WASM_PREFIX;
  fs.mkdirTree(MOUNT);
  fs.mount(fs.filesystems.NODEFS, { root: unpacked }, MOUNT);
  const link = (rel: string) => {
    for (const entry of readdirSync(path.join(unpacked, rel), { withFileTypes: true })) {
      const name = path.posix.join(rel, entry.name);
      const at = `${prefix}/${name}`;
      if (entry.isDirectory() && fs.analyzePath(at).exists && fs.isDir(fs.stat(at).mode)) {
        link(name);
      } else if (!fs.analyzePath(at).exists) {
        fs.symlink(`${MOUNT}/${name}`, at);
      }
    }
  };
  link('');
  for (const lib of readdirSync(path.join(unpacked, 'lib/postgresql'))) {
    if (!lib.endsWith('.so')) continue;
    const bytes = readFileSync(path.join(unpacked, 'lib/postgresql', lib));
    await new Promise<void>((resolve, reject) =>
      fs.createPreloadedFile(
        `${prefix}/lib/postgresql`,
        lib,
        new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        true,
        false,
        resolve,
        () => reject(new Error(`PostGIS: ${lib} could not be compiled`)),
        true,
      ),
    );
    // Emscripten's loader keeps the bytes it compiled from for as long as the
    // library lives, though only compiling reads them (V8 keeps a copy of its
    // own): detached, 16 MB go back to the system.
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
      structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    }
  }
}

const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.DATE]: (v: string) => v,
};

export interface PgliteSetup {
  /** PostgreSQL's own data folder (pgdata); undefined keeps the database in memory. */
  pgdata?: string;
  /** PostgreSQL's shared_buffers (default 16MB). */
  sharedBuffers?: string;
  /** A tarball made by dumpDataDir to start from. */
  loadDataDir?: Blob | File;
}

export async function startPglite(s: PgliteSetup): Promise<PGlite> {
  let mod: EmscriptenModule | undefined;
  const pg = await PGlite.create({
    ...(s.pgdata ? { dataDir: s.pgdata } : {}),
    ...(s.loadDataDir ? { loadDataDir: s.loadDataDir } : {}),
    extensions: { postgis: fromDisk ? postgisFromDisk((m) => (mod = m)) : postgis },
    // PostgreSQL's buffer cache lives in the process's own memory here, all of
    // it touched at start; the operating system caches the data files as well,
    // so a small one is enough (a 2 km viewport of a million assets reads ~3 MB).
    startParams: [
      ...PGlite.defaultStartParams,
      '-c',
      `shared_buffers=${s.sharedBuffers ?? '16MB'}`,
    ],
    parsers,
  });
  try {
    if (mod) await linkPostgis(mod);
    await pg.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  } catch (err) {
    await pg.close().catch(() => undefined);
    throw err;
  }
  return pg;
}
