/**
 * The default camera-offline rules are created once per database, even when
 * several CityOps processes start on a fresh database at the same moment.
 * On PostgreSQL the two "processes" have their own connection pools; on
 * PGlite (one process by design) the same database is shared.
 */
import { expect, it } from 'vitest';
import { sql } from '../../src/core/db/sql.js';
import type { Db } from '../../src/core/db/db.js';
import { openPostgres } from '../../src/core/db/postgres.js';
import { createCityOps } from '../../src/main.js';
import { CAMERA_OFFLINE_RULE, seedCameraRules } from '../../src/cameras/rules.js';
import { describeEachDb, openTestDb } from '../support/db.js';
import { testConfig } from '../support/app.js';

const names = Object.values(CAMERA_OFFLINE_RULE);

async function defaultRules(db: Db): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    sql`SELECT name FROM alert_rules WHERE name = ANY(${names}::text[]) ORDER BY name`,
  );
  return rows.map((r) => r.name);
}

describeEachDb('cameras: default offline rules', (kind) => {
  it('are created once when several processes start at once on a fresh database', async () => {
    const testDb = await openTestDb(kind);
    const dbs: Db[] = [testDb.db];
    for (let i = 1; i < 4; i++)
      dbs.push(kind === 'postgres' ? await openPostgres({ url: testDb.url!, max: 3 }) : testDb.db);
    const apps = await Promise.all(
      dbs.map((db) => createCityOps({ config: testConfig(), db, log: false })),
    );
    try {
      const counts = await Promise.all(
        apps.map((a) => seedCameraRules(a.db, a.ctx.clock, a.alerts.rules)),
      );
      expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
      expect(await defaultRules(testDb.db)).toEqual([...names].sort());
      // A later start creates nothing, even after a person removed one of them.
      const [first] = await testDb.db.query<{ id: string }>(
        sql`SELECT id FROM alert_rules WHERE name = ${names[0]}`,
      );
      await apps[0]!.alerts.rules.remove(
        { type: 'system', id: null, label: 'test' },
        { all: true },
        first!.id,
      );
      expect(await seedCameraRules(apps[1]!.db, apps[1]!.ctx.clock, apps[1]!.alerts.rules)).toBe(0);
      expect(await defaultRules(testDb.db)).toEqual([names[1]]);
      const audit = await testDb.db.query<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'alert_rule.create'`,
      );
      expect(audit[0]!.n).toBe(2);
    } finally {
      for (const a of apps) await a.close();
      for (const db of dbs.slice(1)) if (db !== testDb.db) await db.close();
      await testDb.drop();
    }
  }, 60_000);

  it('are created by a later start when a claimant died before finishing', async () => {
    const testDb = await openTestDb(kind);
    const app = await createCityOps({ config: testConfig(), db: testDb.db, log: false });
    try {
      // A claim from a process that died twenty minutes ago.
      const old = new Date(Date.now() - 20 * 60_000);
      await testDb.db.query(
        sql`INSERT INTO camera_setup (step, done_at) VALUES ('offline-rules:claim', ${old})`,
      );
      expect(await seedCameraRules(app.db, app.ctx.clock, app.alerts.rules)).toBe(2);
      expect(await defaultRules(testDb.db)).toEqual([...names].sort());
      const steps = await testDb.db.query<{ step: string }>(
        sql`SELECT step FROM camera_setup ORDER BY step`,
      );
      expect(steps.map((s) => s.step)).toEqual(['offline-rules']);
      // A fresh claim of another process is left alone.
      await testDb.db.query(sql`DELETE FROM camera_setup`);
      await testDb.db.query(
        sql`INSERT INTO camera_setup (step, done_at) VALUES ('offline-rules:claim', ${new Date()})`,
      );
      expect(await seedCameraRules(app.db, app.ctx.clock, app.alerts.rules)).toBe(0);
    } finally {
      await app.close();
      await testDb.drop();
    }
  }, 60_000);
});
