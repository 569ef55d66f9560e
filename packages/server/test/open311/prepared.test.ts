/**
 * The Open311 list query on PostgreSQL: kept prepared per shape and, after the
 * planner's five custom plans, run on its one generic plan (no planning per
 * page), with the same answers whatever the values bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/core/db/sql.js';
import type { Db } from '../../src/core/db/db.js';
import { openPostgres } from '../../src/core/db/postgres.js';
import { listRequests } from '../../src/open311/open311.repo.js';
import { openTestDb, postgresEnabled, type TestDb } from '../support/db.js';

describe.skipIf(!postgresEnabled())('open311: the list query prepared [postgres]', () => {
  let test: TestDb;
  let one: Db;

  beforeAll(async () => {
    test = await openTestDb('postgres');
    await test.db.query(sql`
      INSERT INTO reports (status, category_code, description, channel, deadline_class, due_date,
        deadline_at, created_at, updated_at)
      SELECT (ARRAY['received', 'closed'])[1 + i % 2], (ARRAY['road_damage', 'noise'])[1 + i % 3 % 2],
        'report ' || i, 'staff', 'normal', '2026-03-20', '2026-03-20T10:00:00Z',
        timestamptz '2026-03-01T00:00:00Z' + i * interval '1 hour',
        timestamptz '2026-03-01T00:00:00Z' + i * interval '1 hour'
      FROM generate_series(1, 60) i`);
    // One connection, to see its prepared statements.
    one = await openPostgres({ url: test.url!, max: 1 });
  });
  afterAll(async () => {
    await one?.close();
    await test?.drop();
  });

  it('plans each shape once, then binds and runs it with any values', async () => {
    const start = new Date('2026-03-01T00:00:00Z');
    const end = new Date('2026-03-04T00:00:00Z');
    const page = (categories: string[], open: boolean, offset = 0) =>
      listRequests(one, { categories, open, start, end, limit: 5, offset });
    for (let i = 0; i < 7; i++) await page(['road_damage'], true);
    const [stats] = await one.query<{ generic_plans: number; custom_plans: number }>(sql`
      SELECT generic_plans, custom_plans FROM pg_prepared_statements
      WHERE name LIKE 'open311_requests_%' AND statement LIKE '%r.is_open =%'`);
    expect(stats!.generic_plans).toBeGreaterThanOrEqual(1);

    // The generic plan answers as the values say, page by page.
    const expected = async (category: string, open: boolean, offset: number) =>
      (
        await test.db.query<{ id: number }>(sql`
          SELECT id FROM reports WHERE category_code = ${category} AND is_open = ${open}
            AND created_at BETWEEN ${start} AND ${end}
          ORDER BY created_at DESC, id DESC LIMIT 5 OFFSET ${offset}`)
      ).map((r) => r.id);
    for (const [category, open, offset] of [
      ['noise', false, 0],
      ['noise', true, 5],
      ['road_damage', false, 10],
    ] as const) {
      const got = await page([category], open, offset);
      expect(got.length).toBeGreaterThan(0);
      expect(got.every((r) => r.category_code === category && r.is_open === open)).toBe(true);
      expect(got.map((r) => r.id)).toEqual(await expected(category, open, offset));
    }
  });
});
