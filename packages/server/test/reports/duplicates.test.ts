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
  GIA_SANG_COMMITTEE,
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

  it('offers staff the candidates of a merge: open reports of the category nearby, in scope', async () => {
    const at = places.giaSang.at;
    const send = async (where: [number, number], body: Record<string, unknown> = {}) =>
      (await citizenReport(t().anonymous, { lat: where[1], lon: where[0], ...body })).report.id;
    const dup = await send(at, { description: 'Ổ gà (báo lại)' });
    const near = await send(offset(at, 80, 0), { description: 'Ổ gà lớn cạnh chợ Gia Sàng' });
    const nearer = await send(offset(at, 0, 30), { description: 'Ổ gà giữa đường' });
    const far = await send(offset(at, 900, 0));
    const otherKind = await send(offset(at, 20, 0), {
      categoryCode: 'other',
      description: 'Biển quảng cáo che khuất',
      attributes: {},
    });
    const rejected = await send(offset(at, 40, 0));
    await act(operator, rejected, 'reject', { reason: 'Không đúng' });

    const candidates = async (caller: Caller, id: string, query = '') => {
      const res = await caller.get(`/api/v1/reports/${id}/duplicates${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: Array<ReportDetail & { distance: number }> }>().items;
    };
    const items = await candidates(operator, dup);
    // Nearest first; never itself, another kind, a finished report or one too far.
    expect(items.map((r) => r.id)).toEqual([nearer, near]);
    expect(items[0]).toMatchObject({ status: 'received', description: 'Ổ gà giữa đường' });
    expect(items[0]!.distance).toBeGreaterThan(25);
    expect(items[0]!.distance).toBeLessThan(35);
    expect(items.map((r) => r.id)).not.toContain(otherKind);
    expect((await candidates(operator, dup, '?radius=1000')).map((r) => r.id)).toEqual([
      nearer,
      near,
      far,
    ]);
    // The merge still judges the one picked.
    const merged = await act(operator, dup, 'merge', { into: items[0]!.id });
    expect(merged).toMatchObject({ status: 'merged', mergedInto: nearer });

    // Only what the caller may read: an officer of the ward's committee sees the
    // reports assigned to it, and of those only the candidates also assigned to it.
    const officer = await t().userWith('agency_officer', { agencies: [GIA_SANG_COMMITTEE] });
    expect((await officer.get(`/api/v1/reports/${near}/duplicates`)).statusCode).toBe(404);
    for (const id of [near, far]) {
      await act(operator, id, 'verify');
      await act(operator, id, 'assign', { agency: GIA_SANG_COMMITTEE });
    }
    expect((await candidates(officer, near, '?radius=2000')).map((r) => r.id)).toEqual([far]);
    expect((await candidates(operator, near, '?radius=2000')).map((r) => r.id)).toEqual([
      nearer,
      far,
    ]);
    const bad = await operator.get(`/api/v1/reports/${near}/duplicates?radius=5000`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('radius');
    expect((await t().anonymous.get(`/api/v1/reports/${near}/duplicates`)).statusCode).toBe(401);
  });
});
