/** What every CLI command starts from: validated settings and the database, with clear one-line failures. */
import { ConfigError, loadConfig, type Config } from '../core/config.js';
import { DataDirBusyError } from '../core/db/lock.js';
import { openDatabase } from '../core/db/open.js';
import type { Db } from '../core/db/db.js';

export class CliError extends Error {}

export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
}

export async function openDbOrExit(config: Config, opts: { migrate?: boolean } = {}): Promise<Db> {
  try {
    return await openDatabase(config, opts);
  } catch (err) {
    if (err instanceof DataDirBusyError) throw new CliError(err.message);
    throw new CliError(`cannot open the database: ${(err as Error).message}`);
  }
}

/** Runs fn with the database open, closing it afterwards. */
export async function withDb<T>(fn: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const config = configOrExit();
  const db = await openDbOrExit(config);
  try {
    return await fn(db, config);
  } finally {
    await db.close();
  }
}

export const cliActor = (what: string) => ({
  type: 'system' as const,
  id: null,
  label: `cli:${what} (${process.env.USER ?? 'unknown'})`,
});
