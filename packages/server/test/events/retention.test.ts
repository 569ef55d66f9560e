/** Retention per event type, in small batches, one process at a time, with a fake clock. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb, openTestDb, type TestDb } from '../support/db.js';
import { sql } from '../../src/core/db/sql.js';
import { Metrics } from '../../src/core/metrics.js';
import { createLogger } from '../../src/core/logger.js';
import { newId } from '../../src/core/ids.js';
import { InProcessBus } from '../../src/bus/in-process.js';
import { EventWriter } from '../../src/events/writer.js';
import { RetentionJob, retentionDays } from '../../src/events/retention.js';

const log = createLogger('silent');
const DAY = 86_400_000;

it('picks the most specific retention policy', () => {
  const policies = [
    { pattern: '*', days: 90 },
    { pattern: 'heartbeat', days: 30 },
    { pattern: 'fire.*', days: 1825 },
    { pattern: 'fire.alarm.test', days: 7 },
  ];
  expect(retentionDays('heartbeat', policies)).toBe(30);
  expect(retentionDays('fire.alarm', policies)).toBe(1825);
  expect(retentionDays('fire.alarm.test', policies)).toBe(7);
  expect(retentionDays('firefly', policies)).toBe(90);
  expect(retentionDays('env.reading', policies)).toBe(90);
});

describeEachDb('event retention', (kind) => {
  let testDb: TestDb;
  const now = new Date('2030-06-01T00:00:00Z');
  let current = now.getTime();
  const clock = { now: () => new Date(current) };

  beforeAll(async () => {
    testDb = await openTestDb(kind);
    const writer = new EventWriter(
      testDb.db,
      new InProcessBus(log),
      log,
      new Metrics({ defaultMetrics: false }),
    );
    const make = (type: string, daysAgo: number, n: number) =>
      Array.from({ length: n }, () => {
        const at = new Date(now.getTime() - daysAgo * DAY);
        return {
          id: newId(),
          deviceId: null,
          assetId: null,
          source: 'system',
          type,
          observedAt: at,
          receivedAt: at,
          data: {},
          deviceEventId: null,
        };
      });
    await writer.write([
      ...make('heartbeat', 20, 12),
      ...make('heartbeat', 3, 3),
      ...make('env.reading', 100, 7),
      ...make('env.reading', 50, 2),
      ...make('fire.alarm', 400, 2),
      ...make('fire.alarm', 2000, 1),
    ]);
    await writer.close();
  });
  afterAll(() => testDb.drop());

  const counts = async () =>
    Object.fromEntries(
      (
        await testDb.db.query<{ type: string; n: number }>(
          sql`SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY type`,
        )
      ).map((r) => [r.type, r.n]),
    );

  it('deletes what is past its type’s policy, in batches with pauses', async () => {
    const pauses: number[] = [];
    const job = new RetentionJob(testDb.db, clock, log, {
      batchSize: 5,
      pauseMs: 25,
      sleep: (ms) => {
        pauses.push(ms);
        return Promise.resolve();
      },
    });
    const run = await job.runOnce();
    expect(run).toMatchObject({
      ran: true,
      deleted: 20,
      byType: { heartbeat: 12, 'env.reading': 7, 'fire.alarm': 1 },
    });
    // heartbeat 5+5+2, env.reading 5+2, fire.alarm 1: six statements, a pause after each full one.
    expect(run.statements).toBe(6);
    expect(pauses).toEqual([25, 25, 25]);
    expect(await counts()).toEqual({ 'env.reading': 2, 'fire.alarm': 2, heartbeat: 3 });
  });

  it('runs on one process at a time', async () => {
    const other = new RetentionJob(testDb.db, clock, log, { sleep: () => Promise.resolve() });
    expect((await other.runOnce()).ran).toBe(false);
    current += 2 * 3_600_000;
    const later = await other.runOnce();
    expect(later.ran).toBe(true);
    expect(later.deleted).toBe(0);
  });

  it('keeps the sequence going after everything was removed', async () => {
    current += 10 * 365 * DAY;
    const job = new RetentionJob(testDb.db, clock, log, { sleep: () => Promise.resolve() });
    await job.runOnce();
    expect(await counts()).toEqual({});
    const [row] = await testDb.db.query<{ last_seq: number }>(sql`SELECT last_seq FROM event_seq`);
    expect(row!.last_seq).toBe(27);
  });
});
