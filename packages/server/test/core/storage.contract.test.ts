/**
 * The storage contract: what every module may rely on from the database,
 * checked on PGlite and on PostgreSQL+PostGIS alike.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb, openTestDb, type TestDb } from '../support/db.js';
import { sql } from '../../src/core/db/sql.js';
import { migrate, loadMigrations } from '../../src/core/db/migrate.js';

describeEachDb('storage contract', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(kind);
    await t.db.exec(
      `CREATE TABLE contract_t (id int PRIMARY KEY, n bigint, d date, at timestamptz, j jsonb, g geometry(Point, 4326), tags text[], b bytea)`,
    );
  });
  afterAll(() => t.drop());

  it('applies every migration once and is idempotent', async () => {
    const files = await loadMigrations();
    const rows = await t.db.query<{ version: number }>(
      sql`SELECT version FROM schema_migrations ORDER BY version`,
    );
    expect(rows.map((r) => r.version)).toEqual(files.map((m) => m.version));
    expect(await migrate(t.db)).toEqual([]);
  });

  it('returns the same JavaScript types on both databases', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    await t.db.query(sql`
      INSERT INTO contract_t VALUES (1, 9007199254740991, '2025-07-01', ${at}, ${JSON.stringify({ a: [1, 'x'] })}::jsonb,
        ST_SetSRID(ST_MakePoint(105.84, 21.59), 4326), ${['a', 'b']})`);
    const [row] = await t.db.query<{
      n: number;
      d: string;
      at: Date;
      j: unknown;
      tags: string[];
      count: number;
      gj: { type: string; coordinates: number[] };
    }>(
      sql`SELECT n, d, at, j, tags, (SELECT count(*) FROM contract_t) AS count, ST_AsGeoJSON(g)::json AS gj FROM contract_t WHERE id = 1`,
    );
    expect(row!.n).toBe(9007199254740991);
    expect(row!.d).toBe('2025-07-01');
    expect(row!.at).toBeInstanceOf(Date);
    expect(row!.at.toISOString()).toBe(at.toISOString());
    expect(row!.j).toEqual({ a: [1, 'x'] });
    expect(row!.tags).toEqual(['a', 'b']);
    expect(row!.count).toBe(1);
    expect(row!.gj).toEqual({ type: 'Point', coordinates: [105.84, 21.59] });
  });

  it('takes and returns bytes as a Uint8Array', async () => {
    const bytes = new Uint8Array([0, 1, 127, 128, 255]);
    // A Buffer too, and one that is a slice of a larger one.
    const slice = Buffer.from([9, 8, 7, 6, 5, 4]).subarray(1, 3);
    await t.db.query(sql`INSERT INTO contract_t (id, b) VALUES (2, ${bytes}), (3, ${slice})`);
    const rows = await t.db.query<{ b: Uint8Array; same: boolean }>(
      sql`SELECT b, b = ${Buffer.from(bytes)} AS same FROM contract_t WHERE id IN (2, 3) ORDER BY id`,
    );
    expect(rows[0]!.b).toBeInstanceOf(Uint8Array);
    expect([...rows[0]!.b]).toEqual([...bytes]);
    expect(rows[0]!.same).toBe(true);
    expect([...rows[1]!.b]).toEqual([8, 7]);
  });

  it('keeps PostgreSQL error fields on an error inside a transaction', async () => {
    await t.db.query(sql`INSERT INTO contract_t (id) VALUES (5)`);
    const err = await t.db
      .transaction(async (tx) => {
        await tx.query(sql`INSERT INTO contract_t (id) VALUES (6)`);
        await tx.query(sql`INSERT INTO contract_t (id) VALUES (5)`);
      })
      .then(
        () => undefined,
        (e: unknown) => e as Error & Record<string, unknown>,
      );
    // Callers map these to answers (a unique violation is a 409).
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/duplicate key value violates unique constraint/);
    expect(err!.code).toBe('23505');
    expect(err!.constraint).toBe('contract_t_pkey');
    expect(err!.table).toBe('contract_t');
    expect(err!.detail).toBe('Key (id)=(5) already exists.');
    const ids = await t.db.query<{ id: number }>(
      sql`SELECT id FROM contract_t WHERE id IN (5, 6) ORDER BY id`,
    );
    expect(ids.map((r) => r.id)).toEqual([5]);
  });

  it('commits a transaction as a whole and rolls it back on error', async () => {
    await t.db.transaction(async (tx) => {
      await tx.query(sql`INSERT INTO contract_t (id) VALUES (10)`);
      await tx.query(sql`INSERT INTO contract_t (id) VALUES (11)`);
    });
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query(sql`INSERT INTO contract_t (id) VALUES (12)`);
        await tx.query(sql`INSERT INTO contract_t (id) VALUES (10)`); // duplicate key
      }),
    ).rejects.toThrow();
    const ids = await t.db.query<{ id: number }>(
      sql`SELECT id FROM contract_t WHERE id >= 10 ORDER BY id`,
    );
    expect(ids.map((r) => r.id)).toEqual([10, 11]);
  });

  it('keeps values out of the SQL text', async () => {
    const evil = "x'); DROP TABLE contract_t; --";
    const [row] = await t.db.query<{ v: string }>(sql`SELECT ${evil}::text AS v`);
    expect(row!.v).toBe(evil);
    expect((await t.db.query(sql`SELECT 1 FROM contract_t LIMIT 1`)).length).toBe(1);
  });

  it('serialises concurrent transactions on an advisory lock', async () => {
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        t.db.transaction(async (tx) => {
          await tx.query(sql`SELECT pg_advisory_xact_lock(4242)`);
          order.push(`${name}+`);
          await tx.query(sql`SELECT pg_sleep(0.02)`);
          order.push(`${name}-`);
        }),
      ),
    );
    // Each transaction's start and end are adjacent: none interleaved.
    for (let i = 0; i < order.length; i += 2)
      expect(order[i]!.slice(0, 1)).toBe(order[i + 1]!.slice(0, 1));
  });

  it('has the PostGIS functions the modules use', async () => {
    const [row] = await t.db.query<{ d: number; valid: boolean; reason: string; env: string }>(sql`
      SELECT ST_Distance(ST_MakePoint(105.84, 21.59)::geography, ST_MakePoint(105.85, 21.59)::geography) AS d,
             ST_IsValid(ST_GeomFromGeoJSON('{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}')) AS valid,
             ST_IsValidReason(ST_GeomFromGeoJSON('{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}')) AS reason,
             ST_AsText(ST_Transform(ST_SetSRID(ST_MakePoint(105.84, 21.59), 4326), 3857)) AS env`);
    expect(row!.d).toBeGreaterThan(1030);
    expect(row!.d).toBeLessThan(1040);
    expect(row!.valid).toBe(false);
    expect(row!.reason).toMatch(/Self-intersection/);
    expect(row!.env).toMatch(/^POINT\(11782/);
  });

  it('says whether it can render vector tiles itself', () => {
    // PGlite's PostGIS is built without protobuf; PostgreSQL's has it.
    expect(t.db.capabilities.mvt).toBe(kind === 'postgres');
  });
});
