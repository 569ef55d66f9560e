/**
 * Grouped audited writes (AuditService.transaction): writes waiting at the
 * same moment share one transaction, one chain lock and one commit, yet each
 * write's audit entry commits with it or the write fails, and the chain stays
 * intact.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { systemClock } from '../../src/core/clock.js';
import { systemActor } from '../../src/core/auth/principal.js';
import { sql } from '../../src/core/db/sql.js';
import type { Queryable } from '../../src/core/db/db.js';

describeEachDb('grouped audited writes', (kind) => {
  let t: TestDb;
  let audit: AuditService;
  beforeAll(async () => {
    t = await openTestDb(kind);
    audit = new AuditService(t.db, systemClock);
    await t.db.exec(`
      CREATE TABLE probe_ref (id int PRIMARY KEY);
      INSERT INTO probe_ref VALUES (1);
      CREATE TABLE probe (
        id int PRIMARY KEY,
        ref int REFERENCES probe_ref (id) DEFERRABLE INITIALLY DEFERRED
      );`);
  });
  afterAll(() => t.drop());

  /** One audited write: a probe row and its audit entry. */
  const write = (id: number, ref = 1, after?: (tx: Queryable) => Promise<void>) =>
    audit.transaction(async (tx) => {
      await tx.query(sql`INSERT INTO probe (id, ref) VALUES (${id}, ${ref})`);
      await audit.record(tx, systemActor, {
        action: 'probe.create',
        entityType: 'probe',
        entityId: String(id),
        after: { id },
      });
      await after?.(tx);
      return id;
    });

  /** A write that holds the group runner until released, so that the next ones are grouped. */
  const blocker = () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const done = audit.transaction(async () => {
      await gate;
    });
    return { release, done };
  };

  const entriesOf = async (ids: number[]) =>
    (
      await t.db.query<{ entity_id: string }>(
        sql`SELECT entity_id FROM audit_log WHERE action = 'probe.create'
            AND entity_id = ANY(${ids.map(String)}::text[]) ORDER BY seq`,
      )
    ).map((r) => Number(r.entity_id));
  const rowsOf = async (ids: number[]) =>
    (
      await t.db.query<{ id: number }>(
        sql`SELECT id FROM probe WHERE id = ANY(${ids}::int[]) ORDER BY id`,
      )
    ).map((r) => r.id);

  it('commits 60 concurrent writes with their entries, in one chain that verifies', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => 100 + i);
    const seqBefore = await t.db.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_log`,
    );
    expect(await Promise.all(ids.map((id) => write(id)))).toEqual(ids);
    expect(await rowsOf(ids)).toEqual(ids);
    // In the order the writes were asked for.
    expect(await entriesOf(ids)).toEqual(ids);
    const [after] = await t.db.query<{ n: number; max: number }>(
      sql`SELECT count(*)::int AS n, max(seq)::int AS max FROM audit_log`,
    );
    expect(after!.n).toBe(seqBefore[0]!.n + 60);
    expect(after!.max).toBe(after!.n);
    expect(await audit.verify()).toMatchObject({ ok: true, checked: after!.n });
  });

  it('rolls back only the write that throws, its entry included', async () => {
    const b = blocker();
    const ok1 = write(201);
    const bad = write(202, 1, () => Promise.reject(new Error('refused by the probe')));
    const dbError = write(203, 1, async (tx) => {
      await tx.query(sql`SELECT 1 / 0`);
    });
    const ok2 = write(204);
    b.release();
    await b.done;
    await expect(bad).rejects.toThrow('refused by the probe');
    await expect(dbError).rejects.toThrow(/division by zero/);
    expect(await ok1).toBe(201);
    expect(await ok2).toBe(204);
    expect(await rowsOf([201, 202, 203, 204])).toEqual([201, 204]);
    expect(await entriesOf([201, 202, 203, 204])).toEqual([201, 204]);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('fails every write of the group when the commit fails, and loses nothing else', async () => {
    const b = blocker();
    const a = write(301);
    // Refused only at COMMIT (a deferred foreign key): the whole group is rolled back.
    const c = write(302, 999);
    const d = write(303);
    b.release();
    await b.done;
    for (const p of [a, c, d]) await expect(p).rejects.toThrow(/foreign key/);
    expect(await rowsOf([301, 302, 303])).toEqual([]);
    expect(await entriesOf([301, 302, 303])).toEqual([]);
    // The next writes go through, on an intact chain.
    expect(await Promise.all([write(301), write(303)])).toEqual([301, 303]);
    expect(await entriesOf([301, 303])).toEqual([301, 303]);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('interleaves with plain audited transactions on the same chain', async () => {
    const plain = (id: number) =>
      t.db.transaction(async (tx) => {
        await tx.query(sql`INSERT INTO probe (id, ref) VALUES (${id}, 1)`);
        await audit.record(tx, systemActor, {
          action: 'probe.create',
          entityType: 'probe',
          entityId: String(id),
        });
      });
    const ids = Array.from({ length: 30 }, (_, i) => 400 + i);
    await Promise.all(ids.map((id) => (id % 3 === 0 ? plain(id) : write(id))));
    expect(await rowsOf(ids)).toEqual(ids);
    expect((await entriesOf(ids)).sort()).toEqual(ids);
    expect((await audit.verify()).ok).toBe(true);
  });
});
