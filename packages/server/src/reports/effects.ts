/**
 * What each staff action changes on a report (the columns, coordinators,
 * photos, the history step and whom to tell), given what was looked up
 * before the transaction. actions.ts applies it.
 */
import type { ReportAction, ReportActionBody } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import type { Principal } from '../core/auth/principal.js';
import { ConflictError, ValidationError } from '../core/errors.js';
import { uploaderOf } from '../files/uploader.js';
import { localDate } from '../calendar/dates.js';
import type { WorkCalendar } from '../calendar/working-days.js';
import type { AgencyRef } from './agencies.js';
import { historyActorOf, recordStep, type Step } from './history.js';
import type { ActionsDeps } from './actions.js';
import * as repo from './reports.repo.js';

/** What an action changes: columns, coordinators, photos, the history step, whom to tell. */
export interface Effect {
  set: Record<string, unknown>;
  coordinators?: string[];
  answerPhotos?: string[];
  step: Omit<Step, 'from' | 'to'>;
  tell?: { vi: string; en: string };
  supervisors?: { vi: string; en: string };
}

/**
 * What an action needs from caches and other modules, looked up before its
 * transaction (the embedded database has one connection, which the
 * transaction holds): the calendar, a new category's routing, agencies.
 */
export interface Prepared {
  cal: WorkCalendar;
  category?: {
    code: string;
    deadlineClass: repo.ReportRow['deadline_class'];
    routed: string | null;
  };
  assign?: { agency: string; ref: AgencyRef | null; coordinating: string[] };
}

export async function staffEffect(
  d: ActionsDeps,
  tx: Queryable,
  p: Principal,
  r: repo.ReportRow,
  action: ReportAction,
  body: ReportActionBody<ReportAction>,
  prep: Prepared,
): Promise<Effect> {
  const now = d.clock.now();
  const b = body as Partial<Record<string, unknown>>;
  const note = (b.note as string | undefined) ?? null;
  const internalNote = (b.internalNote as string | undefined) ?? null;
  const n = `#${r.id}`;
  switch (action) {
    case 'verify': {
      const set: Record<string, unknown> = { verified_at: now };
      const c = prep.category;
      if (c) {
        const due = d.calendar.deadlineWith(
          prep.cal,
          r.created_at,
          d.deadlineDays[c.deadlineClass],
        );
        Object.assign(set, {
          category_code: c.code,
          deadline_class: c.deadlineClass,
          routed_agency: c.routed,
          due_date: due.dueDate,
          deadline_at: due.deadline,
          attributes: {},
        });
      }
      return {
        set,
        step: { action: 'verified', note, internalNote, data: c ? { category: c.code } : {} },
        tell: {
          vi: `Phản ánh ${n} đã được tiếp nhận và xác minh.`,
          en: `Report ${n} was verified.`,
        },
      };
    }
    case 'reject':
      return {
        set: { rejection_reason: b.reason, closed_at: now },
        step: { action: 'rejected', note: b.reason as string, internalNote },
        tell: {
          vi: `Phản ánh ${n} không được tiếp nhận: ${String(b.reason)}`,
          en: `Report ${n} was rejected: ${String(b.reason)}`,
        },
      };
    case 'merge': {
      const into = Number(b.into);
      if (into === r.id)
        throw ValidationError.field('into', 'a report cannot be merged into itself');
      const target = await repo.findReport(tx, into, { lock: true });
      if (!target) throw ValidationError.field('into', `no report has the number ${into}`);
      if (['rejected', 'closed', 'merged'].includes(target.status))
        throw new ConflictError(
          `Report #${into} is ${target.status}; merge into a report still being handled.`,
        ).vi(
          `Phản ánh #${into} ${{ rejected: 'không được tiếp nhận', closed: 'đã hoàn thành', merged: 'đã được gộp vào phản ánh khác' }[target.status as 'rejected' | 'closed' | 'merged']}; chỉ gộp vào phản ánh đang được xử lý.`,
        );
      await recordStep(
        tx,
        into,
        historyActorOf(p),
        {
          action: 'duplicate_merged',
          from: target.status,
          to: target.status,
          note: `Phản ánh #${r.id} trùng nội dung đã được gộp vào / Report #${r.id} was merged into this one`,
          data: { duplicate: String(r.id) },
        },
        now,
      );
      return {
        set: { merged_into: into, closed_at: now },
        step: {
          action: 'merged',
          note: note ?? `Gộp vào phản ánh #${into} / Merged into report #${into}`,
          internalNote,
          data: { into: String(into) },
        },
        tell: {
          vi: `Phản ánh ${n} trùng với phản ánh #${into}; bạn sẽ nhận tin về phản ánh #${into}.`,
          en: `Report ${n} duplicates #${into}; you will follow #${into}.`,
        },
      };
    }
    case 'assign': {
      const { agency, ref, coordinating } = prep.assign!;
      return {
        set: { primary_agency: agency },
        coordinators: coordinating,
        step: { action: 'assigned', note, internalNote, data: { agency, coordinating } },
        tell: {
          vi: `Phản ánh ${n} đã được chuyển ${ref?.nameVi ?? agency} xử lý.`,
          en: `Report ${n} was assigned to ${ref?.nameEn ?? agency}.`,
        },
      };
    }
    case 'start':
      return { set: {}, step: { action: 'started', note, internalNote } };
    case 'extend': {
      const extension: repo.ExtensionJson = {
        days: b.days as number,
        reason: b.reason as string,
        status: 'pending',
        requestedAt: now.toISOString(),
        requestedBy: p.kind === 'user' ? p.id : null,
        decidedAt: null,
        decidedBy: null,
        decisionNote: null,
      };
      return {
        set: { extension },
        step: {
          action: 'extension_requested',
          internalNote: extension.reason,
          data: { days: extension.days },
        },
        supervisors: {
          vi: `Phản ánh ${n}: cơ quan xử lý xin gia hạn ${extension.days} ngày làm việc.`,
          en: `Report ${n}: the agency asks for ${extension.days} more working days.`,
        },
      };
    }
    case 'approve-extension': {
      const ext = r.extension!;
      const approve = b.approve as boolean;
      const decided = {
        ...ext,
        status: approve ? 'approved' : 'refused',
        decidedAt: now.toISOString(),
        decidedBy: p.kind === 'user' ? p.id : null,
        decisionNote: note,
      };
      const set: Record<string, unknown> = { extension: decided };
      if (approve) {
        const due = d.calendar.extendWith(prep.cal, localDate(r.due_date), ext.days);
        Object.assign(set, {
          due_date: due.dueDate,
          deadline_at: due.deadline,
          escalated_at: due.deadline > now ? null : r.escalated_at,
        });
      }
      return {
        set,
        step: {
          action: approve ? 'extension_approved' : 'extension_refused',
          note: approve
            ? `Gia hạn ${ext.days} ngày làm việc / Extended by ${ext.days} working days`
            : null,
          internalNote: note,
          data: { days: ext.days },
        },
      };
    }
    case 'return':
      return {
        set: { primary_agency: null, extension: null },
        coordinators: [],
        step: {
          action: 'returned',
          note: 'Trả lại IOC để phân công lại / Returned to the IOC to be reassigned',
          internalNote: b.reason as string,
        },
      };
    case 'answer': {
      const photos = b.photoIds as string[];
      await d.files.attach(tx, photos, uploaderOf(p), 'photoIds');
      return {
        set: {
          answer_text: b.text,
          answered_at: now,
          answered_on_time: now <= r.deadline_at,
          handling_working_days: d.calendar.betweenWith(prep.cal, r.created_at, now),
        },
        answerPhotos: photos,
        step: {
          action: 'answered',
          note: b.text as string,
          internalNote,
          data: { photos: photos.length },
        },
        tell: {
          vi: `Phản ánh ${n} đã có kết quả xử lý. Mời bạn đánh giá.`,
          en: `Report ${n} was answered. Please rate the answer.`,
        },
      };
    }
    case 'close':
      return {
        set: { closed_at: now },
        step: { action: 'closed', note, internalNote },
        tell: { vi: `Phản ánh ${n} đã được đóng.`, en: `Report ${n} was closed.` },
      };
  }
}
