/**
 * The leased queue under the alerts' and the reports' outboxes, on a table of
 * its own: four workers draining one table at the same time deliver each row
 * once; a worker that died holding a row loses it when its lease ends, and
 * its late outcome is not written over the next attempt's; a failure is retried after the backoff and dead after the last attempt, a
 * permanent failure at once; a skip is kept with its reason.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDb, openTestDb, type TestDb } from '../support/db.js';
import { createLogger } from '../../src/core/logger.js';
import { sql } from '../../src/core/db/sql.js';
import {
  LeasedQueue,
  PermanentFailure,
  type DeliveryOutcome,
  type LeasedRow,
} from '../../src/core/leased-queue.js';
import { FakeClock } from '../support/clock.js';

interface Row extends LeasedRow {
  payload: string;
}

describeEachDb('core: the leased queue', (kind) => {
  let testDb: TestDb;
  const clock = new FakeClock();
  const log = createLogger('silent');

  beforeAll(async () => {
    testDb = await openTestDb(kind);
    await testDb.db.exec(`
      CREATE TABLE test_queue (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel text NOT NULL DEFAULT 'test',
        payload text NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_error text,
        finished_at timestamptz
      )`);
  });
  afterAll(() => testDb.drop());
  beforeEach(() => testDb.db.exec('DELETE FROM test_queue'));

  const add = (payloads: string[]) =>
    testDb.db.query(sql`
      INSERT INTO test_queue (payload, next_attempt_at)
      SELECT p, ${clock.now()} FROM unnest(${payloads}::text[]) p`);
  const rows = () =>
    testDb.db.query<{
      payload: string;
      status: string;
      attempts: number;
      last_error: string | null;
      next_attempt_at: Date;
    }>(sql`
      SELECT payload, status, attempts, last_error, next_attempt_at FROM test_queue
      ORDER BY payload`);
  const queue = (
    deliver: (row: Row) => Promise<string | undefined>,
    outcomes: DeliveryOutcome[] = [],
  ) =>
    new LeasedQueue<Row>({
      db: testDb.db,
      clock,
      log,
      table: 'test_queue',
      returning: 'id, channel, payload, attempts',
      deliver,
      outcome: (_row, o) => outcomes.push(o),
      maxAttempts: 3,
      backoffMs: 1000,
      leaseMs: 60_000,
      batch: 7,
      what: 'test delivery',
    });

  it('delivers each row once with four workers draining the table together', async () => {
    const payloads = Array.from({ length: 400 }, (_, i) => `m${String(i).padStart(3, '0')}`);
    await add(payloads);
    const seen: string[] = [];
    const slow = async (row: Row) => {
      await new Promise((r) => setTimeout(r, 2));
      seen.push(row.payload);
      return undefined;
    };
    const tried = await Promise.all([1, 2, 3, 4].map(() => queue(slow).drainOnce()));
    expect(tried.reduce((a, b) => a + b)).toBe(400);
    expect(seen.sort()).toEqual(payloads);
    expect(new Set((await rows()).map((r) => `${r.status}/${r.attempts}`))).toEqual(
      new Set(['delivered/1']),
    );
  });

  it('takes a row back from a worker stuck with it once its lease is over; its late outcome is dropped', async () => {
    await add(['held']);
    // A worker claims the row and never finishes it (its process died).
    let fail!: () => void;
    const stuck = queue(
      () => new Promise((_, reject) => (fail = () => reject(new PermanentFailure('too late')))),
    );
    const dying = stuck.drainOnce();
    await expect.poll(() => fail).toBeTypeOf('function');
    const other: string[] = [];
    const second = queue((row) => {
      other.push(row.payload);
      return Promise.resolve(undefined);
    });
    expect(await second.drainOnce()).toBe(0);
    clock.advance(60_001);
    expect(await second.drainOnce()).toBe(1);
    expect(other).toEqual(['held']);
    expect(await rows()).toMatchObject([{ status: 'delivered', attempts: 2, last_error: null }]);
    // The first worker's late outcome (a failure) is not written over the second's.
    fail();
    await dying;
    expect(await rows()).toMatchObject([{ status: 'delivered', attempts: 2, last_error: null }]);
  });

  it('retries after the backoff, dead after the last attempt; a permanent failure at once', async () => {
    await add(['flaky', 'gone', 'nobody']);
    const outcomes: DeliveryOutcome[] = [];
    const q = queue((row) => {
      if (row.payload === 'nobody') return Promise.resolve('no one to tell');
      if (row.payload === 'gone')
        return Promise.reject(new PermanentFailure('the receiver no longer exists'));
      return Promise.reject(new Error('gateway timed out', { cause: { code: 'ETIMEDOUT' } }));
    }, outcomes);
    const t0 = clock.now().getTime();
    expect(await q.drainOnce()).toBe(3);
    expect(await rows()).toEqual([
      {
        payload: 'flaky',
        status: 'pending',
        attempts: 1,
        last_error: 'gateway timed out (ETIMEDOUT)',
        next_attempt_at: new Date(t0 + 1000),
      },
      {
        payload: 'gone',
        status: 'dead',
        attempts: 1,
        last_error: 'the receiver no longer exists',
        next_attempt_at: new Date(t0 + 60_000),
      },
      {
        payload: 'nobody',
        status: 'skipped',
        attempts: 1,
        last_error: 'no one to tell',
        next_attempt_at: new Date(t0 + 60_000),
      },
    ]);
    // Not due before its backoff; then 2 s after the second failure; dead at the third.
    clock.advance(999);
    expect(await q.drainOnce()).toBe(0);
    clock.advance(1);
    expect(await q.drainOnce()).toBe(1);
    expect((await rows())[0]).toMatchObject({
      status: 'pending',
      attempts: 2,
      next_attempt_at: new Date(t0 + 1000 + 2000),
    });
    clock.advance(2000);
    expect(await q.drainOnce()).toBe(1);
    expect((await rows())[0]).toMatchObject({ status: 'dead', attempts: 3 });
    expect(outcomes.sort()).toEqual(['dead', 'dead', 'retry', 'retry', 'skipped']);
  });

  it('refuses a table name that is not a plain identifier', () => {
    expect(
      () =>
        new LeasedQueue<Row>({
          db: testDb.db,
          clock,
          log,
          table: 'test_queue; DROP TABLE reports',
          returning: '*',
          deliver: () => Promise.resolve(undefined),
          maxAttempts: 1,
          backoffMs: 1,
          what: 'test delivery',
        }),
    ).toThrow(/bad queue table name/);
  });
});
