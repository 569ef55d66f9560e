/**
 * Report statistics against a fixture computed by hand (March 2026, in Hà
 * Nội time): the Decision 766/QĐ-TTg on-time and satisfaction rates, the
 * average handling time in working days, per agency and per unit, and the
 * CSV and XLSX exports with Vietnamese and English headers.
 */
import { beforeAll, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { ReportStats, ReportStatsRow } from '@cityops/contracts';
import { sql } from '../../src/core/db/sql.js';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps, type Caller } from '../support/app.js';
import { createAgencies, FakeClock, places, tempDataDir, WARD_COMMITTEE } from './harness.js';

const U1 = places.phanDinhPhung.unit;
const U2 = places.giaSang.unit;
const A = WARD_COMMITTEE;
const B = 'URENCO-TN';

/** [created, status, agency, unit, deadline, answered, onTime, days, rated, satisfied] (dates at 03:00 UTC = 10:00 local). */
type Row = [
  string,
  string,
  string | null,
  string,
  string,
  string | null,
  boolean | null,
  number | null,
  string | null,
  boolean | null,
];
const FIXTURE: Row[] = [
  ['03-02', 'closed', A, U1, '03-05', '03-04', true, 2, '03-05', true],
  ['03-03', 'closed', A, U1, '03-10', '03-20', false, 13, '03-21', false],
  ['03-10', 'answered', A, U1, '03-13', '03-12', true, 2, null, null],
  ['03-20', 'in_progress', A, U1, '03-25', null, null, null, null, null],
  ['02-20', 'closed', A, U1, '02-27', '03-02', false, 6, '03-03', true],
  ['03-28', 'in_progress', A, U1, '04-20', null, null, null, null, null],
  ['03-05', 'closed', B, U2, '03-10', '03-06', true, 1, '03-07', true],
  ['03-15', 'rejected', B, U2, '03-18', null, null, null, null, null],
  ['03-25', 'in_progress', B, U2, '04-15', null, null, null, null, null],
  ['03-30', 'received', null, U1, '04-02', null, null, null, null, null],
];

const at = (md: string | null) => (md ? `2026-${md}T03:00:00Z` : null);

describeEachDb('reports: statistics', (kind) => {
  const clock = new FakeClock(Date.parse('2026-04-10T02:00:00Z'));
  const t = useTestCityOps(kind, { clock, env: { CITYOPS_DATA_DIR: tempDataDir() } });
  let supervisor: Caller;

  beforeAll(async () => {
    await createAgencies(t().admin);
    supervisor = await t().userWith('supervisor');
    for (const [
      created,
      status,
      agency,
      unit,
      deadline,
      answered,
      onTime,
      days,
      rated,
      satisfied,
    ] of FIXTURE) {
      await t().testDb.db.query(sql`
        INSERT INTO reports (status, category_code, description, channel, primary_agency, admin_unit,
          deadline_class, due_date, deadline_at, answered_at, answered_on_time, handling_working_days,
          rated_at, rating_satisfied, created_at, updated_at, closed_at)
        VALUES (${status}, 'other', 'fixture', 'staff', ${agency}, ${unit}, 'normal',
          ${at(deadline)!.slice(0, 10)}::date, ${at(deadline)}, ${at(answered)}, ${onTime}, ${days},
          ${at(rated)}, ${satisfied}, ${at(created)}, ${at(created)},
          ${status === 'closed' || status === 'rejected' ? at(rated ?? created) : null})`);
    }
  });

  const stats = async (groupBy: 'agency' | 'unit') => {
    const res = await supervisor.get(
      `/api/v1/reports/stats?groupBy=${groupBy}&from=2026-03-01&to=2026-03-31`,
    );
    expect(res.statusCode, res.body).toBe(200);
    return res.json<ReportStats>();
  };
  const row = (s: ReportStats, key: string | null) => s.rows.find((r) => r.key === key)!;

  const A_EXPECTED: Partial<ReportStatsRow> = {
    received: 5,
    handled: 4,
    handledOnTime: 2,
    handledLate: 2,
    dueUnhandled: 1,
    overdueNow: 1,
    onTimeRate: 0.4, // 2 / (4 + 1)
    avgHandlingWorkingDays: 5.75, // (2 + 13 + 2 + 6) / 4
    rated: 3,
    satisfied: 2,
    satisfactionRate: 0.6667,
    satisfaction766: 0.5, // (4 − 2 late or not satisfied) / 4
  };
  const B_EXPECTED: Partial<ReportStatsRow> = {
    received: 3,
    handled: 1,
    handledOnTime: 1,
    handledLate: 0,
    dueUnhandled: 0, // the rejected one does not count
    overdueNow: 0,
    onTimeRate: 1,
    avgHandlingWorkingDays: 1,
    rated: 1,
    satisfied: 1,
    satisfactionRate: 1,
    satisfaction766: 1,
  };

  it('computes the rates per agency', async () => {
    const s = await stats('agency');
    expect(s.rows.map((r) => r.key)).toEqual([A, B, null]);
    expect(row(s, A)).toMatchObject({ ...A_EXPECTED, nameVi: `Cơ quan ${A}` });
    expect(row(s, B)).toMatchObject(B_EXPECTED);
    expect(row(s, null)).toMatchObject({
      nameEn: '(Not assigned)',
      received: 1,
      handled: 0,
      overdueNow: 1,
      onTimeRate: null,
      avgHandlingWorkingDays: null,
      satisfactionRate: null,
      satisfaction766: null,
    });
    expect(s.total).toMatchObject({
      key: null,
      nameEn: 'Total',
      received: 9,
      handled: 5,
      handledOnTime: 3,
      handledLate: 2,
      dueUnhandled: 1,
      overdueNow: 2,
      onTimeRate: 0.5, // 3 / (5 + 1)
      avgHandlingWorkingDays: 4.8, // (23 + 1) / 5
      rated: 4,
      satisfied: 3,
      satisfactionRate: 0.75,
      satisfaction766: 0.6, // (5 − 2) / 5
    });
  });

  it('computes the rates per unit', async () => {
    const s = await stats('unit');
    expect(row(s, U1)).toMatchObject({ ...A_EXPECTED, received: 6, overdueNow: 2 });
    expect(row(s, U2)).toMatchObject(B_EXPECTED);
    expect(row(s, U1).nameVi).toBe('Phường Phan Đình Phùng');
  });

  it('keeps to the caller’s scope, and checks its input', async () => {
    const officer = await t().userWith('agency_officer', { agencies: [B] });
    const s = (
      await officer.get('/api/v1/reports/stats?groupBy=agency&from=2026-03-01&to=2026-03-31')
    ).json<ReportStats>();
    expect(s.rows.map((r) => r.key)).toEqual([B]);
    const bad = await supervisor.get(
      '/api/v1/reports/stats?groupBy=agency&from=2026-03-31&to=2026-03-01',
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('to');
    expect(
      (await supervisor.get('/api/v1/reports/stats?groupBy=street&from=2026-03-01&to=2026-03-31'))
        .statusCode,
    ).toBe(400);
  });

  it('exports CSV with Vietnamese and English headers', async () => {
    const res = await supervisor.get(
      '/api/v1/reports/stats.csv?groupBy=agency&from=2026-03-01&to=2026-03-31',
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain(
      'reports-agency-2026-03-01-2026-03-31.csv',
    );
    const lines = res.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toContain('Tỷ lệ xử lý đúng hạn / On-time rate');
    expect(lines[0]).toContain('Tỷ lệ hài lòng (QĐ 766) / Satisfaction (Decision 766)');
    expect(lines).toHaveLength(5); // header, 3 rows, total
    expect(lines[1]).toContain(`${A},Cơ quan ${A},Agency ${A},5,4,2,2,1,1,0.4,5.75,3,2,0.6667,0.5`);
    const en = await supervisor.get(
      '/api/v1/reports/stats.csv?groupBy=unit&from=2026-03-01&to=2026-03-31&lang=en',
    );
    expect(en.body.split('\n')[0]).toMatch(/^\ufeff?Code,Name \(Vietnamese\),Name,Received,/);
  });

  it('exports XLSX', async () => {
    const res = await supervisor.request(
      'GET',
      '/api/v1/reports/stats.xlsx?groupBy=agency&from=2026-03-01&to=2026-03-31&lang=vi',
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.name).toBe('Phản ánh');
    expect(sheet.getRow(2).getCell(4).value).toBe('Tiếp nhận');
    expect(sheet.getRow(3).getCell(1).value).toBe(A);
    expect(sheet.getRow(3).getCell(10).value).toBe(0.4);
    expect(sheet.getRow(6).getCell(2).value).toBe('Tổng cộng');
    expect(sheet.getColumn(10).numFmt).toBe('0.0%');
  });
});
