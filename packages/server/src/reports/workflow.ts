/**
 * The workflow of a citizen report, as one pure state machine: which action
 * moves a report from which status to which, and who may do it.
 *
 *   received ──verify──▶ verified ──assign──▶ assigned ──start──▶ in_progress ──answer──▶ answered
 *      │  └──reject/merge──┐  ▲                   │  ▲                  │                  │
 *      └──────reject/merge─┴▶ rejected | merged   │  └─assign (again)   │                  ├─rate satisfied, close,
 *                             ▲                   └──────return─────────┴──▶ verified      │ auto-close ──▶ closed
 *                             └ (from received or verified)                                └─rate not satisfied
 *                                                                                           (once) ──▶ in_progress
 *
 * Who: IOC staff (operators, supervisors, administrators) within their admin
 * units verify, reject, merge, assign and close; an officer of the report's
 * primary agency starts, asks for an extension, returns a misrouted report
 * and answers (supervisors and administrators may start and answer for
 * them); a supervisor or administrator decides an extension; the citizen who
 * sent the report rates the answer; the system closes an answer nobody rated.
 * Every refusal says why: 403 when the caller may never do it here, 409 when
 * the report is not in a status that allows it.
 */
import type { ReportAction, ReportStatus, Role } from '@cityops/contracts';
import type { Scope } from '../core/auth/principal.js';

/** What the machine needs to know of a report. */
export interface WorkflowSubject {
  status: ReportStatus;
  adminUnit: string | null;
  primaryAgency: string | null;
  extensionPending: boolean;
  reopenCount: number;
  /** The citizen account that sent it (null: Open311, staff, or erased). */
  citizenId: string | null;
}

export type WorkflowActor =
  | { kind: 'staff'; role: Role; scope: Scope }
  | { kind: 'citizen'; id: string }
  | { kind: 'integration' }
  | { kind: 'system' };

export type WorkflowAction = ReportAction | 'rate' | 'auto-close';

export interface WorkflowInput {
  /** For `rate`. */
  satisfied?: boolean;
}

/** A step allowed, with the status it leads to; or refused, with why in English and in Vietnamese. */
export type Decision =
  | { ok: true; to: ReportStatus }
  | { ok: false; status: 403 | 409; reason: string; reasonVi: string };

/** A rating of "not satisfied" reopens a report this many times at most. */
export const MAX_REOPEN = 1;

type Who = 'ioc' | 'officer' | 'officer-or-supervisor' | 'supervisor' | 'reporter' | 'system';

interface Rule {
  from: readonly ReportStatus[];
  who: Who;
  to: (s: WorkflowSubject, input: WorkflowInput) => ReportStatus;
  /** A further condition on the report, with the reason when it fails (409), in English and Vietnamese. */
  check?: (s: WorkflowSubject) => { en: string; vi: string } | undefined;
}

const same = (s: WorkflowSubject) => s.status;

export const RULES: Record<WorkflowAction, Rule> = {
  verify: { from: ['received'], who: 'ioc', to: () => 'verified' },
  reject: { from: ['received', 'verified'], who: 'ioc', to: () => 'rejected' },
  merge: { from: ['received', 'verified'], who: 'ioc', to: () => 'merged' },
  assign: { from: ['verified', 'assigned'], who: 'ioc', to: () => 'assigned' },
  start: { from: ['assigned'], who: 'officer-or-supervisor', to: () => 'in_progress' },
  extend: {
    from: ['assigned', 'in_progress'],
    who: 'officer',
    to: same,
    check: (s) =>
      s.extensionPending
        ? {
            en: 'an extension is already waiting for a decision',
            vi: 'đã có một đề nghị gia hạn đang chờ quyết định',
          }
        : undefined,
  },
  'approve-extension': {
    from: ['assigned', 'in_progress'],
    who: 'supervisor',
    to: same,
    check: (s) =>
      s.extensionPending
        ? undefined
        : { en: 'no extension has been asked for', vi: 'chưa có đề nghị gia hạn nào' },
  },
  return: { from: ['assigned', 'in_progress'], who: 'officer', to: () => 'verified' },
  answer: { from: ['in_progress'], who: 'officer-or-supervisor', to: () => 'answered' },
  close: { from: ['answered'], who: 'ioc', to: () => 'closed' },
  rate: {
    from: ['answered'],
    who: 'reporter',
    to: (s, input) => (input.satisfied || s.reopenCount >= MAX_REOPEN ? 'closed' : 'in_progress'),
  },
  'auto-close': { from: ['answered'], who: 'system', to: () => 'closed' },
};

const IOC_ROLES: readonly Role[] = ['operator', 'supervisor', 'administrator'];
const SUPERVISORS: readonly Role[] = ['supervisor', 'administrator'];

const STATUS_TEXT: Record<ReportStatus, string> = {
  received: 'received',
  verified: 'verified',
  rejected: 'rejected',
  assigned: 'assigned',
  in_progress: 'in progress',
  answered: 'answered',
  closed: 'closed',
  merged: 'merged into another report',
};

const ACTION_TEXT: Record<WorkflowAction, string> = {
  verify: 'verified',
  reject: 'rejected',
  merge: 'merged',
  assign: 'assigned',
  start: 'started',
  extend: 'given more time',
  'approve-extension': 'given a decision on its extension',
  return: 'returned to the IOC',
  answer: 'answered',
  close: 'closed',
  rate: 'rated',
  'auto-close': 'closed automatically',
};

const ACTION_VERB: Record<WorkflowAction, string> = {
  verify: 'verify',
  reject: 'reject',
  merge: 'merge',
  assign: 'assign',
  start: 'start',
  extend: 'ask for more time for',
  'approve-extension': 'decide on an extension of',
  return: 'return',
  answer: 'answer',
  close: 'close',
  rate: 'rate the answer to',
  'auto-close': 'close automatically',
};

/** What has to happen first, from a status. */
const NEXT_STEP: Record<ReportStatus, string> = {
  received: 'verify and assign it first',
  verified: 'assign it to an agency first',
  assigned: 'the agency has to start it first',
  in_progress: 'the agency has to answer it first',
  answered: "it waits for the citizen's rating",
  rejected: 'it was rejected',
  closed: 'it is closed',
  merged: 'follow the report it was merged into',
};

/** The same texts in Vietnamese (the refusals' `detail` for callers who prefer it). */
const STATUS_TEXT_VI: Record<ReportStatus, string> = {
  received: 'đã tiếp nhận',
  verified: 'đã xác minh',
  rejected: 'không được tiếp nhận',
  assigned: 'đã chuyển xử lý',
  in_progress: 'đang xử lý',
  answered: 'đã có kết quả',
  closed: 'đã hoàn thành',
  merged: 'đã được gộp vào phản ánh khác',
};

const ACTION_VERB_VI: Record<WorkflowAction, string> = {
  verify: 'xác minh',
  reject: 'từ chối tiếp nhận',
  merge: 'gộp',
  assign: 'chuyển xử lý',
  start: 'bắt đầu xử lý',
  extend: 'xin gia hạn cho',
  'approve-extension': 'quyết định gia hạn cho',
  return: 'trả lại',
  answer: 'trả lời',
  close: 'kết thúc',
  rate: 'đánh giá kết quả của',
  'auto-close': 'tự động đóng',
};

/** The action as named after "không thể" (cannot), with no object. */
const ACTION_NAME_VI: Record<WorkflowAction, string> = {
  verify: 'xác minh',
  reject: 'từ chối tiếp nhận',
  merge: 'gộp',
  assign: 'chuyển xử lý',
  start: 'bắt đầu xử lý',
  extend: 'xin gia hạn',
  'approve-extension': 'quyết định gia hạn',
  return: 'trả lại Trung tâm',
  answer: 'trả lời',
  close: 'kết thúc',
  rate: 'đánh giá',
  'auto-close': 'tự động đóng',
};

const NEXT_STEP_VI: Record<ReportStatus, string> = {
  received: 'cần xác minh và chuyển xử lý trước',
  verified: 'cần chuyển cho cơ quan xử lý trước',
  assigned: 'cơ quan xử lý cần bắt đầu xử lý trước',
  in_progress: 'cơ quan xử lý cần trả lời trước',
  answered: 'phản ánh đang chờ người dân đánh giá',
  rejected: 'phản ánh đã không được tiếp nhận',
  closed: 'phản ánh đã kết thúc',
  merged: 'hãy theo dõi phản ánh gốc mà nó đã được gộp vào',
};

/** Whether the report lies in a staff member's units (a report with no unit: province-wide staff only). */
export function inUnits(scope: Scope, adminUnit: string | null): boolean {
  return scope.all || (adminUnit !== null && scope.units.includes(adminUnit));
}

/** Whether a staff member is an officer of the report's primary agency. */
export function isPrimaryOfficer(actor: WorkflowActor, s: WorkflowSubject): boolean {
  return (
    actor.kind === 'staff' &&
    actor.role === 'agency_officer' &&
    !actor.scope.all &&
    s.primaryAgency !== null &&
    actor.scope.agencies.includes(s.primaryAgency)
  );
}

const WHO_TEXT_VI: Record<Who, string> = {
  ioc: 'Chỉ điều hành viên, giám sát viên và quản trị viên của Trung tâm phụ trách địa bàn',
  officer: 'Chỉ cán bộ của cơ quan được giao xử lý',
  'officer-or-supervisor':
    'Chỉ cán bộ của cơ quan được giao xử lý, hoặc giám sát viên phụ trách địa bàn,',
  supervisor: 'Chỉ giám sát viên hoặc quản trị viên phụ trách địa bàn',
  reporter: 'Chỉ người dân đã gửi phản ánh',
  system: 'Chỉ hệ thống CityOps',
};

const WHO_TEXT: Record<Who, string> = {
  ioc: 'Only IOC operators, supervisors and administrators of its area',
  officer: 'Only an officer of the agency it is assigned to',
  'officer-or-supervisor':
    'Only an officer of the agency it is assigned to, or a supervisor of its area,',
  supervisor: 'Only a supervisor or administrator of its area',
  reporter: 'Only the citizen who sent it',
  system: 'Only CityOps itself',
};

/** Whether the caller's kind and role can ever do it (else 403 before looking at the status). */
function eligible(who: Who, actor: WorkflowActor): boolean {
  const role = actor.kind === 'staff' ? actor.role : undefined;
  switch (who) {
    case 'ioc':
      return !!role && IOC_ROLES.includes(role);
    case 'officer':
      return role === 'agency_officer';
    case 'officer-or-supervisor':
      return role === 'agency_officer' || (!!role && SUPERVISORS.includes(role));
    case 'supervisor':
      return !!role && SUPERVISORS.includes(role);
    case 'reporter':
      return actor.kind === 'citizen';
    case 'system':
      return actor.kind === 'system';
  }
}

/** Whether the caller may do it on this report (its area, its agency, its own report). */
function entitled(who: Who, actor: WorkflowActor, s: WorkflowSubject): boolean {
  const staffIn = (roles: readonly Role[]) =>
    actor.kind === 'staff' && roles.includes(actor.role) && inUnits(actor.scope, s.adminUnit);
  switch (who) {
    case 'ioc':
      return staffIn(IOC_ROLES);
    case 'officer':
      return isPrimaryOfficer(actor, s);
    case 'officer-or-supervisor':
      return isPrimaryOfficer(actor, s) || staffIn(SUPERVISORS);
    case 'supervisor':
      return staffIn(SUPERVISORS);
    case 'reporter':
      return actor.kind === 'citizen' && s.citizenId !== null && actor.id === s.citizenId;
    case 'system':
      return actor.kind === 'system';
  }
}

/** Decides an action: the status it leads to, or why not. */
export function decide(
  s: WorkflowSubject,
  action: WorkflowAction,
  actor: WorkflowActor,
  input: WorkflowInput = {},
): Decision {
  const rule = RULES[action];
  const refused = (): Decision => ({
    ok: false,
    status: 403,
    reason: `${WHO_TEXT[rule.who]} can ${ACTION_VERB[action]} this report.`,
    reasonVi: `${WHO_TEXT_VI[rule.who]} mới được ${ACTION_VERB_VI[action]} phản ánh này.`,
  });
  if (!eligible(rule.who, actor)) return refused();
  if (!rule.from.includes(s.status)) {
    return {
      ok: false,
      status: 409,
      reason: `A report that is ${STATUS_TEXT[s.status]} cannot be ${ACTION_TEXT[action]}; ${NEXT_STEP[s.status]}.`,
      reasonVi: `Phản ánh ${STATUS_TEXT_VI[s.status]} thì không thể ${ACTION_NAME_VI[action]}; ${NEXT_STEP_VI[s.status]}.`,
    };
  }
  if (!entitled(rule.who, actor, s)) return refused();
  const problem = rule.check?.(s);
  if (problem) {
    return {
      ok: false,
      status: 409,
      reason: `This report cannot be ${ACTION_TEXT[action]}: ${problem.en}.`,
      reasonVi: `Không thể ${ACTION_VERB_VI[action]} phản ánh này: ${problem.vi}.`,
    };
  }
  return { ok: true, to: rule.to(s, input) };
}
