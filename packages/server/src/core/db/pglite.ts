/**
 * The embedded database: PGlite (PostgreSQL in WebAssembly) with PostGIS, its
 * data in a local folder that belongs to this one process. PostgreSQL runs in
 * a thread of its own by default (pglite-worker.ts), so that a heavy query or
 * a burst of writes does not stop the event loop that serves HTTP, MQTT and
 * the live stream.
 */
import fs from 'node:fs/promises';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { Sql } from 'sql-template-tag';
import { detectCapabilities, type Db, type Queryable, type Row } from './db.js';
import { lockDataDir, type DataDirLock } from './lock.js';
import type { PgliteSetup } from './pglite-setup.js';

export interface PgliteOptions {
  /** The data folder; undefined keeps the database in memory. */
  dataDir?: string;
  /** Lock the folder against a second process (default true when dataDir is set). */
  lock?: boolean;
  /** PostgreSQL's shared_buffers (default 16MB). */
  sharedBuffers?: string;
  /** Open from a tarball made by dumpDataDir (used to copy a test template quickly). */
  loadDataDir?: Blob | File;
  /**
   * Run PostgreSQL in a worker thread (default true). `false` runs it on the
   * calling thread, as before: for a one-off script or a profile of PGlite
   * itself, where nothing else waits on the event loop and one thread's heap
   * is enough; every statement then blocks the event loop while it runs.
   */
  thread?: boolean;
}

/** What both ways of running PGlite offer. */
interface Engine extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  dumpDataDir(): Promise<Blob>;
  close(): Promise<void>;
}

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

async function onThisThread(setup: PgliteSetup): Promise<Engine> {
  const { startPglite } = await import('./pglite-setup.js');
  const pg = await startPglite(setup);
  return {
    ...wrap(pg),
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    dumpDataDir: () => pg.dumpDataDir('none'),
    close: () => pg.close(),
  };
}

async function inItsThread(setup: PgliteSetup): Promise<Engine> {
  const { DatabaseThread } = await import('./pglite-worker.js');
  const thread = await DatabaseThread.start({
    ...(setup.pgdata ? { pgdata: setup.pgdata } : {}),
    ...(setup.sharedBuffers ? { sharedBuffers: setup.sharedBuffers } : {}),
    ...(setup.loadDataDir ? { loadDataDir: await setup.loadDataDir.arrayBuffer() } : {}),
  });
  return {
    query: (q) => thread.query(q),
    exec: (script) => thread.exec(script),
    transaction: (fn) => thread.transaction(fn),
    dumpDataDir: () => thread.dumpDataDir(),
    close: () => thread.close(),
  };
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Db> {
  let lock: DataDirLock | undefined;
  if (opts.dataDir) {
    await fs.mkdir(opts.dataDir, { recursive: true });
    if (opts.lock !== false) lock = await lockDataDir(opts.dataDir);
  }
  const setup: PgliteSetup = {
    ...(opts.dataDir ? { pgdata: `${opts.dataDir}/pgdata` } : {}),
    ...(opts.sharedBuffers ? { sharedBuffers: opts.sharedBuffers } : {}),
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
  };
  let engine: Engine;
  try {
    engine = opts.thread === false ? await onThisThread(setup) : await inItsThread(setup);
  } catch (err) {
    await lock?.release();
    throw err;
  }
  let capabilities;
  try {
    capabilities = await detectCapabilities(engine);
  } catch (err) {
    await engine.close().catch(() => undefined);
    await lock?.release();
    throw err;
  }
  return {
    query: (q: Sql) => engine.query(q),
    exec: (script: string) => engine.exec(script),
    label: opts.dataDir ? `PGlite (${opts.dataDir})` : 'PGlite (in memory)',
    capabilities,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => engine.transaction(fn),
    async close() {
      try {
        await engine.close();
      } finally {
        await lock?.release();
      }
    },
    /** Escape hatch for the test template only. */
    dumpDataDir: () => engine.dumpDataDir(),
  } as Db;
}
