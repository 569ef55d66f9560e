/**
 * The periodic alert jobs: silence (every few seconds: open alerts for silent
 * assets, clear those heard from again) and escalation (open alerts nobody
 * acknowledged in time). Each run is one transaction that first takes a
 * transaction-level advisory lock with pg_try_advisory_xact_lock: one process
 * runs a job at a time, the others skip that round. Runs use the injected
 * clock, so tests move time and call `runOnce`.
 */
import type { FastifyBaseLogger } from 'fastify';
import { escalationRoles } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { sql } from '../core/db/sql.js';
import { newId } from '../core/ids.js';
import { systemActor } from '../core/auth/principal.js';
import { insertAlerts } from './alerts.repo.js';
import { AlertsService } from './alerts.service.js';
import type { AlertChange, AlertChanges } from './changes.js';
import { clearHeard, escalateDue, silentAssets } from './jobs.repo.js';
import { actorRef } from './present.js';

const SILENCE_LOCK = 72_000_020;
const ESCALATION_LOCK = 72_000_021;

export interface JobOptions {
  intervalMs?: number;
  /** Alerts opened, cleared or escalated per run at most (the rest wait for the next). */
  batch?: number;
}

export interface JobRun {
  /** False when another process held the job this round. */
  ran: boolean;
  changes: AlertChange[];
}

export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<JobRun> | undefined;

  constructor(
    private readonly name: string,
    private readonly lockKey: number,
    private readonly changes: AlertChanges,
    private readonly log: FastifyBaseLogger,
    private readonly work: (tx: Queryable) => Promise<AlertChange[]>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.runOnce().catch((err: unknown) => this.log.error({ err }, `${this.name} run failed`));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One run now, unless one is under way here (then that one) or in another process. */
  runOnce(): Promise<JobRun> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<JobRun> {
    let ran = false;
    const changes = await this.changes.apply(async (tx) => {
      const [lock] = await tx.query<{ ok: boolean }>(
        sql`SELECT pg_try_advisory_xact_lock(${this.lockKey}) AS ok`,
      );
      if (!lock?.ok) return [];
      ran = true;
      return this.work(tx);
    });
    return { ran, changes };
  }
}

export function silenceJob(
  changes: AlertChanges,
  clock: Clock,
  log: FastifyBaseLogger,
  opts: JobOptions = {},
): PeriodicJob {
  const batch = opts.batch ?? 1000;
  return new PeriodicJob(
    'silence job',
    SILENCE_LOCK,
    changes,
    log,
    async (tx) => {
      const now = clock.now();
      const cleared = await clearHeard(tx, now, actorRef(systemActor), batch);
      const silent = await silentAssets(tx, now, batch);
      const opened = await insertAlerts(
        tx,
        silent.map((s) => ({
          id: newId(),
          ruleId: s.rule_id,
          kind: 'silence',
          assetId: s.asset_id,
          severity: s.severity,
          title: s.rule_name,
          message: s.message,
          details: { seconds: s.seconds, lastSeenAt: s.last_seen_at?.toISOString() ?? null },
          seq: null,
          adminUnit: s.admin_unit_code,
          agencyCode: s.agency_code,
          count: 1,
        })),
        now,
      );
      return [
        ...AlertsService.asChanges(cleared, 'cleared', systemActor, AlertsService.clearedNote),
        ...AlertsService.asChanges(opened, 'opened', systemActor, null),
      ];
    },
    opts.intervalMs ?? 5000,
  );
}

export function escalationJob(
  changes: AlertChanges,
  clock: Clock,
  log: FastifyBaseLogger,
  opts: JobOptions = {},
): PeriodicJob {
  const maxLevel = escalationRoles.length - 1;
  return new PeriodicJob(
    'escalation job',
    ESCALATION_LOCK,
    changes,
    log,
    async (tx) => {
      const rows = await escalateDue(tx, clock.now(), maxLevel, opts.batch ?? 500);
      return rows.map((row) => ({
        row,
        action: 'escalated' as const,
        from: row.from_status,
        actor: systemActor,
        note: `Not acknowledged in time: level ${row.escalation_level}, ${escalationRoles[row.escalation_level]} notified`,
      }));
    },
    opts.intervalMs ?? 30_000,
  );
}
