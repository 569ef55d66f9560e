/**
 * Duplicates: the citizen app's nearby check (open reports of the same
 * category within ~200 m), and staff merging a duplicate into its original;
 * the duplicate's reporter then follows the original and hears of its
 * changes.
 */
import { beforeAll, expect, it } from 'vitest';
import type { CitizenReport, ReportDetail } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { type Caller } from '../support/app.js';
import {
  act,
  citizenReport,
  createAgencies,
  offset,
  places,
  useCitizenCityOps,
} from './harness.js';

type Nearby = { items: Array<{ id: string; distance: number }> };

describeEachDb('reports: duplicates', (kind) => {
  const { sms, t, signIn } = useCitizenCityOps(kind);
  let operator: Caller;
  let original: string;

  beforeAll(async () => {
    await createAgencies(t().admin);
    operator = await t().userWith('operator');
    original = (await citizenReport(await signIn('0911111111'))).report.id;
  });

  const nearby = async (at: [number, number], category = 'road_damage', radius?: number) => {
    const res = await t().anonymous.get(
      `/api/v1/citizen/reports/nearby?lat=${at[1]}&lon=${at[0]}&category=${category}${radius ? `&radius=${radius}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Nearby>().items;
  };

  it('finds open reports of the same category within 200 m, nearest first', async () => {
    const close = await nearby(offset(places.phanDinhPhung.at, 100, 50));
    expect(close.map((r) => r.id)).toEqual([original]);
    expect(close[0]!.distance).toBeGreaterThan(100);
    expect(close[0]!.distance).toBeLessThan(125);
    expect(await nearby(offset(places.phanDinhPhung.at, 300, 0))).toEqual([]);
    expect((await nearby(offset(places.phanDinhPhung.at, 300, 0), 'road_damage', 400)).length).toBe(
      1,
    );
    expect(await nearby(places.phanDinhPhung.at, 'noise')).toEqual([]);
    const bad = await t().anonymous.get(
      '/api/v1/citizen/reports/nearby?lat=91&lon=105&category=road_damage',
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('lat');
  });

  it('merges a duplicate into its original; its reporter follows the original', async () => {
    const second = await signIn('0922222222');
    const dup = (await citizenReport(second, { description: 'Ổ gà đã báo rồi' })).report.id;
    const merged = await act(operator, dup, 'merge', { into: original });
    expect(merged).toMatchObject({ status: 'merged', mergedInto: original });
    const orig = (await operator.get(`/api/v1/reports/${original}`)).json<ReportDetail>();
    expect(orig.duplicates).toBe(1);
    expect(orig.history.at(-1)).toMatchObject({ action: 'duplicate_merged' });

    const mine = (await second.get('/api/v1/citizen/reports')).json<{ items: CitizenReport[] }>()
      .items;
    const followed = mine.find((r) => r.id === original)!;
    expect(followed).toMatchObject({ following: true, canRate: false });
    expect(mine.find((r) => r.id === dup)).toMatchObject({
      status: 'merged',
      mergedInto: original,
      following: false,
    });
    expect((await second.get(`/api/v1/citizen/reports/${original}`)).statusCode).toBe(200);
    // Following is not owning: the rating stays the original reporter's.
    const rating = await second.post(`/api/v1/citizen/reports/${original}/rating`, {
      satisfied: true,
    });
    expect([403, 409]).toContain(rating.statusCode);

    // Both reporters hear when the original moves on.
    await act(operator, original, 'verify');
    await t().cityops.reports.jobs.runOnce();
    for (const to of ['+84911111111', '+84922222222'])
      expect(
        sms.sent.some((m) => m.to === to && m.text.includes(`#${original} đã được tiếp nhận`)),
        to,
      ).toBe(true);
    expect(
      sms.sent.some(
        (m) => m.to === '+84922222222' && m.text.includes(`trùng với phản ánh #${original}`),
      ),
    ).toBe(true);
  });

  it('refuses merging into itself, into a finished report, or once assigned', async () => {
    const a = (await citizenReport(t().anonymous)).report.id;
    const p = await operator.post(`/api/v1/reports/${a}/merge`, { into: a });
    expect(p.statusCode).toBe(400);
    expect(p.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('into');
    expect((await operator.post(`/api/v1/reports/${a}/merge`, { into: '999999' })).statusCode).toBe(
      400,
    );
    const done = (await citizenReport(t().anonymous)).report.id;
    await act(operator, done, 'reject', { reason: 'x' });
    const closed = await operator.post(`/api/v1/reports/${a}/merge`, { into: done });
    expect(closed.statusCode).toBe(409);
    await act(operator, a, 'verify');
    await act(operator, a, 'assign');
    expect((await operator.post(`/api/v1/reports/${a}/merge`, { into: original })).statusCode).toBe(
      409,
    );
  });
});
