/** Opens the database the settings ask for, with the migrations applied. */
import type { Config } from '../config.js';
import type { Db } from './db.js';
import { migrate } from './migrate.js';

export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  opts: { migrate?: boolean } = {},
): Promise<Db> {
  let db: Db;
  if (config.databaseUrl) {
    const { openPostgres } = await import('./postgres.js');
    db = await openPostgres({ url: config.databaseUrl });
  } else {
    const { openPglite } = await import('./pglite.js');
    db = await openPglite({ dataDir: config.dataDir });
  }
  if (opts.migrate !== false) {
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
  }
  return db;
}
