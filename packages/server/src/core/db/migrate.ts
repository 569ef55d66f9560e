/**
 * Numbered SQL migrations (migrations/NNNN_name.sql), the same files on both
 * databases. Each runs in its own transaction under an advisory lock, so that
 * several processes starting together apply each one once.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';
import { sql } from './sql.js';

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
);
const LOCK_KEY = 72_000_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await fs.readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const text = await fs.readFile(path.join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.slice(5, -4),
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    }),
  );
}

/** Applies the pending migrations; answers the versions applied now. */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<number[]> {
  await db.transaction(async (tx) => {
    await tx.query(sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
  const applied: number[] = [];
  for (const m of await loadMigrations(dir)) {
    const done = await db.transaction(async (tx) => {
      await tx.query(sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
      const [row] = await tx.query<{ checksum: string }>(
        sql`SELECT checksum FROM schema_migrations WHERE version = ${m.version}`,
      );
      if (row) {
        if (row.checksum !== m.checksum) {
          throw new Error(
            `migration ${m.version}_${m.name} was changed after it was applied; add a new migration instead`,
          );
        }
        return false;
      }
      await tx.exec(m.sql);
      await tx.query(
        sql`INSERT INTO schema_migrations (version, name, checksum) VALUES (${m.version}, ${m.name}, ${m.checksum})`,
      );
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
