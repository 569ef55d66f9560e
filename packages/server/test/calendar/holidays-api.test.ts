/**
 * The calendar API: the year's holidays and make-up days (built-in, then the
 * province's entries, which administrators enter and remove, audited), the
 * working-day sums, and a province holiday moving a report's deadline.
 */
import { beforeAll, expect, it } from 'vitest';
import type { CalendarDayView, ReportDetail } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { createAgencies, FakeClock, places, tempDataDir } from '../reports/harness.js';

describeEachDb('calendar API', (kind) => {
  const clock = new FakeClock(Date.parse('2026-08-31T02:00:00Z')); // Monday 31/8
  const t = useTestCityOps(kind, { clock, env: { CITYOPS_DATA_DIR: tempDataDir() } });
  beforeAll(() => createAgencies(t().admin));

  const days = async (year: number) =>
    (await t().anonymous.get(`/api/v1/calendar/holidays?year=${year}`)).json<{
      items: CalendarDayView[];
    }>().items;

  it('lists the built-in days of a year, decided or estimated', async () => {
    const y2026 = await days(2026);
    expect(y2026.find((d) => d.date === '2026-02-17')).toMatchObject({
      kind: 'holiday',
      nameEn: 'Lunar New Year (Tết)',
      official: true,
      builtIn: true,
    });
    const y2025 = await days(2025);
    expect(y2025.find((d) => d.date === '2025-04-26')).toMatchObject({
      kind: 'workday',
      nameEn: 'Make-up working day',
    });
    const y2028 = await days(2028);
    expect(y2028.find((d) => d.date === '2028-01-26')).toMatchObject({
      official: false,
      nameVi: 'Tết Nguyên đán',
    });
  });

  it('sums working days and finds the n-th one', async () => {
    const sum = await t().anonymous.get(
      '/api/v1/calendar/working-days?from=2026-02-13&to=2026-02-24',
    );
    expect(sum.json()).toEqual({ from: '2026-02-13', to: '2026-02-24', workingDays: 2 });
    const add = await t().anonymous.get('/api/v1/calendar/working-days?from=2026-04-29&add=3');
    expect(add.json()).toEqual({ from: '2026-04-29', to: '2026-05-06', workingDays: 3 });
    expect(
      (await t().anonymous.get('/api/v1/calendar/working-days?from=2026-04-29')).statusCode,
    ).toBe(400);
  });

  it("takes the province's decisions, which move deadlines, for administrators only", async () => {
    const [lon, lat] = places.phanDinhPhung.at;
    const submit = async () =>
      (
        await t().admin.post('/api/v1/reports', {
          categoryCode: 'traffic_signals',
          description: 'x',
          lat,
          lon,
          attributes: { signal_fault: 'off' },
        })
      ).json<ReportDetail>();
    // Monday 31/8 with one working day: Tuesday 1/9 and Wednesday 2/9 are the National Day, so Thursday 3/9.
    expect((await submit()).dueDate).toBe('2026-09-03');
    const entry = {
      kind: 'holiday',
      nameVi: 'Nghỉ hoán đổi Quốc khánh',
      nameEn: 'National Day swap',
      source: 'Quyết định của UBND tỉnh (thử nghiệm)',
    };
    const operator = await t().userWith('operator');
    expect(
      (await operator.request('PUT', '/api/v1/calendar/holidays/2026-09-03', entry)).statusCode,
    ).toBe(403);
    const put = await t().admin.request('PUT', '/api/v1/calendar/holidays/2026-09-03', entry);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ date: '2026-09-03', builtIn: false, official: true });
    expect((await submit()).dueDate).toBe('2026-09-04');
    expect((await days(2026)).find((d) => d.date === '2026-09-03')).toMatchObject({
      nameEn: 'National Day swap',
      builtIn: false,
    });
    expect((await t().admin.delete('/api/v1/calendar/holidays/2026-09-03')).statusCode).toBe(204);
    expect((await submit()).dueDate).toBe('2026-09-03');
    expect((await t().admin.delete('/api/v1/calendar/holidays/2026-09-03')).statusCode).toBe(404);
    const audit = (await t().admin.get('/api/v1/audit?entity=2026-09-03')).json<{
      items: Array<{ action: string }>;
    }>().items;
    expect(audit.map((a) => a.action).sort()).toEqual([
      'calendar.day_create',
      'calendar.day_delete',
    ]);
  });
});
