/**
 * The embedded database in a thread of its own: the main thread's event loop
 * keeps running while PostgreSQL works; statements outside a transaction wait
 * behind an open one, as on PGlite itself; the data-folder lock is released on
 * close; and a thread that dies fails every call instead of leaving it waiting.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Db } from '../../src/core/db/db.js';
import { openPglite } from '../../src/core/db/pglite.js';
import { DatabaseThread } from '../../src/core/db/pglite-worker.js';
import { sql } from '../../src/core/db/sql.js';

const template = async () => new Blob([await fs.readFile(inject('pgliteTemplate'))]);

/** The longest the main thread went without running a 10 ms interval while `work` ran. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(longest, performance.now() - last);
}

const SLEEP_S = 1.5;

describe('PGlite in its own thread', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPglite({ loadDataDir: await template() });
  });
  afterAll(() => db.close());

  it('leaves the event loop free while a statement runs', async () => {
    const stall = await longestStall(() => db.query(sql`SELECT pg_sleep(${SLEEP_S})`));
    // The box may be busy, but nowhere near a stall as long as the statement.
    expect(stall).toBeLessThan((SLEEP_S * 1000) / 3);
  });

  it('makes statements outside a transaction wait until it ends', async () => {
    await db.exec('CREATE TABLE thread_q (id int PRIMARY KEY)');
    let outside: Promise<Array<{ n: number }>> | undefined;
    let answered = false;
    await db.transaction(async (tx) => {
      await tx.query(sql`INSERT INTO thread_q VALUES (1)`);
      outside = db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM thread_q`);
      void outside.then(() => (answered = true));
      await new Promise((r) => setTimeout(r, 200));
      expect(answered).toBe(false);
      await tx.query(sql`INSERT INTO thread_q VALUES (2)`);
    });
    expect(await outside).toEqual([{ n: 2 }]);
  });

  it('runs scripts of several statements, in a transaction too', async () => {
    await db.transaction((tx) =>
      tx.exec(`CREATE TABLE thread_s (id int); INSERT INTO thread_s VALUES (1), (2);`),
    );
    expect(await db.query(sql`SELECT sum(id)::int AS s FROM thread_s`)).toEqual([{ s: 3 }]);
  });

  it('rolls back when the function throws, and hands back its error', async () => {
    const mine = new Error('changed my mind');
    await expect(
      db.transaction(async (tx) => {
        await tx.exec('CREATE TABLE thread_r (id int)');
        throw mine;
      }),
    ).rejects.toBe(mine);
    await expect(db.query(sql`SELECT * FROM thread_r`)).rejects.toMatchObject({ code: '42P01' });
  });

  it('refuses statements on a transaction that has ended', async () => {
    let kept: { query: Db['query'] } | undefined;
    await db.transaction(async (tx) => {
      kept = tx;
      await tx.query(sql`SELECT 1`);
    });
    await expect(kept!.query(sql`SELECT 1`)).rejects.toThrow(/Transaction is closed/);
  });

  it('refuses a parameter that would lose its class on the way', async () => {
    await expect(db.query(sql`SELECT ${new URL('https://example.org/')}::text`)).rejects.toThrow(
      /\$1 is a URL/,
    );
  });
});

describe('PGlite on the calling thread ({ thread: false })', { timeout: 120_000 }, () => {
  it('holds up the event loop while a statement runs', async () => {
    const db = await openPglite({ loadDataDir: await template(), thread: false });
    try {
      const stall = await longestStall(() => db.query(sql`SELECT pg_sleep(${SLEEP_S})`));
      expect(stall).toBeGreaterThan(SLEEP_S * 1000 * 0.9);
    } finally {
      await db.close();
    }
  });
});

describe('the database thread and its data folder', { timeout: 120_000 }, () => {
  it('releases the folder on close, and opens it again', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-thread-'));
    try {
      const first = await openPglite({ dataDir: dir, loadDataDir: await template() });
      await first.exec('CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)');
      await expect(fs.stat(path.join(dir, 'cityops.lock'))).resolves.toBeTruthy();
      await first.close();
      await expect(fs.stat(path.join(dir, 'cityops.lock'))).rejects.toThrow();
      const again = await openPglite({ dataDir: dir });
      try {
        expect(await again.query(sql`SELECT id FROM kept`)).toEqual([{ id: 7 }]);
      } finally {
        await again.close();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('fails waiting and later calls, and stays failed, when the thread dies', async () => {
    // A heap far too small for the result below: the thread runs out of memory.
    const thread = await DatabaseThread.start(
      { loadDataDir: await (await template()).arrayBuffer() },
      { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
    );
    try {
      const huge = thread.query(
        sql`SELECT repeat(md5(i::text), 32) AS s FROM generate_series(1, 150000) AS i`,
      );
      await expect(huge).rejects.toThrow(/embedded database thread (failed|stopped)/);
      // What readiness asks: fails at once, not after a timeout.
      const t0 = performance.now();
      await expect(thread.query(sql`SELECT 1 AS ok`)).rejects.toThrow(/embedded database thread/);
      await expect(thread.transaction(() => Promise.resolve())).rejects.toThrow(
        /embedded database thread/,
      );
      expect(performance.now() - t0).toBeLessThan(1000);
    } finally {
      await thread.close();
    }
  });
});
