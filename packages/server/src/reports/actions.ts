/**
 * Applying the workflow (workflow.ts) to stored reports: each action locks the
 * report, asks the state machine, changes the row, writes a history step and
 * an audit entry, and queues the notifications, all in one transaction.
 * Refusals: 404 when the caller cannot see the report, 403 or 409 with the
 * machine's reason, 400 naming the field for bad input.
 */
import type { ReportAction, ReportActionBody, ReportStatus } from '@cityops/contracts';
import type { Db, Queryable } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import type { Actor, Principal } from '../core/auth/principal.js';
import { ConflictError, ForbiddenError, ValidationError } from '../core/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { CalendarService } from '../calendar/calendar.service.js';
import type { FilesService } from '../files/files.service.js';
import type { AgencyDirectory } from './agencies.js';
import type { CategoriesService, DeadlineDays } from './categories.service.js';
import { citizenClause, readClause, workflowActorOf } from './access.js';
import {
  decide,
  type WorkflowAction,
  type WorkflowActor,
  type WorkflowSubject,
} from './workflow.js';
import { historyActorOf, recordStep, systemHistoryActor, type HistoryActor } from './history.js';
import { staffEffect, type Effect, type Prepared } from './effects.js';
import type { ReportNotifier } from './notify.js';
import * as repo from './reports.repo.js';
import type { ReportChanges } from './changes.js';
import { reportNotFound } from './errors.js';

export interface ActionsDeps {
  db: Db;
  audit: AuditService;
  clock: Clock;
  calendar: CalendarService;
  categories: CategoriesService;
  agencies: AgencyDirectory;
  files: FilesService;
  notifier: ReportNotifier;
  deadlineDays: DeadlineDays;
  /** Told once a step has committed. */
  changes?: ReportChanges;
}

export function subjectOf(r: repo.ReportRow): WorkflowSubject {
  return {
    status: r.status,
    adminUnit: r.admin_unit,
    primaryAgency: r.primary_agency,
    extensionPending: r.extension?.status === 'pending',
    reopenCount: r.reopen_count,
    citizenId: r.citizen_id,
  };
}

const snapshot = (
  r: Pick<repo.ReportRow, 'status' | 'primary_agency' | 'due_date'>,
  more = {},
) => ({
  status: r.status,
  primaryAgency: r.primary_agency,
  dueDate: r.due_date,
  ...more,
});

export class ReportActions {
  constructor(private readonly d: ActionsDeps) {}

  /** A staff action (POST /api/v1/reports/{id}/{action}). */
  async act<A extends ReportAction>(
    p: Principal,
    audit: Actor,
    id: number,
    action: A,
    body: ReportActionBody<A>,
  ): Promise<void> {
    await this.run(
      id,
      readClause(p),
      workflowActorOf(p),
      audit,
      action,
      {},
      (pre) => this.prepare(pre, action, body),
      (tx, r, _to, prep) => staffEffect(this.d, tx, p, r, action, body, prep),
      (r) => historyActorOf(p, r.primary_agency),
    );
  }

  private async prepare(
    pre: repo.ReportRow,
    action: ReportAction,
    body: ReportActionBody<ReportAction>,
  ): Promise<Prepared> {
    const b = body as Partial<Record<string, unknown>>;
    const out: Prepared = { cal: await this.d.calendar.calendar() };
    if (
      action === 'verify' &&
      typeof b.categoryCode === 'string' &&
      b.categoryCode !== pre.category_code
    ) {
      const c = await this.d.categories.find(b.categoryCode);
      if (!c || !c.active)
        throw ValidationError.field(
          'categoryCode',
          `no active report category has the code ${b.categoryCode}`,
        );
      out.category = {
        code: c.code,
        deadlineClass: c.deadlineClass,
        routed: await this.d.categories.route(c, pre.admin_unit),
      };
    }
    if (action === 'assign') {
      const agency = (b.agency as string | undefined) ?? pre.routed_agency;
      if (!agency)
        throw ValidationError.field(
          'agency',
          'no agency is routed for this category and unit; name one',
        );
      const coordinating = [
        ...new Set(((b.coordinating as string[] | undefined) ?? []).filter((c) => c !== agency)),
      ];
      const unknown = await this.d.agencies.unknown([agency, ...coordinating]);
      if (unknown.length) {
        throw new ValidationError(
          unknown.map((c) => ({
            path: c === agency ? 'agency' : 'coordinating',
            message: `no agency has the code ${c}`,
          })),
        );
      }
      out.assign = { agency, ref: await this.d.agencies.ref(agency), coordinating };
    }
    return out;
  }

  /** The citizen's rating of the answer: satisfied closes, not satisfied reopens (once). */
  async rate(
    p: Extract<Principal, { kind: 'citizen' }>,
    audit: Actor,
    id: number,
    rating: { satisfied: boolean; comment?: string | undefined },
  ): Promise<void> {
    await this.run(
      id,
      citizenClause(p.id),
      workflowActorOf(p),
      audit,
      'rate',
      { satisfied: rating.satisfied },
      async () => ({ cal: await this.d.calendar.calendar() }),
      (_tx, r, to, prep) => {
        const now = this.d.clock.now();
        const set: Record<string, unknown> = {
          rating_satisfied: rating.satisfied,
          rating_comment: rating.comment ?? null,
          rated_at: now,
        };
        if (to === 'in_progress') {
          const { dueDate, deadline } = this.d.calendar.deadlineWith(
            prep.cal,
            now,
            this.d.deadlineDays[r.deadline_class],
          );
          Object.assign(set, {
            reopen_count: r.reopen_count + 1,
            answered_at: null,
            answered_on_time: null,
            handling_working_days: null,
            due_date: dueDate,
            deadline_at: deadline,
            escalated_at: null,
          });
        } else set.closed_at = now;
        return Promise.resolve({
          set,
          step: {
            action: to === 'in_progress' ? 'reopened' : 'rated',
            note: rating.comment ?? null,
            data: { satisfied: rating.satisfied },
          },
          ...(to === 'in_progress'
            ? {
                supervisors: {
                  vi: `Phản ánh #${id}: người dân chưa hài lòng, đã mở lại để xử lý tiếp.`,
                  en: `Report #${id}: the citizen was not satisfied; reopened.`,
                },
              }
            : {}),
        });
      },
      () => historyActorOf(p),
    );
  }

  /** Closes an answer nobody rated within the period (the auto-close job). */
  async autoClose(tx: Queryable, r: repo.ReportRow, days: number): Promise<void> {
    const d = decide(subjectOf(r), 'auto-close', { kind: 'system' });
    if (!d.ok) return;
    const now = this.d.clock.now();
    await this.apply(
      tx,
      r,
      d.to,
      systemHistoryActor,
      { type: 'system', id: null, label: 'system' },
      'auto-close',
      {
        set: { closed_at: now },
        step: {
          action: 'auto_closed',
          note: `Tự động đóng sau ${days} ngày không có đánh giá / Closed automatically after ${days} days without a rating`,
        },
        tell: { vi: `Phản ánh #${r.id} đã được đóng.`, en: `Report #${r.id} was closed.` },
      },
    );
  }

  private async run(
    id: number,
    where: ReturnType<typeof readClause>,
    actor: WorkflowActor,
    audit: Actor,
    action: WorkflowAction,
    input: { satisfied?: boolean },
    prepare: (pre: repo.ReportRow) => Promise<Prepared>,
    effect: (tx: Queryable, r: repo.ReportRow, to: ReportStatus, prep: Prepared) => Promise<Effect>,
    historyActor: (r: repo.ReportRow) => HistoryActor,
  ): Promise<void> {
    const refuse = (r: repo.ReportRow) => {
      const d = decide(subjectOf(r), action, actor, input);
      if (!d.ok)
        throw (d.status === 409 ? new ConflictError(d.reason) : new ForbiddenError(d.reason)).vi(
          d.reasonVi,
        );
      return d.to;
    };
    const pre = await repo.findReport(this.d.db, id, { where });
    if (!pre) throw reportNotFound(id);
    refuse(pre);
    const prep = await prepare(pre);
    await this.d.db.transaction(async (tx) => {
      const r = await repo.findReport(tx, id, { lock: true, where });
      if (!r) throw reportNotFound(id);
      const to = refuse(r);
      await this.apply(tx, r, to, historyActor(r), audit, action, await effect(tx, r, to, prep));
    });
    this.d.changes?.changed();
  }

  private async apply(
    tx: Queryable,
    r: repo.ReportRow,
    to: ReportStatus,
    actor: HistoryActor,
    audit: Actor,
    action: WorkflowAction,
    e: Effect,
  ): Promise<void> {
    const now = this.d.clock.now();
    await repo.updateReport(tx, r.id, { status: to, ...e.set }, now);
    if (e.coordinators) await repo.setCoordinators(tx, r.id, e.coordinators);
    if (e.answerPhotos?.length) await repo.addPhotos(tx, r.id, e.answerPhotos, 'answer');
    await recordStep(tx, r.id, actor, { ...e.step, from: r.status, to }, now);
    await this.d.audit.record(tx, audit, {
      action: `report.${action}`,
      entityType: 'report',
      entityId: String(r.id),
      before: snapshot(r),
      after: snapshot(
        { ...r, status: to, ...pick(e.set) },
        e.coordinators ? { coordinators: e.coordinators } : {},
      ),
    });
    if (e.tell) {
      await this.d.notifier.toReporters(tx, {
        event: `report.${action}`,
        reportId: r.id,
        textVi: e.tell.vi,
        textEn: e.tell.en,
      });
    }
    if (e.supervisors) {
      await this.d.notifier.toSupervisors(
        tx,
        {
          event: `report.${action}`,
          reportId: r.id,
          textVi: e.supervisors.vi,
          textEn: e.supervisors.en,
        },
        { adminUnit: r.admin_unit, agency: r.primary_agency },
      );
    }
  }
}

/** The snapshot fields an effect may change. */
function pick(set: Record<string, unknown>): Partial<repo.ReportRow> {
  const out: Partial<repo.ReportRow> = {};
  if ('primary_agency' in set) out.primary_agency = set.primary_agency as string | null;
  if ('due_date' in set) out.due_date = set.due_date as string;
  return out;
}
