/**
 * Deadlines in working days and the jobs that watch them, with a clock the
 * test moves: a report received before Tết is due after it; past its
 * deadline it is overdue and escalated once to the supervisors (a history
 * step, an audit entry, an e-mail notification); an approved extension moves
 * the deadline; an answer nobody rates closes itself; personal data is
 * blanked after the retention period; citizens hear of changes by SMS.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Report, ReportDetail } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { type Caller } from '../support/app.js';
import { sql } from '../../src/core/db/sql.js';
import {
  act,
  citizenReport,
  createAgencies,
  FakeClock,
  places,
  WARD_COMMITTEE,
  useCitizenCityOps,
} from './harness.js';

const DAY = 86_400_000;

describeEachDb('reports: deadlines, escalation, auto-close, retention', (kind) => {
  const { clock, sms, t } = useCitizenCityOps(kind, {
    clock: new FakeClock(Date.parse('2026-02-13T03:00:00Z')), // Friday 13/2, 10:00 in Hà Nội
    env: {
      CITYOPS_REPORT_AUTOCLOSE_DAYS: '7',
      CITYOPS_REPORT_RETENTION_DAYS: '365',
    },
  });
  let operator: Caller;
  let supervisor: Caller;
  let officer: Caller;
  const jobs = () => t().cityops.reports.jobs.runOnce();

  beforeAll(async () => {
    await createAgencies(t().admin);
    operator = await t().userWith('operator');
    supervisor = await t().userWith('supervisor', { units: [places.phanDinhPhung.unit] });
    officer = await t().userWith('agency_officer', { agencies: [WARD_COMMITTEE] });
  });

  it('counts working days across Tết 2026, and escalates an overdue report once', async () => {
    const [lon, lat] = places.phanDinhPhung.at;
    const res = await operator.post('/api/v1/reports', {
      categoryCode: 'traffic_signals',
      description: 'Đèn tín hiệu tắt ở ngã tư',
      lat,
      lon,
      attributes: { signal_fault: 'off' },
    });
    const report = res.json<ReportDetail>();
    // Urgent (1 working day) from Friday 13/2: Tết is 16–20/2, so Monday 23/2.
    expect(report).toMatchObject({
      deadlineClass: 'urgent',
      dueDate: '2026-02-23',
      deadline: '2026-02-23T16:59:59.999Z',
    });
    await act(operator, report.id, 'verify');
    await act(operator, report.id, 'assign', { agency: WARD_COMMITTEE });

    clock.set('2026-02-23T16:00:00Z'); // 23:00 on the due date: not yet overdue
    expect((await jobs()).escalated).toBe(0);
    clock.set('2026-02-24T01:00:00Z');
    const overdue = (await operator.get('/api/v1/reports?overdue=true')).json<{ items: Report[] }>()
      .items;
    expect(overdue.map((r) => r.id)).toEqual([report.id]);
    expect(overdue[0]!.overdue).toBe(true);
    expect(
      (await operator.get('/api/v1/reports?overdue=false'))
        .json<{ items: Report[] }>()
        .items.map((r) => r.id),
    ).not.toContain(report.id);

    const run = await jobs();
    expect(run.escalated).toBe(1);
    expect((await jobs()).escalated).toBe(0);
    const detail = (await supervisor.get(`/api/v1/reports/${report.id}`)).json<ReportDetail>();
    expect(detail.escalatedAt).toBe('2026-02-24T01:00:00.000Z');
    expect(detail.history.at(-1)).toMatchObject({ action: 'escalated', actor: { type: 'system' } });
    const audit = (await t().admin.get(`/api/v1/audit?entity=${report.id}`)).json<{
      items: Array<{ action: string }>;
    }>().items;
    expect(audit.map((a) => a.action)).toContain('report.escalate');
    const rows = await t().testDb.db.query<{
      event: string;
      channel: string;
      status: string;
      last_error: string | null;
    }>(
      sql`SELECT event, channel, status, last_error FROM report_notifications WHERE report_id = ${Number(report.id)} AND channel = 'email'`,
    );
    // No SMTP server here: the e-mail to supervisors is recorded and skipped, not lost silently.
    expect(rows).toEqual([
      {
        event: 'report.escalated',
        channel: 'email',
        status: 'skipped',
        last_error: 'no SMTP server configured',
      },
    ]);

    // An approved extension moves the deadline past now: no longer overdue, escalated again if it runs out.
    await act(officer, report.id, 'start');
    await act(officer, report.id, 'extend', { days: 3, reason: 'Thay bộ điều khiển' });
    const extended = await act(supervisor, report.id, 'approve-extension', { approve: true });
    expect(extended).toMatchObject({ dueDate: '2026-02-26', overdue: false, escalatedAt: null });
    clock.set('2026-02-27T02:00:00Z');
    expect((await jobs()).escalated).toBe(1);
  });

  it('crosses 30/4–1/5 and a weekend', async () => {
    clock.set('2026-04-29T02:00:00Z'); // Wednesday
    const { report } = await citizenReport(t().anonymous);
    // On the spot (3 working days): Thursday 30/4 and Friday 1/5 are holidays, then a weekend.
    expect(report.deadline).toBe('2026-05-06T16:59:59.999Z');
  });

  it('closes an answer nobody rated after 7 days, and tells the citizen by SMS', async () => {
    // A citizen signed in with a phone.
    clock.set('2026-05-04T02:00:00Z');
    await t().anonymous.post('/api/v1/citizen/otp', { phone: '0912 000 111' });
    const code = sms.codeFor('+84912000111')!;
    const token = (
      await t().anonymous.post('/api/v1/citizen/otp/verify', { phone: '0912000111', code })
    ).json<{ token: string }>().token;
    const { report } = await citizenReport(t().as(token));
    for (const [action, body] of [
      ['verify', {}],
      ['assign', {}],
      ['start', {}],
      ['answer', { text: 'Đã xử lý xong' }],
    ] as const) {
      await act(supervisor, report.id, action, body);
    }
    await jobs();
    const texts = sms.sent.filter((m) => m.to === '+84912000111').map((m) => m.text);
    expect(texts.some((x) => x.includes(`Phản ánh #${report.id} đã được tiếp nhận`))).toBe(true);
    expect(texts.some((x) => x.includes(`Phản ánh #${report.id} đã có kết quả xử lý`))).toBe(true);

    clock.advance(6 * DAY);
    expect((await jobs()).autoClosed).toBe(0);
    clock.advance(DAY + 60_000);
    expect((await jobs()).autoClosed).toBe(1);
    const after = (await operator.get(`/api/v1/reports/${report.id}`)).json<ReportDetail>();
    expect(after.status).toBe('closed');
    expect(after.history.at(-1)).toMatchObject({
      action: 'auto_closed',
      actor: { type: 'system' },
    });
  });

  it('blanks the personal data of reports closed for longer than the retention period', async () => {
    clock.set('2026-06-01T02:00:00Z');
    const [lon, lat] = places.phanDinhPhung.at;
    const created = (
      await operator.post('/api/v1/reports', {
        categoryCode: 'other',
        description: 'Điện thoại báo',
        lat,
        lon,
        reporter: { name: 'Lê C', phone: '0977000222', email: 'le.c@example.vn' },
      })
    ).json<ReportDetail>();
    await act(operator, created.id, 'reject', { reason: 'Không thuộc phạm vi' });
    clock.advance(364 * DAY);
    await jobs();
    // A year on, the sessions of the suite have expired: sign in anew.
    const later = await t().userWith('operator');
    const admin = await t().userWith('administrator');
    const kept = (await later.get(`/api/v1/reports/${created.id}`)).json<ReportDetail>();
    expect(kept.personalDataErased).toBe(false);
    clock.advance(2 * DAY);
    expect((await jobs()).erased).toBeGreaterThanOrEqual(1);
    const reporter = (await later.get(`/api/v1/reports/${created.id}/reporter`)).json<
      Record<string, unknown>
    >();
    expect(reporter).toEqual({
      name: null,
      phone: null,
      email: null,
      deviceId: null,
      accountId: null,
      citizenId: null,
    });
    const detail = (await later.get(`/api/v1/reports/${created.id}`)).json<ReportDetail>();
    expect(detail).toMatchObject({
      personalDataErased: true,
      hasReporter: false,
      status: 'rejected',
      description: 'Điện thoại báo',
    });
    const audit = (await admin.get(`/api/v1/audit?entity=${created.id}`)).json<{
      items: Array<{ action: string; after: unknown }>;
    }>().items;
    expect(audit.map((a) => a.action)).toContain('report.personal_data_erased');
    expect(JSON.stringify(audit)).not.toContain('0977000222');
  });
});
