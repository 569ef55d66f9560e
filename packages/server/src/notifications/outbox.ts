/**
 * The notification outbox: deliveries are written in the transaction of the
 * alert change (so a crash never loses one) and drained by a worker in every
 * process; a row is tried by one worker at a time (outbox.repo.ts). A failure
 * is retried with exponential backoff (1 s, 2 s, 4 s… by default) and after
 * `maxAttempts` the row is dead-lettered: kept, listed at
 * /api/v1/notifications/dead-letters and retryable by an administrator.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { DeadLetter } from '@cityops/contracts';
import type { Db, Queryable } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Metrics } from '../core/metrics.js';
import type { Actor } from '../core/auth/principal.js';
import { newId } from '../core/ids.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import {
  PermanentFailure,
  type NotificationChannel,
  type NotificationMessage,
  type Recipient,
} from './channel.js';
import * as repo from './outbox.repo.js';

export interface OutboxOptions {
  /** Attempts before a delivery is dead-lettered. */
  maxAttempts?: number;
  /** The first retry's delay; each further one doubles, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long a worker holds a row it is delivering. */
  leaseMs?: number;
  /** How often the worker looks for due rows (it is also woken after each change). */
  pollMs?: number;
  /** Rows claimed at once. */
  batch?: number;
}

/** One delivery to write: a message (without its id, which the row gives) for one recipient. */
export type Notification = Omit<NotificationMessage, 'id'> & { target: Recipient };

function presentDead(r: repo.OutboxRow): DeadLetter {
  return {
    id: r.id,
    channel: r.channel,
    target: r.target,
    event: r.event,
    alertId: r.alert_id,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at.toISOString(),
    failedAt: r.finished_at?.toISOString() ?? null,
  };
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return (cause ? `${e.message} (${cause})` : String(e.message ?? err)).slice(0, 500);
}

export class Outbox {
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly batch: number;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<number> | undefined;
  private again = false;
  private started = false;
  private readonly outcomes;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly audit: AuditService,
    private readonly channels: ReadonlyMap<string, NotificationChannel>,
    metrics: Metrics,
    opts: OutboxOptions = {},
  ) {
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.backoffMs = opts.backoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 15 * 60_000;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.pollMs = opts.pollMs ?? 1000;
    this.batch = opts.batch ?? 20;
    this.outcomes = metrics.counter({
      name: 'cityops_notifications_total',
      help: 'Notification attempts by channel and outcome',
      labelNames: ['channel', 'outcome'],
    });
  }

  /** Whether a channel can deliver here (e-mail needs CITYOPS_SMTP_URL). */
  has(channel: string): boolean {
    return this.channels.has(channel);
  }

  /**
   * Writes deliveries in the caller's transaction. Recipients on channels this
   * process has not configured are left out (logged), not dead-lettered.
   */
  async enqueue(tx: Queryable, items: readonly Notification[]): Promise<void> {
    const rows: repo.NewOutboxRow[] = [];
    for (const { target, ...message } of items) {
      if (!this.channels.has(target.channel)) {
        this.log.debug({ channel: target.channel }, 'notification channel not configured');
        continue;
      }
      rows.push({
        id: newId(),
        channel: target.channel,
        target,
        event: message.event,
        payload: message,
        alert_id: message.alert.id,
      });
    }
    await repo.insertOutbox(tx, rows, this.clock.now());
  }

  /** Wakes the worker (after a change committed). */
  kick(): void {
    if (this.started) setImmediate(() => void this.run());
  }

  start(): void {
    this.started = true;
    this.timer = setInterval(() => void this.run(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.started = false;
    clearInterval(this.timer);
    await this.draining?.catch(() => undefined);
    for (const c of this.channels.values()) c.close?.();
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
    return Math.min(this.maxBackoffMs, this.backoffMs * 2 ** Math.max(0, attempts - 1));
  }

  async deadLetters(opts: { after?: string | undefined; limit: number }): Promise<DeadLetter[]> {
    return (await repo.listDead(this.db, opts)).map(presentDead);
  }

  /** Puts a dead letter back in line (administrators); audited. */
  async retryDead(actor: Actor, id: string): Promise<void> {
    const row = await repo.findOutbox(this.db, id);
    if (!row) throw new NotFoundError('Dead letter', id);
    await this.db.transaction(async (tx) => {
      if (!(await repo.revive(tx, id, this.clock.now()))) {
        throw new ConflictError(`Notification ${id} is ${row.status}, not dead; nothing to retry.`);
      }
      await this.audit.record(tx, actor, {
        action: 'notification.retry',
        entityType: 'notification',
        entityId: id,
        before: presentDead(row),
      });
    });
    this.kick();
  }

  private async run(): Promise<void> {
    await this.drainOnce().catch((err: unknown) =>
      this.log.error({ err }, 'notification outbox drain failed'),
    );
  }

  private async drain(): Promise<number> {
    let tried = 0;
    do {
      this.again = false;
      for (;;) {
        const now = this.clock.now();
        const rows = await repo.claimDue(
          this.db,
          now,
          new Date(now.getTime() + this.leaseMs),
          this.batch,
        );
        await Promise.all(rows.map((r) => this.deliver(r)));
        tried += rows.length;
        if (rows.length < this.batch) break;
      }
    } while (this.again);
    return tried;
  }

  private async deliver(row: repo.OutboxRow): Promise<void> {
    const channel = this.channels.get(row.channel);
    const message = { ...(row.payload as Omit<NotificationMessage, 'id'>), id: row.id };
    try {
      if (!channel) throw new PermanentFailure(`channel ${row.channel} is not configured`);
      const report = await channel.send(message, row.target as Recipient);
      const skipped = report?.skipped;
      await repo.finish(
        this.db,
        row.id,
        skipped ? 'skipped' : 'delivered',
        skipped ?? null,
        this.clock.now(),
      );
      this.outcomes.inc({ channel: row.channel, outcome: skipped ? 'skipped' : 'delivered' });
    } catch (err) {
      const error = describe(err);
      if (err instanceof PermanentFailure || row.attempts >= this.maxAttempts) {
        await repo.finish(this.db, row.id, 'dead', error, this.clock.now());
        this.outcomes.inc({ channel: row.channel, outcome: 'dead' });
        this.log.warn(
          { delivery: row.id, channel: row.channel, attempts: row.attempts, error },
          'notification dead-lettered',
        );
        return;
      }
      const at = new Date(this.clock.now().getTime() + this.backoff(row.attempts));
      await repo.retryLater(this.db, row.id, at, error);
      this.outcomes.inc({ channel: row.channel, outcome: 'retry' });
      if (this.started) setTimeout(() => void this.run(), this.backoff(row.attempts)).unref();
    }
  }
}
