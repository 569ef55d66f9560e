/** The audit log: append-only in the database, hash-chained, tampering detected. */
import { expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { sql } from '../../src/core/db/sql.js';

describeEachDb('audit log', (kind) => {
  const t = useTestCityOps(kind);

  it('records who, what, when, before and after, and from which address', async () => {
    const { admin } = t();
    const created = await admin.post('/api/v1/agencies', {
      code: 'AUD-1',
      nameVi: 'Cơ quan',
      nameEn: 'Agency',
      units: [],
    });
    expect(created.statusCode).toBe(201);
    await admin.patch('/api/v1/agencies/AUD-1', { nameEn: 'Renamed agency' });
    const entries = (await admin.get('/api/v1/audit?entity=AUD-1')).json<{
      items: Array<{
        action: string;
        actorLabel: string;
        ip: string;
        before: { nameEn?: string } | null;
        after: { nameEn: string };
        at: string;
        requestId: string;
      }>;
    }>().items;
    expect(entries.map((e) => e.action)).toEqual(['agency.update', 'agency.create']);
    expect(entries[0]).toMatchObject({
      actorLabel: 'admin@test.local',
      before: { nameEn: 'Agency' },
      after: { nameEn: 'Renamed agency' },
    });
    expect(entries[0]!.ip).toBeTruthy();
    expect(entries[0]!.requestId).toBeTruthy();
    expect(Date.parse(entries[0]!.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('verifies an intact chain', async () => {
    const { admin } = t();
    const res = (await admin.get('/api/v1/audit/verify')).json<{ ok: boolean; checked: number }>();
    expect(res.ok).toBe(true);
    expect(res.checked).toBeGreaterThan(2);
  });

  it('refuses to change or delete an entry in the database', async () => {
    const { db } = t().cityops;
    await expect(db.query(sql`UPDATE audit_log SET action = 'x' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query(sql`DELETE FROM audit_log WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(db.query(sql`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });

  it('detects an entry altered behind the trigger', async () => {
    const { cityops, admin } = t();
    await admin.post('/api/v1/agencies', {
      code: 'AUD-2',
      nameVi: 'Cơ quan 2',
      nameEn: 'Agency 2',
    });
    const [target] = await cityops.db.query<{ seq: number }>(
      sql`SELECT seq FROM audit_log WHERE entity_id = 'AUD-2'`,
    );
    // Someone with database superuser rights disables the trigger and edits history.
    await cityops.db.transaction(async (tx) => {
      await tx.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
      await tx.query(
        sql`UPDATE audit_log SET after = '{"nameEn":"forged"}'::jsonb WHERE seq = ${target!.seq}`,
      );
      await tx.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
    });
    const res = (await admin.get('/api/v1/audit/verify')).json<{
      ok: boolean;
      brokenAt: { seq: number; reason: string };
    }>();
    expect(res.ok).toBe(false);
    expect(res.brokenAt.seq).toBe(target!.seq);
    expect(res.brokenAt.reason).toMatch(/content/);
  });
});
