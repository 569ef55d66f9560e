/**
 * The notification outbox: deliveries are written in the transaction of the
 * alert change (so a crash never loses one) and drained by a worker in every
 * process, a row tried by one worker at a time (a LeasedQueue of core). A
 * failure is retried with exponential backoff (1 s, 2 s, 4 s… by default) and
 * after `maxAttempts` the row is dead-lettered: kept, listed at
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
import { LeasedQueue, PermanentFailure } from '../core/leased-queue.js';
import type { AuditService } from '../audit/audit.service.js';
import type { NotificationChannel, NotificationMessage, Recipient } from './channel.js';
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

export class Outbox {
  private readonly pollMs: number;
  private readonly queue: LeasedQueue<repo.OutboxRow>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly audit: AuditService,
    private readonly channels: ReadonlyMap<string, NotificationChannel>,
    metrics: Metrics,
    opts: OutboxOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 1000;
    const outcomes = metrics.counter({
      name: 'cityops_notifications_total',
      help: 'Notification attempts by channel and outcome',
      labelNames: ['channel', 'outcome'],
    });
    this.queue = new LeasedQueue<repo.OutboxRow>({
      db,
      clock,
      log,
      table: 'notification_outbox',
      returning: '*',
      deliver: (row) => this.deliver(row),
      outcome: (row, outcome) => outcomes.inc({ channel: row.channel, outcome }),
      maxAttempts: opts.maxAttempts ?? 8,
      backoffMs: opts.backoffMs ?? 1000,
      maxBackoffMs: opts.maxBackoffMs,
      leaseMs: opts.leaseMs,
      batch: opts.batch,
      what: 'notification',
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
    this.queue.kick();
  }

  start(): void {
    this.queue.start(this.pollMs);
  }

  async stop(): Promise<void> {
    await this.queue.stop();
    for (const c of this.channels.values()) c.close?.();
  }

  /** Delivers every due row (one drain at a time per process); answers how many were tried. */
  drainOnce(): Promise<number> {
    return this.queue.drainOnce();
  }

  /** The delay before attempt n + 1 after n failed attempts. */
  backoff(attempts: number): number {
    return this.queue.backoff(attempts);
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

  /** Sends one row: answers why it was skipped, if it was. */
  private async deliver(row: repo.OutboxRow): Promise<string | undefined> {
    const channel = this.channels.get(row.channel);
    if (!channel) throw new PermanentFailure(`channel ${row.channel} is not configured`);
    const message = { ...(row.payload as Omit<NotificationMessage, 'id'>), id: row.id };
    const report = await channel.send(message, row.target as Recipient);
    return report?.skipped;
  }
}
