/**
 * What the front ends asked of the API: the queue by deadline (the overdue
 * on top), keyset-paged; admin unit names in public answers; the public
 * boundaries layer of the citizen app's map; signed, expiring links to the
 * statistics exports.
 */
import { beforeAll, expect, it } from 'vitest';
import type { PublicReport, Report } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps, type Caller } from '../support/app.js';
import { citizenReport, createAgencies, FakeClock, places, tempDataDir } from './harness.js';

describeEachDb('reports: back office queue and public layers', (kind) => {
  const clock = new FakeClock();
  const t = useTestCityOps(kind, {
    clock,
    env: { CITYOPS_DATA_DIR: tempDataDir(), CITYOPS_TOKEN_TTL_HOURS: '8760' },
  });
  let operator: Caller;
  const ids: string[] = [];

  beforeAll(async () => {
    await createAgencies(t().admin);
    operator = await t().userWith('operator');
    // Normal (15 working days), urgent (1) and on-the-spot (3) categories, a day apart each.
    for (const categoryCode of ['other', 'public_security', 'road_damage', 'other']) {
      const attributes = categoryCode === 'road_damage' ? { hazard_level: 'high' } : {};
      ids.push((await citizenReport(t().anonymous, { categoryCode, attributes })).report.id);
      clock.advance(86_400_000);
    }
  });

  it('lists the queue by deadline, earliest first, page by page', async () => {
    const page = async (cursor?: string) => {
      const res = await operator.get(
        `/api/v1/reports?sort=deadline&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: Report[]; nextCursor: string | null }>();
    };
    const first = await page();
    const second = await page(first.nextCursor!);
    const all = [...first.items, ...second.items];
    const deadlines = all.map((r) => r.deadline);
    expect(deadlines).toEqual([...deadlines].sort());
    expect(all.map((r) => r.id).sort()).toEqual([...ids].sort());
    // The urgent report (1 working day) comes first, then the on-the-spot one.
    expect(all.slice(0, 2).map((r) => r.id)).toEqual([ids[1], ids[2]]);
    expect(second.nextCursor).toBeNull();
    // A cursor of the other order is refused, naming it.
    const newest = (await operator.get('/api/v1/reports?limit=1')).json<{ nextCursor: string }>();
    const bad = await operator.get(`/api/v1/reports?sort=deadline&cursor=${newest.nextCursor}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('cursor');
    const badSort = await operator.get('/api/v1/reports?sort=oldest');
    expect(badSort.statusCode).toBe(400);
    expect(badSort.body).toContain('sort');
  });

  it("draws the queue under its filters as map points, in the caller's scope", async () => {
    const [lon, lat] = places.giaSang.at;
    const there = (await citizenReport(t().anonymous, { lat, lon, description: 'Ổ gà ở Gia Sàng' }))
      .report.id;
    const placeless = await operator.post('/api/v1/reports', {
      categoryCode: 'other',
      description: 'Gọi đến đường dây nóng, chỉ có địa chỉ',
      address: 'Tổ 5, phường Phan Đình Phùng',
    });
    expect(placeless.statusCode, placeless.body).toBe(201);
    const map = async (caller: Caller, query = '') => {
      const res = await caller.get(`/api/v1/reports/map${query}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<{ items: Array<{ id: string; lat: number; status: string }> }>();
      expect(body).toMatchObject({ truncated: false });
      return body.items;
    };
    const all = await map(operator);
    // Newest first; a report without a location has no point.
    expect(all.map((p) => p.id)).toEqual([there, ...[...ids].reverse()]);
    expect(all[0]).toMatchObject({
      id: there,
      lat,
      lon,
      status: 'received',
      category: 'road_damage',
    });
    expect((await map(operator, '?category=other')).map((p) => p.id)).toEqual([ids[3], ids[0]]);
    expect((await map(operator, `?unit=${places.giaSang.unit}`)).map((p) => p.id)).toEqual([there]);
    // The staff map shows a rejected report when the filter asks for it (the public one never).
    const rejectedRes = await operator.post(`/api/v1/reports/${ids[0]}/reject`, {
      reason: 'Trùng',
    });
    expect(rejectedRes.statusCode, rejectedRes.body).toBe(200);
    expect((await map(operator, '?status=rejected')).map((p) => p.id)).toEqual([ids[0]]);
    // Only what the caller may read.
    const local = await t().userWith('operator', { units: [places.giaSang.unit] });
    expect((await map(local)).map((p) => p.id)).toEqual([there]);
    const bad = await operator.get('/api/v1/reports/map?status=lost');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('status');
    expect((await t().anonymous.get('/api/v1/reports/map')).statusCode).toBe(401);
  });

  it('names the admin unit in public answers', async () => {
    const res = await t().anonymous.get(`/api/v1/citizen/public/reports/${ids[0]}`);
    expect(res.statusCode).toBe(200);
    const r = res.json<PublicReport>();
    expect(r.adminUnit).toBe(places.phanDinhPhung.unit);
    expect(r.unit?.code).toBe(places.phanDinhPhung.unit);
    expect(r.unit?.nameVi).toMatch(/Phan Đình Phùng/);
  });

  it('serves the public boundaries of communes and districts as GeoJSON', async () => {
    const res = await t().anonymous.get('/api/v1/citizen/public/units.geojson');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    const fc = res.json<{
      type: string;
      features: Array<{ geometry: { type: string }; properties: { code: string } }>;
    }>();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.length).toBeGreaterThan(50);
    const ward = fc.features.find((f) => f.properties.code === places.phanDinhPhung.unit);
    expect(ward?.geometry.type).toMatch(/Polygon/);
    const provinces = (
      await t().anonymous.get('/api/v1/citizen/public/units.geojson?level=province')
    ).json<{ features: unknown[] }>();
    expect(provinces.features.length).toBeGreaterThanOrEqual(1);
    expect(provinces.features.length).toBeLessThan(fc.features.length);
    const bad = await t().anonymous.get('/api/v1/citizen/public/units.geojson?level=hamlet');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('level');
  });

  it('gives signed links to the CSV and XLSX exports, which expire', async () => {
    const q = { groupBy: 'agency', from: '2026-03-01', to: '2026-03-31', lang: 'vi' };
    const res = await operator.post('/api/v1/reports/stats/export-links', { ...q, format: 'csv' });
    expect(res.statusCode, res.body).toBe(201);
    const { url, expiresAt } = res.json<{ url: string; expiresAt: string }>();
    expect(Date.parse(expiresAt) - clock.now().getTime()).toBe(300_000);
    // Followed without any token: the same file the operator downloads with theirs.
    const viaLink = await t().anonymous.get(url);
    expect(viaLink.statusCode, viaLink.body).toBe(200);
    expect(viaLink.headers['content-type']).toMatch(/^text\/csv/);
    expect(viaLink.headers['content-disposition']).toContain('.csv');
    const direct = await operator.get(
      `/api/v1/reports/stats.csv?${new URLSearchParams(q).toString()}`,
    );
    expect(viaLink.body).toBe(direct.body);
    // Altered, used for the other format, or expired: gone.
    const token = new URL(url, 'http://x').searchParams.get('link')!;
    const [body, sig] = token.split('.');
    const forged = Buffer.from(
      Buffer.from(body!, 'base64url')
        .toString()
        .replace('"from":"2026-03-01"', '"from":"2020-01-01"'),
    ).toString('base64url');
    expect(
      (await t().anonymous.get(`/api/v1/reports/stats/export.csv?link=${forged}.${sig}`))
        .statusCode,
    ).toBe(404);
    expect(
      (await t().anonymous.get(`/api/v1/reports/stats/export.xlsx?link=${token}`)).statusCode,
    ).toBe(404);
    const xlsx = await operator.post('/api/v1/reports/stats/export-links', {
      ...q,
      format: 'xlsx',
    });
    const file = await t().anonymous.get(xlsx.json<{ url: string }>().url);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.subarray(0, 2).toString()).toBe('PK');
    clock.advance(301_000);
    const late = await t().anonymous.get(url);
    expect(late.statusCode).toBe(404);
    expect(late.body).toContain('expired');
    // Bad input is refused when the link is asked for, naming the field.
    const bad = await operator.post('/api/v1/reports/stats/export-links', {
      ...q,
      format: 'pdf',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('format');
    const backwards = await operator.post('/api/v1/reports/stats/export-links', {
      ...q,
      from: '2026-04-01',
      format: 'csv',
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.body).toContain('to');
    expect((await t().anonymous.post('/api/v1/reports/stats/export-links', q)).statusCode).toBe(
      401,
    );
  });
});
