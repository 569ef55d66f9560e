/**
 * The reports module's background work, every minute in every process (rows
 * are taken with SKIP LOCKED, so each is handled once): escalating overdue
 * reports to supervisors (a history step and an e-mail), closing answers
 * nobody rated within CITYOPS_REPORT_AUTOCLOSE_DAYS, blanking the personal
 * data of reports closed for CITYOPS_REPORT_RETENTION_DAYS, delivering
 * notifications, and removing photo uploads nobody attached.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { systemActor } from '../core/auth/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import type { FilesService } from '../files/files.service.js';
import type { ReportActions } from './actions.js';
import { recordStep, systemHistoryActor } from './history.js';
import type { ReportNotifier } from './notify.js';
import * as repo from './reports.repo.js';
import * as jobs from './jobs.repo.js';
import type { ReportChanges } from './changes.js';

const DAY_MS = 86_400_000;
const BATCH = 100;

export interface JobsDeps {
  db: Db;
  clock: Clock;
  log: FastifyBaseLogger;
  audit: AuditService;
  actions: ReportActions;
  notifier: ReportNotifier;
  files: FilesService;
  autoCloseDays: number;
  retentionDays: number;
  /** Told after each batch that changed reports. */
  changes?: ReportChanges;
}

export interface JobsRun {
  escalated: number;
  autoClosed: number;
  erased: number;
  notified: number;
  filesRemoved: number;
}

export class ReportJobs {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<JobsRun> | undefined;

  constructor(private readonly d: JobsDeps) {}

  start(intervalMs = 60_000): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async tick(): Promise<void> {
    await this.runOnce().catch((err: unknown) => this.d.log.error({ err }, 'report jobs failed'));
  }

  /** One pass of every job (tests call it with a moved clock). */
  runOnce(): Promise<JobsRun> {
    this.running ??= (async () => ({
      escalated: await this.escalate(),
      autoClosed: await this.autoClose(),
      erased: await this.erase(),
      notified: await this.d.notifier.drainOnce(),
      filesRemoved: await this.d.files.removeUnattached(),
    }))().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Marks overdue reports escalated, with a history step, and tells the supervisors. */
  async escalate(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.d.db.transaction(async (tx) => {
        const now = this.d.clock.now();
        const rows = await jobs.takeOverdue(tx, now, BATCH);
        for (const r of rows) {
          await repo.updateReport(tx, r.id, { escalated_at: now }, now);
          await recordStep(
            tx,
            r.id,
            systemHistoryActor,
            {
              action: 'escalated',
              from: r.status,
              to: r.status,
              note: 'Quá hạn xử lý, đã báo lãnh đạo / Overdue: escalated to the supervisors',
              data: { dueDate: r.due_date },
            },
            now,
          );
          await this.d.audit.record(tx, systemActor, {
            action: 'report.escalate',
            entityType: 'report',
            entityId: String(r.id),
            after: { dueDate: r.due_date, status: r.status, primaryAgency: r.primary_agency },
          });
          await this.d.notifier.toSupervisors(
            tx,
            {
              event: 'report.escalated',
              reportId: r.id,
              textVi: `Phản ánh #${r.id} đã quá hạn xử lý (hạn ${r.due_date}).`,
              textEn: `Report #${r.id} is overdue (due ${r.due_date}).`,
            },
            { adminUnit: r.admin_unit, agency: r.primary_agency },
          );
        }
        return rows.length;
      });
      if (n > 0) this.d.changes?.changed();
      total += n;
      if (n < BATCH) return total;
    }
  }

  async autoClose(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.d.db.transaction(async (tx) => {
        const before = new Date(this.d.clock.now().getTime() - this.d.autoCloseDays * DAY_MS);
        const rows = await jobs.takeUnrated(tx, before, BATCH);
        for (const r of rows) await this.d.actions.autoClose(tx, r, this.d.autoCloseDays);
        return rows.length;
      });
      if (n > 0) this.d.changes?.changed();
      total += n;
      if (n < BATCH) return total;
    }
  }

  /** Blanks the reporter's personal data of reports closed longer than the retention period. */
  async erase(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.d.db.transaction(async (tx) => {
        const now = this.d.clock.now();
        const ids = await repo.erasePersonalData(
          tx,
          new Date(now.getTime() - this.d.retentionDays * DAY_MS),
          now,
          BATCH,
        );
        for (const id of ids) {
          await this.d.audit.record(tx, systemActor, {
            action: 'report.personal_data_erased',
            entityType: 'report',
            entityId: String(id),
            after: { retentionDays: this.d.retentionDays },
          });
        }
        return ids.length;
      });
      total += n;
      if (n < BATCH) return total;
    }
  }
}
