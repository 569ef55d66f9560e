/**
 * The event store's own speed, without MQTT, HTTP or a busy event loop: the
 * event writer's transaction (storeEvents: sequence lock, dedupe, insert,
 * latest state) on batches of 1,000 events, beside a plain INSERT … unnest of
 * the same rows with the sequence advanced in the same transaction. The first
 * bounds what one writer can store per second on this database; the second
 * is the raw reference measured in the same run.
 */
import type { Db } from '../../packages/server/src/core/db/db.js';
import { sql } from '../../packages/server/src/core/db/sql.js';
import { newId } from '../../packages/server/src/core/ids.js';
import { storeEvents } from '../../packages/server/src/events/writer.js';
import type { NewEvent } from '../../packages/server/src/events/index.js';

const BATCH = 1000;

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

/**
 * The raw reference: the events inserted with INSERT … unnest and the
 * sequence advanced in the same transaction, with none of the writer's work.
 */
export async function plainInsert(db: Db, e: NewEvent[]): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.query<{ last: number }>(
      sql`UPDATE event_seq SET last_seq = last_seq + ${e.length} WHERE id = 1 RETURNING last_seq::bigint AS last`,
    );
    const first = Number(row!.last) - e.length + 1;
    await tx.query(sql`
      INSERT INTO events (seq, id, device_id, asset_id, source, type, observed_at, received_at,
        data, device_event_id)
      SELECT * FROM unnest(
        ${e.map((_, k) => first + k)}::bigint[], ${e.map((x) => x.id)}::uuid[],
        ${e.map((x) => x.deviceId)}::uuid[], ${e.map((x) => x.assetId)}::uuid[],
        ${e.map((x) => x.source)}::text[], ${e.map((x) => x.type)}::text[],
        ${e.map((x) => x.observedAt.toISOString())}::timestamptz[],
        ${e.map((x) => x.receivedAt.toISOString())}::timestamptz[],
        ${e.map((x) => JSON.stringify(x.data))}::jsonb[], ${e.map((x) => x.deviceEventId)}::text[])`);
  });
}

export interface WriterReference {
  /** Milliseconds per transaction of 1,000 events (medians). */
  writerMs: number;
  rawMs: number;
}

export async function writerReference(
  db: Db,
  fleet: Array<{ id: string; assetId: string }>,
  rounds: number,
): Promise<WriterReference> {
  let n = 0;
  const batch = (): NewEvent[] => {
    const now = new Date();
    return Array.from({ length: BATCH }, () => {
      const d = fleet[n++ % fleet.length]!;
      return {
        id: newId(),
        deviceId: d.id,
        assetId: d.assetId,
        source: 'system',
        type: 'env.reading',
        observedAt: now,
        receivedAt: now,
        data: { pm25: 12.3, temperature: 27.1, humidity: 65.2, sentAt: Date.now() },
        deviceEventId: `ref-${process.pid}-${n}`,
      };
    });
  };
  const writer: number[] = [];
  const raw: number[] = [];
  // Interleaved, so that both see the same moments of a noisy machine.
  for (let i = 0; i < rounds; i++) {
    const a = batch();
    const t0 = performance.now();
    await db.transaction((tx) => storeEvents(tx, a));
    writer.push(performance.now() - t0);

    const e = batch();
    const t1 = performance.now();
    await plainInsert(db, e);
    raw.push(performance.now() - t1);
  }
  return { writerMs: median(writer), rawMs: median(raw) };
}
