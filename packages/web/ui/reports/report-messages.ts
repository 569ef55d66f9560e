/**
 * Words of citizen reports both apps show: statuses, steps of the history,
 * deadline classes. Merged into the citizen app's and the console's
 * dictionaries.
 */
import type { DeadlineClass, ReportStatus } from '@cityops/contracts';
import { defineMessages } from '../i18n/dictionary';

export const reportWords = defineMessages(
  {
    'report.status.received': 'Đã tiếp nhận',
    'report.status.verified': 'Đã xác minh',
    'report.status.rejected': 'Không tiếp nhận',
    'report.status.assigned': 'Đã chuyển xử lý',
    'report.status.in_progress': 'Đang xử lý',
    'report.status.answered': 'Đã có kết quả',
    'report.status.closed': 'Hoàn thành',
    'report.status.merged': 'Trùng, đã gộp',
    'report.step.submitted': 'Gửi phản ánh',
    'report.step.verified': 'Xác minh',
    'report.step.rejected': 'Không tiếp nhận',
    'report.step.merged': 'Gộp vào phản ánh khác',
    'report.step.duplicate_merged': 'Nhận một phản ánh trùng',
    'report.step.assigned': 'Chuyển cơ quan xử lý',
    'report.step.started': 'Bắt đầu xử lý',
    'report.step.extension_requested': 'Xin gia hạn',
    'report.step.extension_approved': 'Đồng ý gia hạn',
    'report.step.extension_refused': 'Không đồng ý gia hạn',
    'report.step.returned': 'Trả lại Trung tâm điều hành',
    'report.step.answered': 'Trả lời kết quả',
    'report.step.rated': 'Người dân đánh giá',
    'report.step.reopened': 'Người dân chưa hài lòng, xử lý lại',
    'report.step.closed': 'Kết thúc',
    'report.step.auto_closed': 'Tự động kết thúc',
    'report.step.escalated': 'Quá hạn, báo cáo cấp trên',
    'report.step.note': 'Ghi chú',
    'report.step.reporter_shared': 'Cho cơ quan xử lý xem thông tin người phản ánh',
    'report.step.reporter_unshared': 'Thôi cho cơ quan xử lý xem thông tin người phản ánh',
    'report.actor.citizen': 'Người dân',
    'report.actor.staff': 'Cán bộ',
    'report.actor.integration': 'Hệ thống liên kết',
    'report.actor.system': 'Hệ thống',
    'report.class.urgent': 'Khẩn cấp',
    'report.class.on_the_spot': 'Xử lý tại chỗ',
    'report.class.normal': 'Thông thường',
  },
  {
    'report.status.received': 'Received',
    'report.status.verified': 'Verified',
    'report.status.rejected': 'Not accepted',
    'report.status.assigned': 'Assigned',
    'report.status.in_progress': 'In progress',
    'report.status.answered': 'Answered',
    'report.status.closed': 'Closed',
    'report.status.merged': 'Duplicate, merged',
    'report.step.submitted': 'Report sent',
    'report.step.verified': 'Verified',
    'report.step.rejected': 'Not accepted',
    'report.step.merged': 'Merged into another report',
    'report.step.duplicate_merged': 'A duplicate was merged in',
    'report.step.assigned': 'Assigned to an agency',
    'report.step.started': 'Work started',
    'report.step.extension_requested': 'More time asked for',
    'report.step.extension_approved': 'Extension approved',
    'report.step.extension_refused': 'Extension refused',
    'report.step.returned': 'Returned to the operations center',
    'report.step.answered': 'Answered',
    'report.step.rated': 'Rated by the citizen',
    'report.step.reopened': 'Citizen not satisfied, reopened',
    'report.step.closed': 'Closed',
    'report.step.auto_closed': 'Closed automatically',
    'report.step.escalated': 'Overdue, escalated',
    'report.step.note': 'Note',
    'report.step.reporter_shared': 'Reporter shared with the handling agency',
    'report.step.reporter_unshared': 'Reporter no longer shared with the handling agency',
    'report.actor.citizen': 'Citizen',
    'report.actor.staff': 'Staff',
    'report.actor.integration': 'Integration',
    'report.actor.system': 'System',
    'report.class.urgent': 'Urgent',
    'report.class.on_the_spot': 'On the spot',
    'report.class.normal': 'Normal',
  },
);

export type ReportWordKey = keyof typeof reportWords.vi;

export const statusKey = (s: ReportStatus) => `report.status.${s}` as const;
export const classKey = (c: DeadlineClass) => `report.class.${c}` as const;

/** The label key of a history step; unknown steps (added later by the server) show as they are. */
export function stepKey(action: string): ReportWordKey | null {
  const key = `report.step.${action}`;
  return key in reportWords.vi ? (key as ReportWordKey) : null;
}
