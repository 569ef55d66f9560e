/**
 * Retention: deletes events older than their type's policy (`event_retention`:
 * an exact type, a prefix like `fire.*`, or `*`; the most specific wins). It
 * deletes in small statements with a pause between them, so ingestion is never
 * held up behind a long delete, and a lease row lets one process at a time run it.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import * as repo from './retention.repo.js';

const DAY_MS = 86_400_000;
const JOB = 'events.retention';

export interface RetentionOptions {
  /** Rows per delete statement. */
  batchSize?: number;
  /** Pause between statements. */
  pauseMs?: number;
  /** How often a run starts. */
  intervalMs?: number;
  /** How the pause waits (tests pass one that does not). */
  sleep?: (ms: number) => Promise<void>;
}

export interface RetentionRun {
  ran: boolean;
  deleted: number;
  statements: number;
  byType: Record<string, number>;
}

/** The days a type is kept: exact pattern, else the longest matching prefix, else `*`. */
export function retentionDays(
  type: string,
  policies: ReadonlyArray<{ pattern: string; days: number }>,
): number | undefined {
  let best: { length: number; days: number } | undefined;
  for (const p of policies) {
    let length = -1;
    if (p.pattern === type) length = Number.MAX_SAFE_INTEGER;
    else if (p.pattern.endsWith('.*') && type.startsWith(p.pattern.slice(0, -1)))
      length = p.pattern.length;
    else if (p.pattern === '*') length = 0;
    if (length >= 0 && (!best || length > best.length)) best = { length, days: p.days };
  }
  return best?.days;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class RetentionJob {
  private readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly batchSize: number;
  private readonly pauseMs: number;
  private readonly intervalMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionRun> | undefined;
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    opts: RetentionOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 5000;
    this.pauseMs = opts.pauseMs ?? 200;
    this.intervalMs = opts.intervalMs ?? 3_600_000;
    this.sleep = opts.sleep ?? realSleep;
  }

  start(): void {
    const tick = () => {
      this.runOnce().catch((err: unknown) => this.log.error({ err }, 'retention run failed'));
    };
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
    setTimeout(tick, Math.min(60_000, this.intervalMs)).unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One run, unless another process (or this one) holds the job. */
  runOnce(): Promise<RetentionRun> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<RetentionRun> {
    const result: RetentionRun = { ran: false, deleted: 0, statements: 0, byType: {} };
    if (!(await this.claim(this.intervalMs))) return result;
    result.ran = true;
    const policies = await repo.listPolicies(this.db);
    for (const type of await repo.typesPresent(this.db)) {
      const days = retentionDays(type, policies);
      if (days === undefined) continue;
      const cutoff = new Date(this.clock.now().getTime() - days * DAY_MS);
      for (;;) {
        if (this.stopping) return result;
        const n = await repo.deleteOlder(this.db, type, cutoff, this.batchSize);
        result.statements++;
        result.deleted += n;
        if (n > 0) result.byType[type] = (result.byType[type] ?? 0) + n;
        if (n < this.batchSize) break;
        await this.claim(this.intervalMs);
        await this.sleep(this.pauseMs);
      }
    }
    if (result.deleted > 0) this.log.info(result, 'old events removed');
    return result;
  }

  /** Holds the job for the interval from now: other processes skip this round. */
  private claim(forMs: number): Promise<boolean> {
    const now = this.clock.now();
    return repo.claimLease(this.db, JOB, this.holder, now, new Date(now.getTime() + forMs));
  }
}
