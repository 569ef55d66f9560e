/**
 * The one event writer of a process. Callers hand it whole submissions (a
 * request, an MQTT message); it writes queued submissions together, one
 * statement per batch (a single round trip, its own transaction), and resolves
 * each caller only after COMMIT. The statement advances the sequence counter,
 * whose row stays locked until commit, so seq order is commit order across
 * every process on the database, and seqs are dense: the stream can tell a gap
 * from a late message. Stored events go on the bus after commit, in commit order.
 *
 * No timer: while one batch is being written the next fills up, so batches grow
 * with load and an idle writer adds no latency. How far they grow is bounded
 * by time: the writer learns what an event costs on this database and takes
 * about `targetMs` worth per statement (at most `maxBatch`), so a deep queue
 * does not make every transaction, and the wait of everything behind it, long.
 * The queue is bounded: when it is full a caller gets `BusyError` at once
 * instead of memory growing.
 */
import type { FastifyBaseLogger } from 'fastify';
import { Gauge } from 'prom-client';
import type { StoredEvent } from '@cityops/contracts';
import type { Db, Queryable } from '../core/db/db.js';
import { UnavailableError } from '../core/errors.js';
import type { Metrics } from '../core/metrics.js';
import type { EventBus } from '../bus/bus.js';
import * as repo from './events.repo.js';
import type { NewEvent } from './events.repo.js';

/** What became of one event: stored with its seq, or a repeat of one stored before. */
export type WriteOutcome =
  { seq: number; id: string; duplicate: false } | { seq: number; duplicate: true };

export class BusyError extends UnavailableError {
  constructor() {
    super('The event store is busy; try again shortly.');
  }
}

export interface WriterOptions {
  /** Events per statement at most (a submission is never split, so one may exceed it alone). */
  maxBatch?: number;
  /** Events per statement at least, whatever the time target says (when that many wait). */
  minBatch?: number;
  /** The time one write statement should take; batches are sized to it. */
  targetMs?: number;
  /** Events waiting, at most; beyond it callers get BusyError. */
  maxQueue?: number;
}

export const WRITER_DEFAULTS = {
  maxBatch: 5000,
  minBatch: 100,
  targetMs: 40,
  maxQueue: 20_000,
} as const;

/** PostgreSQL's unique_violation: a concurrent writer stored one of these device events first. */
function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

interface Pending {
  events: NewEvent[];
  resolve(outcomes: WriteOutcome[]): void;
  reject(err: unknown): void;
}

/** A device event's dedupe key, or null when the event has none. */
function keyOf(e: NewEvent): string | null {
  return e.deviceId && e.deviceEventId ? `${e.deviceId}\u0000${e.deviceEventId}` : null;
}

/**
 * Stores events atomically in one statement (storeBatch): dedupe, seqs,
 * insert, latest state; on its own (autocommit) or in the caller's
 * transaction. A repeat within the events is answered with the first one's
 * seq, as a repeat of a stored event is.
 */
export async function storeEvents(
  db: Queryable,
  events: readonly NewEvent[],
): Promise<{ outcomes: WriteOutcome[]; stored: StoredEvent[] }> {
  // The first of each key goes to the store; a repeat in the batch takes its answer.
  const firstOf = new Map<string, number>();
  const first: number[] = [];
  const batch: NewEvent[] = [];
  events.forEach((e, i) => {
    const key = keyOf(e);
    const earlier = key === null ? undefined : firstOf.get(key);
    if (earlier !== undefined) {
      first.push(earlier);
      return;
    }
    if (key !== null) firstOf.set(key, i);
    first.push(i);
    batch.push(e);
  });
  const rows = new Map((await repo.storeBatch(db, batch)).map((r) => [r.id, r]));
  if (rows.size !== batch.length) {
    throw new Error(`the store answered for ${rows.size} of ${batch.length} events`);
  }
  const outcomes: WriteOutcome[] = [];
  const stored: StoredEvent[] = [];
  events.forEach((e, i) => {
    const r = rows.get(events[first[i]!]!.id)!;
    if (r.duplicate || first[i] !== i) {
      outcomes.push({ seq: r.seq, duplicate: true });
      return;
    }
    outcomes.push({ seq: r.seq, id: e.id, duplicate: false });
    stored.push(
      repo.toStoredEvent({
        seq: r.seq,
        id: e.id,
        device_id: e.deviceId,
        asset_id: e.assetId,
        source: e.source,
        type: e.type,
        observed_at: e.observedAt,
        received_at: e.receivedAt,
        data: e.data,
        device_event_id: e.deviceEventId,
        admin_unit_code: r.admin_unit_code,
        agency_code: r.agency_code,
        asset_type: r.asset_type,
      }),
    );
  });
  return { outcomes, stored };
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
  private readonly minBatch: number;
  private readonly targetMs: number;
  private readonly maxQueue: number;
  /** Milliseconds per event of recent statements (a moving average); 0: none measured yet. */
  private msPerEvent = 0;
  private readonly batchSize;
  private readonly writeSeconds;
  private readonly depth: Gauge;
  private readonly limitGauge: Gauge;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly log: FastifyBaseLogger,
    metrics: Metrics,
    opts: WriterOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? WRITER_DEFAULTS.maxBatch;
    this.minBatch = Math.min(this.maxBatch, opts.minBatch ?? WRITER_DEFAULTS.minBatch);
    this.targetMs = opts.targetMs ?? WRITER_DEFAULTS.targetMs;
    this.maxQueue = opts.maxQueue ?? WRITER_DEFAULTS.maxQueue;
    this.batchSize = metrics.histogram({
      name: 'cityops_events_write_batch_size',
      help: 'Events per write transaction',
      buckets: [1, 5, 20, 50, 100, 250, 500, 1000, 2000, 5000],
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
    this.limitGauge = new Gauge({
      name: 'cityops_events_write_batch_limit',
      help: 'Events the writer takes per transaction now (sized to its time target)',
      registers: [metrics.registry],
      collect: () => this.limitGauge.set(this.batchLimit()),
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

  /** Events per statement now: what fits the time target, within the bounds. */
  batchLimit(): number {
    if (this.msPerEvent <= 0) return this.maxBatch;
    const fits = Math.floor(this.targetMs / this.msPerEvent);
    return Math.max(this.minBatch, Math.min(this.maxBatch, fits));
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const limit = this.batchLimit();
      const batch: Pending[] = [];
      let size = 0;
      while (this.queue.length > 0) {
        const next = this.queue[0]!;
        if (batch.length > 0 && size + next.events.length > limit) break;
        batch.push(this.queue.shift()!);
        size += next.events.length;
      }
      await this.writeBatch(batch);
      this.queued -= size;
    }
    this.running = false;
    this.finishIdle();
  }

  /** Learns the cost of an event from a statement's time (small ones say more about overhead). */
  private learn(events: number, ms: number): void {
    if (events < 20) return;
    const sample = ms / events;
    this.msPerEvent = this.msPerEvent <= 0 ? sample : this.msPerEvent * 0.8 + sample * 0.2;
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const events = batch.flatMap((p) => p.events);
    let result: Awaited<ReturnType<typeof storeEvents>> | undefined;
    for (let attempt = 1; !result; attempt++) {
      const t0 = performance.now();
      try {
        result = await storeEvents(this.db, events);
        const ms = performance.now() - t0;
        this.writeSeconds.observe(ms / 1000);
        this.learn(events.length, ms);
      } catch (err) {
        // Another process stored one of these device events after this statement
        // began: nothing was written; again, it is seen as the repeat it is.
        if (isUniqueViolation(err) && attempt < 3) continue;
        if (batch.length > 1) {
          // One bad submission must not fail the others: write each alone.
          for (const p of batch) await this.writeBatch([p]);
          return;
        }
        this.log.error({ err, events: events.length }, 'event write failed');
        batch[0]?.reject(err);
        return;
      }
    }
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
