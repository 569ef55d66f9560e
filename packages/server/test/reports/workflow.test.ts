/**
 * The workflow state machine, exhaustively: every action from every status by
 * every kind of caller (role and scope), against a table written here from
 * the rules (issue 4, item 3), independent of the implementation's own.
 */
import { describe, expect, it } from 'vitest';
import { reportStatuses, type ReportStatus } from '@cityops/contracts';
import {
  decide,
  type WorkflowAction,
  type WorkflowActor,
  type WorkflowSubject,
} from '../../src/reports/workflow.js';

const UNIT = '19-phuong-phan-dinh-phung';
const AGENCY = 'UBND-PHUONG-PHAN-DINH-PHUNG';
const CITIZEN = 'c-1';

const staff = (
  role: 'operator' | 'supervisor' | 'administrator' | 'agency_officer' | 'viewer',
  scope: { units?: string[]; agencies?: string[] } | 'all',
): WorkflowActor => ({
  kind: 'staff',
  role,
  scope:
    scope === 'all'
      ? { all: true }
      : { all: false, units: scope.units ?? [], agencies: scope.agencies ?? [] },
});

const actors = {
  operatorIn: staff('operator', { units: [UNIT] }),
  operatorOut: staff('operator', { units: ['19-phuong-gia-sang'] }),
  operatorAll: staff('operator', 'all'),
  supervisorIn: staff('supervisor', { units: [UNIT] }),
  supervisorOut: staff('supervisor', { units: ['19-phuong-gia-sang'] }),
  adminAll: staff('administrator', 'all'),
  officerPrimary: staff('agency_officer', { agencies: [AGENCY], units: [UNIT] }),
  officerOther: staff('agency_officer', { agencies: ['URENCO-TN'], units: [UNIT] }),
  officerNoAgency: staff('agency_officer', 'all'),
  viewer: staff('viewer', 'all'),
  reporter: { kind: 'citizen', id: CITIZEN },
  otherCitizen: { kind: 'citizen', id: 'c-2' },
  integration: { kind: 'integration' },
  system: { kind: 'system' },
} satisfies Record<string, WorkflowActor>;
type ActorName = keyof typeof actors;

const IOC: ActorName[] = ['operatorIn', 'operatorAll', 'supervisorIn', 'adminAll'];
const IOC_ROLES: ActorName[] = [...IOC, 'operatorOut', 'supervisorOut'];
const SUPERVISING: ActorName[] = ['supervisorIn', 'adminAll'];

/** The specification: from which statuses, who may, who is of the right kind at all, and where to. */
const spec: Record<
  WorkflowAction,
  { from: ReportStatus[]; may: ActorName[]; kind: ActorName[]; to: ReportStatus | 'same' }
> = {
  verify: { from: ['received'], may: IOC, kind: IOC_ROLES, to: 'verified' },
  reject: { from: ['received', 'verified'], may: IOC, kind: IOC_ROLES, to: 'rejected' },
  merge: { from: ['received', 'verified'], may: IOC, kind: IOC_ROLES, to: 'merged' },
  assign: { from: ['verified', 'assigned'], may: IOC, kind: IOC_ROLES, to: 'assigned' },
  start: {
    from: ['assigned'],
    may: ['officerPrimary', ...SUPERVISING],
    kind: ['officerPrimary', 'officerOther', 'officerNoAgency', ...SUPERVISING, 'supervisorOut'],
    to: 'in_progress',
  },
  extend: {
    from: ['assigned', 'in_progress'],
    may: ['officerPrimary'],
    kind: ['officerPrimary', 'officerOther', 'officerNoAgency'],
    to: 'same',
  },
  'approve-extension': {
    from: ['assigned', 'in_progress'],
    may: SUPERVISING,
    kind: [...SUPERVISING, 'supervisorOut'],
    to: 'same',
  },
  return: {
    from: ['assigned', 'in_progress'],
    may: ['officerPrimary'],
    kind: ['officerPrimary', 'officerOther', 'officerNoAgency'],
    to: 'verified',
  },
  answer: {
    from: ['in_progress'],
    may: ['officerPrimary', ...SUPERVISING],
    kind: ['officerPrimary', 'officerOther', 'officerNoAgency', ...SUPERVISING, 'supervisorOut'],
    to: 'answered',
  },
  close: { from: ['answered'], may: IOC, kind: IOC_ROLES, to: 'closed' },
  rate: {
    from: ['answered'],
    may: ['reporter'],
    kind: ['reporter', 'otherCitizen'],
    to: 'closed',
  },
  'auto-close': { from: ['answered'], may: ['system'], kind: ['system'], to: 'closed' },
};

function subject(status: ReportStatus, over: Partial<WorkflowSubject> = {}): WorkflowSubject {
  const assigned = !['received', 'verified', 'rejected', 'merged'].includes(status);
  return {
    status,
    adminUnit: UNIT,
    primaryAgency: assigned ? AGENCY : null,
    extensionPending: false,
    reopenCount: 0,
    citizenId: CITIZEN,
    ...over,
  };
}

describe('report workflow', () => {
  const actions = Object.keys(spec) as WorkflowAction[];
  for (const action of actions) {
    describe(action, () => {
      const s = spec[action];
      for (const status of reportStatuses) {
        it(`from ${status}, by every caller`, () => {
          // approve-extension needs a pending request to be allowed at all.
          const subj = subject(status, { extensionPending: action === 'approve-extension' });
          for (const [name, actor] of Object.entries(actors) as Array<[ActorName, WorkflowActor]>) {
            const d = decide(subj, action, actor, { satisfied: true });
            const label = `${action} from ${status} by ${name}`;
            if (!s.kind.includes(name)) {
              expect(d, label).toMatchObject({ ok: false, status: 403 });
            } else if (!s.from.includes(status)) {
              expect(d, label).toMatchObject({ ok: false, status: 409 });
            } else if (!s.may.includes(name)) {
              expect(d, label).toMatchObject({ ok: false, status: 403 });
            } else {
              expect(d, label).toEqual({ ok: true, to: s.to === 'same' ? status : s.to });
            }
          }
        });
      }
    });
  }

  it('explains a wrong transition', () => {
    const d = decide(subject('received'), 'answer', actors.supervisorIn);
    expect(d).toEqual({
      ok: false,
      status: 409,
      reason: 'A report that is received cannot be answered; verify and assign it first.',
      reasonVi: 'Phản ánh đã tiếp nhận thì không thể trả lời; cần xác minh và chuyển xử lý trước.',
    });
    expect(decide(subject('verified'), 'start', actors.adminAll)).toMatchObject({
      reason: 'A report that is verified cannot be started; assign it to an agency first.',
    });
    expect(decide(subject('received'), 'verify', actors.officerPrimary)).toMatchObject({
      status: 403,
      reason:
        'Only IOC operators, supervisors and administrators of its area can verify this report.',
    });
  });

  it('reopens once on "not satisfied", then closes', () => {
    expect(decide(subject('answered'), 'rate', actors.reporter, { satisfied: false })).toEqual({
      ok: true,
      to: 'in_progress',
    });
    expect(
      decide(subject('answered', { reopenCount: 1 }), 'rate', actors.reporter, {
        satisfied: false,
      }),
    ).toEqual({ ok: true, to: 'closed' });
    expect(decide(subject('answered'), 'rate', actors.reporter, { satisfied: true })).toEqual({
      ok: true,
      to: 'closed',
    });
  });

  it('takes one extension request at a time and decides only a pending one', () => {
    const pending = subject('in_progress', { extensionPending: true });
    expect(decide(pending, 'extend', actors.officerPrimary)).toMatchObject({
      ok: false,
      status: 409,
      reason: expect.stringContaining('already waiting') as unknown,
    });
    expect(decide(subject('in_progress'), 'approve-extension', actors.supervisorIn)).toMatchObject({
      ok: false,
      status: 409,
      reason: expect.stringContaining('no extension') as unknown,
    });
    expect(decide(pending, 'approve-extension', actors.supervisorIn)).toEqual({
      ok: true,
      to: 'in_progress',
    });
  });

  it('leaves a report with no admin unit to province-wide staff', () => {
    const noUnit = subject('received', { adminUnit: null });
    expect(decide(noUnit, 'verify', actors.operatorIn)).toMatchObject({ ok: false, status: 403 });
    expect(decide(noUnit, 'verify', actors.operatorAll)).toEqual({ ok: true, to: 'verified' });
  });

  it('lets no one rate a report whose sender is not a citizen account', () => {
    const open311 = subject('answered', { citizenId: null });
    expect(decide(open311, 'rate', actors.reporter, { satisfied: true })).toMatchObject({
      ok: false,
      status: 403,
    });
  });
});
