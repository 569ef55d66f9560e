/**
 * A queue of deliveries kept in a table (an outbox): rows are written in the
 * transaction of the change they tell, so a crash never loses one, and a
 * drain in every process works them. A row is claimed with FOR UPDATE SKIP
 * LOCKED and a lease (its next_attempt_at moves to the lease's end), so that
 * one worker at a time tries it across processes, without holding a
 * transaction open while a mail server, SMS gateway or push service answers.
 * A failure is retried with exponential backoff; a permanent failure, or the
 * last allowed attempt, leaves the row dead: kept, with its last error.
 * Delivery is at least once: a worker slower than its lease may see another
 * take the row again. The attempt a worker claimed is its ticket: the outcome
 * of an attempt that is no longer the row's last is not written.
 *
 * The table's columns: id uuid, status ('pending', 'delivered', 'skipped',
 * 'dead'), attempts, next_attempt_at, last_error, finished_at. The alerts'
 * notification outbox and the reports' notifications are two such tables.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from './db/db.js';
import type { Clock } from './clock.js';
import { raw, sql, type Sql } from './db/sql.js';

/** Thrown by a delivery that no retry would mend: the row is dead at once. */
export class PermanentFailure extends Error {}

export interface LeasedRow {
  id: string;
  attempts: number;
  channel: string;
}

export type DeliveryOutcome = 'delivered' | 'skipped' | 'retry' | 'dead';

export interface LeasedQueueOptions<R extends LeasedRow> {
  db: Db;
  clock: Clock;
  log: FastifyBaseLogger;
  /** The table, and the columns a claimed row answers. */
  table: string;
  returning: string;
  /** Delivers a row: answers why it was skipped, if it was; throws to be retried. */
  deliver(row: R): Promise<string | undefined>;
  /** Told every attempt's outcome (metrics). */
  outcome?(row: R, outcome: DeliveryOutcome): void;
  /** Attempts before a row is dead. */
  maxAttempts: number;
  /** The first retry's delay; each further one doubles, up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs?: number | undefined;
  /** How long a worker holds a row it is delivering. */
  leaseMs?: number | undefined;
  /** Rows claimed at once (delivered together). */
  batch?: number | undefined;
  /** What the log calls a row ('notification', 'report notification'). */
  what: string;
}

/** The message of an error, with its cause's code (a refused connection), cut to 500 characters. */
function describeError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return (cause ? `${e.message} (${cause})` : String(e.message ?? err)).slice(0, 500);
}

export class LeasedQueue<R extends LeasedRow> {
  private readonly table: Sql;
  private readonly maxBackoffMs: number;
  private readonly leaseMs: number;
  private readonly batch: number;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<number> | undefined;
  private again = false;
  private started = false;

  constructor(private readonly o: LeasedQueueOptions<R>) {
    if (!/^[a-z_]+$/.test(o.table)) throw new Error(`bad queue table name ${o.table}`);
    this.table = raw(o.table);
    this.maxBackoffMs = o.maxBackoffMs ?? 15 * 60_000;
    this.leaseMs = o.leaseMs ?? 60_000;
    this.batch = o.batch ?? 20;
  }

  /** Drains every `pollMs`, and at once when kicked. */
  start(pollMs: number): void {
    this.started = true;
    this.timer = setInterval(() => void this.run(), pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.started = false;
    clearInterval(this.timer);
    await this.draining?.catch(() => undefined);
  }

  /** Wakes the worker (after a change committed). */
  kick(): void {
    if (this.started) setImmediate(() => void this.run());
  }

  /** Delivers every due row (one drain at a time per process); answers how many were tried. */
  drainOnce(): Promise<number> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = this.drain().finally(() => (this.draining = undefined));
    return this.draining;
  }

  /** The delay before attempt n + 1 after n failed attempts. */
  backoff(attempts: number): number {
    return Math.min(this.maxBackoffMs, this.o.backoffMs * 2 ** Math.max(0, attempts - 1));
  }

  private async run(): Promise<void> {
    await this.drainOnce().catch((err: unknown) =>
      this.o.log.error({ err }, `${this.o.what} drain failed`),
    );
  }

  private async drain(): Promise<number> {
    let tried = 0;
    do {
      this.again = false;
      for (;;) {
        const now = this.o.clock.now();
        const rows = await this.claimDue(now, new Date(now.getTime() + this.leaseMs));
        await Promise.all(rows.map((r) => this.deliver(r)));
        tried += rows.length;
        if (rows.length < this.batch) break;
      }
    } while (this.again);
    return tried;
  }

  /** Takes up to a batch of due rows until `leaseUntil`, counting the attempt. */
  private claimDue(now: Date, leaseUntil: Date): Promise<R[]> {
    return this.o.db.query<R>(sql`
      UPDATE ${this.table} SET next_attempt_at = ${leaseUntil}, attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM ${this.table}
        WHERE status = 'pending' AND next_attempt_at <= ${now}
        ORDER BY next_attempt_at
        LIMIT ${this.batch}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING ${raw(this.o.returning)}`);
  }

  private async finish(
    row: R,
    status: 'delivered' | 'skipped' | 'dead',
    error: string | null,
  ): Promise<void> {
    await this.o.db.query(sql`
      UPDATE ${this.table}
      SET status = ${status}, last_error = ${error}, finished_at = ${this.o.clock.now()}
      WHERE id = ${row.id} AND attempts = ${row.attempts}`);
  }

  private async deliver(row: R): Promise<void> {
    try {
      const skipped = await this.o.deliver(row);
      await this.finish(row, skipped ? 'skipped' : 'delivered', skipped ?? null);
      this.o.outcome?.(row, skipped ? 'skipped' : 'delivered');
    } catch (err) {
      const error = describeError(err);
      if (err instanceof PermanentFailure || row.attempts >= this.o.maxAttempts) {
        await this.finish(row, 'dead', error);
        this.o.outcome?.(row, 'dead');
        this.o.log.warn(
          { delivery: row.id, channel: row.channel, attempts: row.attempts, error },
          `${this.o.what} dead-lettered`,
        );
        return;
      }
      const wait = this.backoff(row.attempts);
      await this.o.db.query(sql`
        UPDATE ${this.table}
        SET next_attempt_at = ${new Date(this.o.clock.now().getTime() + wait)}, last_error = ${error}
        WHERE id = ${row.id} AND attempts = ${row.attempts} AND status = 'pending'`);
      this.o.outcome?.(row, 'retry');
      if (this.started) setTimeout(() => void this.run(), wait).unref();
    }
  }
}
