/**
 * The back office's queue sorted by deadline reads the index on
 * (deadline_at, id) in its order, for the first page and the keyset pages
 * after it, with or without a status filter, instead of sorting every report.
 * The planner is told not to sort when it has another way (a few rows would
 * otherwise be sorted in memory, which is right for a few rows): without a
 * matching index it still has to sort, and the test fails.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb, openTestDb, planOf, type TestDb } from '../support/db.js';
import { sql } from '../../src/core/db/sql.js';
import { listReports, type ListPage, type ResolvedFilter } from '../../src/reports/list.repo.js';

describeEachDb('reports: the deadline-sorted queue uses its index', (kind) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb(kind);
  });
  afterAll(() => testDb.drop());

  /** The plan of the list query listReports builds, with sorting discouraged. */
  const planOfList = (f: ResolvedFilter, page: ListPage, withoutIndex = false) =>
    planOf(
      testDb.db,
      [
        ...(withoutIndex ? ['DROP INDEX reports_deadline_id_idx'] : []),
        'SET LOCAL enable_sort = off',
        'SET LOCAL enable_seqscan = off',
      ],
      (explain) => listReports(explain, f, sql`TRUE`, page, new Date()),
    );

  it('reads reports_deadline_id_idx in order, with no sort step', async () => {
    const cases: Array<[ResolvedFilter, ListPage]> = [
      [{}, { sort: 'deadline', limit: 51 }],
      [
        { statuses: ['received', 'verified', 'assigned', 'in_progress'] },
        { sort: 'deadline', limit: 51 },
      ],
      [
        { statuses: ['assigned'] },
        { sort: 'deadline', limit: 51, afterDeadline: { at: new Date(), id: 12 } },
      ],
    ];
    for (const [f, page] of cases) {
      const plan = await planOfList(f, page);
      expect(plan, plan).toMatch(/Index Scan using reports_deadline_id_idx/);
      expect(plan, plan).not.toMatch(/\bSort\b/);
    }
    // The same query without the index sorts: what the index saves.
    expect(await planOfList(...cases[1]!, true)).toMatch(/\bSort\b/);
    expect(await planOfList(...cases[0]!)).toMatch(/reports_deadline_id_idx/);
  });
});
