/**
 * Once per test run: a PGlite template (migrated, admin units loaded) dumped to
 * a file that every test copies in ~2 s instead of initialising PostGIS (~10 s);
 * and, when CITYOPS_TEST_DATABASE_URL names a PostgreSQL server, a template
 * database there that every test clones; and a folder for the data folders
 * the tests make, removed with them when the run ends.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPglite } from '../../src/core/db/pglite.js';
import { migrate } from '../../src/core/db/migrate.js';
import { systemClock } from '../../src/core/clock.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { seedAdminUnits } from '../../src/geo/reference-data.js';
import type { Db } from '../../src/core/db/db.js';
import { systemActor } from '../../src/core/auth/principal.js';
import { postgresTemplateName, withAdminClient, withDatabase } from './postgres-admin.js';

async function prepare(db: Db): Promise<void> {
  await migrate(db);
  await seedAdminUnits(db, new AuditService(db, systemClock), systemClock, systemActor);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-test-'));
  const file = path.join(dir, 'pglite-template.tar');
  const db = await openPglite({});
  await prepare(db);
  const blob = await (db as Db & { dumpDataDir(): Promise<Blob> }).dumpDataDir();
  await fs.writeFile(file, Buffer.from(await blob.arrayBuffer()));
  await db.close();
  project.provide('pgliteTemplate', file);
  // Data folders the tests make go here, and go with it at the end of the run.
  project.provide('testTmpDir', dir);

  const url = process.env.CITYOPS_TEST_DATABASE_URL;
  const template = postgresTemplateName();
  if (url) {
    await withAdminClient(url, async (admin) => {
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${template}`);
    });
    const { openPostgres } = await import('../../src/core/db/postgres.js');
    const tdb = await openPostgres({ url: withDatabase(url, template), max: 2 });
    await prepare(tdb);
    await tdb.close();
    project.provide('postgresTemplate', template);
  } else {
    process.stdout.write(
      '\n[cityops] CITYOPS_TEST_DATABASE_URL is not set: the PostgreSQL runs of the storage suite are SKIPPED (PGlite runs only).\n\n',
    );
    project.provide('postgresTemplate', '');
  }

  return async () => {
    await fs.rm(dir, { recursive: true, force: true });
    if (url) {
      await withAdminClient(url, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`),
      ).catch(() => undefined);
    }
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string;
    testTmpDir: string;
  }
}
