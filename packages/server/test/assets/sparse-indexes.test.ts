/**
 * The tags and agency indexes hold only the assets that have tags or an
 * agency (migration 0056). A list filtered by tag, by agency, or in the scope
 * of an agency's officer must still read them: each plan is asked with
 * sequential scans discouraged, and must name the index. The filter's answers
 * are checked too (untagged assets and assets without an agency never match).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb, openTestDb, planOf, type TestDb } from '../support/db.js';
import type { Scope } from '../../src/core/auth/principal.js';
import type { ResolvedFilter } from '../../src/assets/filters.js';
import { listJsonQuery } from '../../src/assets/assets.repo.js';

describeEachDb('assets: the sparse tags and agency indexes', (kind) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb(kind);
    const db = testDb.db;
    await db.exec(
      `INSERT INTO agencies (code, name_vi, name_en) VALUES ('SPARSE-AG', 'Đơn vị', 'Agency')`,
    );
    // 2,000 assets: every 100th tagged "flood", every 50th the agency's.
    await db.exec(`
      INSERT INTO assets (id, type, code, name, geom, admin_unit_code, agency_code, tags, search_text)
      SELECT gen_random_uuid(), 'sensor', 'SPARSE-' || i, 'Sparse ' || i,
        ST_SetSRID(ST_MakePoint(105.84 + i * 1e-5, 21.59), 4326), '19-phuong-phan-dinh-phung',
        CASE WHEN i % 50 = 0 THEN 'SPARSE-AG' END,
        CASE WHEN i % 100 = 0 THEN ARRAY['flood'] ELSE '{}'::text[] END, 'sparse-' || i
      FROM generate_series(1, 2000) i`);
    await db.exec('ANALYZE assets');
  });
  afterAll(() => testDb.drop());

  /** The plan of a list query, with sequential scans discouraged. */
  const planOfList = (f: ResolvedFilter, scope: Scope) =>
    planOf(testDb.db, ['SET LOCAL enable_seqscan = off'], (explain) =>
      explain.query(listJsonQuery(f, scope, { limit: 51 })),
    );

  it('a tag filter reads the tags index', async () => {
    expect(await planOfList({ tags: ['flood'] }, { all: true })).toContain('assets_tags_idx');
  });

  it('an agency filter and an agency officer’s scope read the agency index', async () => {
    expect(await planOfList({ agency: 'SPARSE-AG' }, { all: true })).toContain('assets_agency_idx');
    expect(await planOfList({}, { all: false, units: [], agencies: ['SPARSE-AG'] })).toContain(
      'assets_agency_idx',
    );
  });

  it('answers the tagged and the agency’s assets only', async () => {
    const count = async (f: ResolvedFilter, scope: Scope = { all: true }) =>
      (await testDb.db.query(listJsonQuery(f, scope, { limit: 1000 }))).length;
    expect(await count({ tags: ['flood'], q: 'sparse' })).toBe(20);
    expect(await count({ agency: 'SPARSE-AG' })).toBe(40);
    expect(await count({}, { all: false, units: [], agencies: ['SPARSE-AG'] })).toBe(40);
  });
});
