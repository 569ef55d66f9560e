/**
 * The one event writer of a process. Callers hand it whole submissions (a
 * request, an MQTT message); it writes queued submissions together, up to
 * `maxBatch` events per transaction, and resolves each caller only after
 * COMMIT. Each transaction first locks the sequence counter, so seq order is
 * commit order across every process on the database, and seqs are dense: the
 * stream can tell a gap from a late message. Stored events go on the bus after
 * commit, in commit order.
 *
 * No timer: while one batch is being written the next fills up, so batches grow
 * with load and an idle writer adds no latency. The queue is bounded: when it
 * is full a caller gets `BusyError` at once instead of memory growing.
 */
import type { FastifyBaseLogger } from 'fastify';
import { Gauge } from 'prom-client';
import type { StoredEvent } from '@cityops/contracts';
import type { Db, Queryable } from '../core/db/db.js';
import { UnavailableError } from '../core/errors.js';
import type { Metrics } from '../core/metrics.js';
import type { EventBus } from '../bus/bus.js';
import * as repo from './events.repo.js';
import type { NewEvent, StateChange } from './events.repo.js';

/** What became of one event: stored with its seq, or a repeat of one stored before. */
export type WriteOutcome =
  { seq: number; id: string; duplicate: false } | { seq: number; duplicate: true };

export class BusyError extends UnavailableError {
  constructor() {
    super('The event store is busy; try again shortly.');
  }
}

export interface WriterOptions {
  /** Events per transaction (a submission is never split, so one may exceed it alone). */
  maxBatch?: number;
  /** Events waiting, at most; beyond it callers get BusyError. */
  maxQueue?: number;
}

interface Pending {
  events: NewEvent[];
  resolve(outcomes: WriteOutcome[]): void;
  reject(err: unknown): void;
}

/** Stores events in one transaction (the caller's): dedupe, seq, insert, latest state. */
export async function storeEvents(
  tx: Queryable,
  events: readonly NewEvent[],
): Promise<{ outcomes: WriteOutcome[]; stored: StoredEvent[] }> {
  const last = await repo.lockSequence(tx);
  const keyOf = (deviceId: string, eventId: string) => `${deviceId}\u0000${eventId}`;
  const keys = events.flatMap((e) =>
    e.deviceId && e.deviceEventId
      ? [{ device_id: e.deviceId, device_event_id: e.deviceEventId }]
      : [],
  );
  const seen = new Map<string, number>(
    (await repo.findStored(tx, keys)).map((r) => [keyOf(r.device_id, r.device_event_id), r.seq]),
  );
  const outcomes: WriteOutcome[] = [];
  const fresh: Array<NewEvent & { seq: number }> = [];
  let seq = last;
  for (const e of events) {
    const key = e.deviceId && e.deviceEventId ? keyOf(e.deviceId, e.deviceEventId) : null;
    const earlier = key ? seen.get(key) : undefined;
    if (earlier !== undefined) {
      outcomes.push({ seq: earlier, duplicate: true });
      continue;
    }
    seq += 1;
    if (key) seen.set(key, seq);
    fresh.push({ ...e, seq });
    outcomes.push({ seq, id: e.id, duplicate: false });
  }
  if (fresh.length === 0) return { outcomes, stored: [] };
  const placed = await repo.insertEvents(tx, fresh);
  if (placed.length !== fresh.length) {
    // Cannot happen while every writer holds the counter lock; refuse rather than leave holes.
    throw new Error(`stored ${placed.length} of ${fresh.length} events; the batch is rolled back`);
  }
  await repo.advanceSequence(tx, seq);
  await repo.upsertAssetState(tx, stateChanges(fresh));
  const bySeq = new Map(placed.map((p) => [p.seq, p]));
  const stored = fresh.map((e) => {
    const p = bySeq.get(e.seq);
    return repo.toStoredEvent({
      seq: e.seq,
      id: e.id,
      device_id: e.deviceId,
      asset_id: e.assetId,
      source: e.source,
      type: e.type,
      observed_at: e.observedAt,
      received_at: e.receivedAt,
      data: e.data,
      device_event_id: e.deviceEventId,
      admin_unit_code: p?.admin_unit_code ?? null,
      agency_code: p?.agency_code ?? null,
      asset_type: p?.asset_type ?? null,
    });
  });
  return { outcomes, stored };
}

/** Per asset: the newest event of each type in the batch, and the latest times. */
export function stateChanges(events: ReadonlyArray<NewEvent & { seq: number }>): StateChange[] {
  const byAsset = new Map<string, StateChange>();
  for (const e of events) {
    // Alert changes (source `rule`) are about an asset, not heard from it.
    if (!e.assetId || e.source === 'rule') continue;
    const at = e.observedAt.toISOString();
    const received = e.receivedAt.toISOString();
    let s = byAsset.get(e.assetId);
    if (!s) {
      s = {
        asset_id: e.assetId,
        last_event_seq: e.seq,
        last_event_at: at,
        last_seen_at: received,
        latest: {},
      };
      byAsset.set(e.assetId, s);
    }
    s.last_event_seq = Math.max(s.last_event_seq, e.seq);
    if (at > s.last_event_at) s.last_event_at = at;
    if (received > s.last_seen_at) s.last_seen_at = received;
    const prev = s.latest[e.type];
    if (!prev || prev.at <= at) s.latest[e.type] = { at, seq: e.seq, data: e.data };
  }
  return [...byAsset.values()];
}

export class EventWriter {
  private readonly queue: Pending[] = [];
  private queued = 0;
  private running = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private finishIdle: () => void = () => undefined;
  private published: Promise<void> = Promise.resolve();
  private readonly maxBatch: number;
  private readonly maxQueue: number;
  private readonly batchSize;
  private readonly writeSeconds;
  private readonly depth: Gauge;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly log: FastifyBaseLogger,
    metrics: Metrics,
    opts: WriterOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 1000;
    this.maxQueue = opts.maxQueue ?? 20_000;
    this.batchSize = metrics.histogram({
      name: 'cityops_events_write_batch_size',
      help: 'Events per write transaction',
      buckets: [1, 5, 20, 50, 100, 250, 500, 1000, 2000],
    });
    this.writeSeconds = metrics.histogram({
      name: 'cityops_events_write_seconds',
      help: 'Time of one event write transaction',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    });
    this.depth = new Gauge({
      name: 'cityops_events_queue_depth',
      help: 'Events waiting to be written',
      registers: [metrics.registry],
      collect: () => this.depth.set(this.queued),
    });
  }

  /** Stores the events together (all or none); resolves after commit. */
  write(events: NewEvent[]): Promise<WriteOutcome[]> {
    if (this.closed) return Promise.reject(new UnavailableError('CityOps is shutting down.'));
    if (events.length === 0) return Promise.resolve([]);
    if (this.queued > 0 && this.queued + events.length > this.maxQueue) {
      return Promise.reject(new BusyError());
    }
    return new Promise<WriteOutcome[]>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.queued += events.length;
      if (!this.running) {
        this.running = true;
        this.idle = new Promise((r) => (this.finishIdle = r));
        // Let submissions of the same tick join the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Stops taking events and waits for the queued ones and their publishing. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle;
    await this.published;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch: Pending[] = [];
      let size = 0;
      while (this.queue.length > 0) {
        const next = this.queue[0]!;
        if (batch.length > 0 && size + next.events.length > this.maxBatch) break;
        batch.push(this.queue.shift()!);
        size += next.events.length;
      }
      await this.writeBatch(batch);
      this.queued -= size;
    }
    this.running = false;
    this.finishIdle();
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const events = batch.flatMap((p) => p.events);
    const timer = this.writeSeconds.startTimer();
    let result: Awaited<ReturnType<typeof storeEvents>>;
    try {
      result = await this.db.transaction((tx) => storeEvents(tx, events));
    } catch (err) {
      if (batch.length > 1) {
        // One bad submission must not fail the others: write each alone.
        for (const p of batch) await this.writeBatch([p]);
        return;
      }
      this.log.error({ err, events: events.length }, 'event write failed');
      batch[0]?.reject(err);
      return;
    }
    timer();
    this.batchSize.observe(events.length);
    let offset = 0;
    for (const p of batch) {
      p.resolve(result.outcomes.slice(offset, offset + p.events.length));
      offset += p.events.length;
    }
    if (result.stored.length > 0) this.publish(result.stored);
  }

  /** Publishes in commit order; a failure is logged (the stream recovers from the store). */
  private publish(stored: StoredEvent[]): void {
    this.published = this.published
      .then(() => this.bus.publish(stored))
      .catch((err: unknown) =>
        this.log.error({ err, events: stored.length }, 'publishing events on the bus failed'),
      );
  }
}
