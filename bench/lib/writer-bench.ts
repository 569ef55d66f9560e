/**
 * A closer look at the event writer alone, without MQTT or HTTP: the time of
 * one write of N events (N = 100, 250, 500, 1,000, 2,000) through storeEvents
 * the way the writer runs it, and through the EventWriter itself (queue,
 * commit, outcomes), beside a plain INSERT … unnest of the same rows with the
 * sequence advanced in the same transaction. Rounds are interleaved so that
 * every variant sees the same moments of a noisy machine; medians (and p90)
 * are printed with the load average.
 *
 *   node --conditions=source --import tsx bench/lib/writer-bench.ts [postgres|pglite|both] [rounds]
 *
 * PostgreSQL: CITYOPS_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 * To compare with another version of the writer, CITYOPS_BENCH_WRITER_BEFORE names a
 * module (say a copy of an earlier writer.ts) whose storeEvents(tx, events) runs in a
 * transaction beside this one.
 */
import path from 'node:path';
import type { Db } from '../../packages/server/src/core/db/db.js';
import { sql } from '../../packages/server/src/core/db/sql.js';
import { newId } from '../../packages/server/src/core/ids.js';
import { createLogger } from '../../packages/server/src/core/logger.js';
import { Metrics } from '../../packages/server/src/core/metrics.js';
import { InProcessBus } from '../../packages/server/src/bus/in-process.js';
import * as writerModule from '../../packages/server/src/events/writer.js';
import type { NewEvent } from '../../packages/server/src/events/events.repo.js';
import { freshDb } from '../support.js';
import { loadAverage } from './cpu.js';
import { plainInsert } from './writer-reference.js';

const SIZES = [100, 250, 500, 1000, 2000];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function makeAssets(db: Db, n: number): Promise<string[]> {
  const tag = `W${Date.now().toString(36)}`;
  const rows = await db.query<{ id: string }>(sql`
    INSERT INTO assets (id, type, code, name, geom, properties, status, search_text, admin_unit_code)
    SELECT gen_random_uuid(), 'sensor', ${tag} || '-' || i, 'Sensor ' || i, g, '{}', 'online',
      lower(${tag} || '-' || i), admin_unit_at(g, current_date)
    FROM (
      SELECT i, ST_SetSRID(ST_MakePoint(105.78 + (i % 40) * 0.003, 21.55 + (i / 40) * 0.002), 4326) AS g
      FROM generate_series(1, ${n}::int) i
    ) p
    RETURNING id`);
  return rows.map((r) => r.id);
}

async function run(kind: 'postgres' | 'pglite', rounds: number): Promise<void> {
  const url =
    process.env.CITYOPS_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const b = await freshDb(kind, url);
  const log = createLogger('silent');
  try {
    const assets = await makeAssets(b.db, 300);
    const devices = assets.map(() => newId());
    let n = 0;
    const batch = (size: number): NewEvent[] => {
      const now = new Date();
      return Array.from({ length: size }, () => {
        const k = n++ % assets.length;
        return {
          id: newId(),
          deviceId: devices[k]!,
          assetId: assets[k]!,
          source: 'mqtt',
          type: 'env.reading',
          observedAt: now,
          receivedAt: now,
          data: { pm25: 12.3, temperature: 27.1, humidity: 65.2, sentAt: Date.now() },
          deviceEventId: `wb-${process.pid}-${n}`,
        };
      });
    };
    // Let the table hold some history first (indexes with depth, as in service).
    for (let i = 0; i < 20; i++) {
      const e = batch(1000);
      await writerModule.storeEvents(b.db, e);
    }
    const writer = new writerModule.EventWriter(
      b.db,
      new InProcessBus(log),
      log,
      new Metrics({ defaultMetrics: false }),
      { maxBatch: 100_000 },
    );
    const beforePath = process.env.CITYOPS_BENCH_WRITER_BEFORE;
    const before = beforePath
      ? ((await import(path.resolve(beforePath))) as Pick<typeof writerModule, 'storeEvents'>)
      : undefined;
    const times = new Map<string, number[]>();
    const add = (k: string, ms: number) => times.set(k, [...(times.get(k) ?? []), ms]);
    const load0 = loadAverage();
    for (let r = 0; r < rounds; r++) {
      for (const size of SIZES) {
        let t: number;
        if (before) {
          const o = batch(size);
          t = performance.now();
          await b.db.transaction((tx) => before.storeEvents(tx, o));
          add(`before: storeEvents in a transaction, ${size}`, performance.now() - t);
        }
        const a = batch(size);
        t = performance.now();
        await writerModule.storeEvents(b.db, a);
        add(`storeEvents as the writer runs it, ${size}`, performance.now() - t);

        const w = batch(size);
        t = performance.now();
        await writer.write(w);
        add(`EventWriter.write, ${size}`, performance.now() - t);

        const e = batch(size);
        t = performance.now();
        await plainInsert(b.db, e);
        add(`plain INSERT … unnest, ${size}`, performance.now() - t);
      }
    }
    await writer.close();
    const [{ rows }] = (await b.db.query(sql`SELECT count(*)::int AS rows FROM events`)) as [
      { rows: number },
    ];
    process.stdout.write(
      `\n${b.label}: ${rounds} rounds, ${rows.toLocaleString('en')} rows at the end; load ${load0} → ${loadAverage()}\n`,
    );
    for (const [k, xs] of times) {
      const size = Number(k.split(', ').pop());
      const med = pct(xs, 50);
      process.stdout.write(
        `  ${k.padEnd(48)} median ${med.toFixed(1).padStart(6)} ms  p90 ${pct(xs, 90).toFixed(1).padStart(6)} ms  ` +
          `${Math.round((size / med) * 1000)
            .toLocaleString('en')
            .padStart(7)} events/s\n`,
      );
    }
  } finally {
    await b.drop();
  }
}

const which = process.argv[2] ?? 'both';
const rounds = Number(process.argv[3] ?? 15);
for (const kind of which === 'both'
  ? (['postgres', 'pglite'] as const)
  : [which as 'postgres' | 'pglite']) {
  await run(kind, rounds);
}
