/**
 * The event writer: seqs follow commit order even with two writers (as two
 * processes) on one database — a reader never sees a higher seq before a lower
 * one — and a full queue answers "busy" at once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb, openTestDb, type TestDb } from '../support/db.js';
import { sql } from '../../src/core/db/sql.js';
import { Metrics } from '../../src/core/metrics.js';
import { createLogger } from '../../src/core/logger.js';
import { newId } from '../../src/core/ids.js';
import { InProcessBus } from '../../src/bus/in-process.js';
import { BusyError, EventWriter, type WriteOutcome } from '../../src/events/writer.js';
import type { NewEvent } from '../../src/events/events.repo.js';
import type { StoredEvent } from '@cityops/contracts';
import { buildAsset, pickWards } from './factories.js';

const log = createLogger('silent');

function events(n: number, assetId: string, deviceId: string, eventIds?: string[]): NewEvent[] {
  const now = new Date();
  return Array.from({ length: n }, (_, i) => ({
    id: newId(),
    deviceId,
    assetId,
    source: 'system',
    type: 'test.tick',
    observedAt: now,
    receivedAt: now,
    data: { i },
    deviceEventId: eventIds?.[i] ?? null,
  }));
}

describeEachDb('event writer', (kind) => {
  let testDb: TestDb;
  let assetId: string;
  beforeAll(async () => {
    testDb = await openTestDb(kind);
    const [ward] = await pickWards(testDb.db, 1);
    assetId = (await buildAsset(testDb.db, { ward: ward! })).id;
  });
  afterAll(() => testDb.drop());

  it('gives dense seqs in commit order across two concurrent writers', async () => {
    const { db } = testDb;
    const buses = [new InProcessBus(log), new InProcessBus(log)];
    const published: StoredEvent[][] = [[], []];
    await buses[0]!.subscribe((e) => void published[0]!.push(...e));
    await buses[1]!.subscribe((e) => void published[1]!.push(...e));
    const writers = buses.map(
      (bus) =>
        new EventWriter(db, bus, log, new Metrics({ defaultMetrics: false }), { maxBatch: 50 }),
    );
    const [start] = await db.query<{ m: number }>(
      sql`SELECT COALESCE(max(seq), 0) AS m FROM events`,
    );
    let observing = true;
    const holes: string[] = [];
    const observer = (async () => {
      while (observing) {
        const [r] = await db.query<{ n: number; lo: number | null; hi: number | null }>(
          sql`SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM events WHERE seq > ${start!.m}`,
        );
        if (r && r.hi !== null && r.lo !== null && r.n !== r.hi - r.lo + 1) {
          holes.push(`${r.n} rows between ${r.lo} and ${r.hi}`);
        }
        await new Promise((res) => setImmediate(res));
      }
    })();
    const devices = Array.from({ length: 8 }, () => newId());
    const calls: Array<Promise<WriteOutcome[]>> = [];
    for (let round = 0; round < 15; round++) {
      devices.forEach((deviceId, i) => {
        const writer = writers[i % 2]!;
        calls.push(writer.write(events(1 + ((round * 7 + i) % 20), assetId, deviceId)));
      });
    }
    const outcomes = (await Promise.all(calls)).flat();
    observing = false;
    await observer;
    await Promise.all(writers.map((w) => w.close()));

    expect(holes).toEqual([]);
    const seqs = outcomes.map((o) => o.seq).sort((x, y) => x - y);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs[0]).toBe(start!.m + 1);
    expect(seqs[seqs.length - 1]).toBe(start!.m + seqs.length);
    // Each writer publishes in its own commit order.
    for (const p of published) {
      const s = p.map((e) => e.seq);
      expect(s).toEqual([...s].sort((x, y) => x - y));
    }
    expect(published[0]!.length + published[1]!.length).toBe(seqs.length);
  });

  it('stores a repeated device event once, even from two writers at the same time', async () => {
    const { db } = testDb;
    const bus = new InProcessBus(log);
    const w1 = new EventWriter(db, bus, log, new Metrics({ defaultMetrics: false }));
    const w2 = new EventWriter(db, bus, log, new Metrics({ defaultMetrics: false }));
    const deviceId = newId();
    const [x, y] = await Promise.all([
      w1.write(events(2, assetId, deviceId, ['a', 'b'])),
      w2.write(events(2, assetId, deviceId, ['b', 'c'])),
    ]);
    const all = [...x, ...y];
    expect(all.filter((o) => o.duplicate)).toHaveLength(1);
    const [row] = await db.query<{ n: number }>(
      sql`SELECT count(*) AS n FROM events WHERE device_id = ${deviceId}`,
    );
    expect(row!.n).toBe(3);
    await Promise.all([w1.close(), w2.close()]);
  });

  it('answers busy at once when its queue is full', async () => {
    const writer = new EventWriter(
      testDb.db,
      new InProcessBus(log),
      log,
      new Metrics({ defaultMetrics: false }),
      { maxQueue: 10 },
    );
    const deviceId = newId();
    const first = writer.write(events(8, assetId, deviceId));
    await expect(writer.write(events(8, assetId, deviceId))).rejects.toBeInstanceOf(BusyError);
    expect(await first).toHaveLength(8);
    await writer.close();
  });
});
