/** The asset list: every filter, nearest-first ordering, pagination and bad queries. */
import { beforeAll, expect, it } from 'vitest';
import { assetFilterSchema, type Asset } from '@cityops/contracts';
import { PROVINCE_WIDE } from '../../src/assets/index.js';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import {
  buildCamera,
  createAsset,
  listAll,
  offset,
  pathsOf,
  places,
  point,
  square,
  type AssetPage,
  type Problem,
} from './factories.js';

describeEachDb('assets: list and filters', (kind) => {
  const t = useTestCityOps(kind);
  /** Every asset of this suite carries this tag, so counts ignore other suites' data. */
  const tag = `list-${kind}`;
  const near: Asset[] = [];
  let giaSangSchool: Asset;
  let bacKanSensor: Asset;

  beforeAll(async () => {
    const { admin } = t();
    // Five sensors 0, 100, 200, 300 and 400 m east of a point in Phan Đình Phùng, created out of order.
    for (const east of [300, 0, 400, 100, 200]) {
      near.push(
        await createAsset(admin, {
          code: `LST-${east}`,
          name: `Cảm biến mưa Đường ${east}`,
          geometry: point(offset(places.phanDinhPhung.at, east, 0)),
          tags: [tag, 'rain'],
          status: east >= 300 ? 'offline' : 'online',
        }),
      );
    }
    giaSangSchool = await createAsset(admin, {
      type: 'school',
      code: 'LST-SCHOOL',
      name: 'Trường Tiểu học Gia Sàng',
      geometry: square(places.giaSang.at, 60),
      tags: [tag],
    });
    bacKanSensor = await createAsset(admin, {
      code: 'LST-BK',
      name: 'Trạm quan trắc Bắc Kạn',
      geometry: point(places.bacKan.at),
      tags: [tag, 'air'],
    });
  });

  const codes = (items: Asset[]) => items.map((a) => a.code).sort();
  const list = (query: string) => listAll(t().admin, `/api/v1/assets?tag=${tag}&${query}`);

  it('filters by one type or several', async () => {
    expect(codes(await list('type=school'))).toEqual(['LST-SCHOOL']);
    expect(await list('type=sensor,school')).toHaveLength(7);
    expect(await list('type=camera')).toHaveLength(0);
  });

  it('filters by bounding box, polygons included when they cross it', async () => {
    const [lon, lat] = places.phanDinhPhung.at;
    const box = [lon - 0.0005, lat - 0.0005, lon + 0.0025, lat + 0.0005].join(',');
    // 0.0025° of longitude is about 260 m here: the sensors at 0, 100 and 200 m.
    expect(codes(await list(`bbox=${box}`))).toEqual(['LST-0', 'LST-100', 'LST-200']);
    const [gl, ga] = offset(places.giaSang.at, 30, 30);
    const inside = [gl - 0.0001, ga - 0.0001, gl + 0.0001, ga + 0.0001].join(',');
    expect(codes(await list(`bbox=${inside}`))).toEqual(['LST-SCHOOL']);
  });

  it('keeps points on the edge of a box and leaves out those a hair outside, wide box or thin', async () => {
    const { admin } = t();
    const edge = `edge-${kind}`;
    // A box whose west edge passes through one point; others 1e-7° (1 cm) either side of it.
    const [lon, lat] = [105.9, 21.7];
    for (const [code, x] of [
      ['E-ON', lon],
      ['E-IN', lon + 1e-7],
      ['E-OUT', lon - 1e-7],
    ] as const) {
      await createAsset(admin, { code, geometry: point([x, lat]), tags: [edge] });
    }
    const within = async (minLon: number, maxLon: number) =>
      codes(
        await listAll(
          admin,
          `/api/v1/assets?tag=${edge}&bbox=${minLon},${lat - 0.01},${maxLon},${lat + 0.01}`,
        ),
      );
    expect(await within(lon, lon + 0.01)).toEqual(['E-IN', 'E-ON']);
    // Too thin for the quick test inside the box: the exact one alone.
    expect(await within(lon, lon + 0.0002)).toEqual(['E-IN', 'E-ON']);
    expect(await within(lon - 0.01, lon)).toEqual(['E-ON', 'E-OUT']);
  });

  it('finds assets near a point, nearest first, with their distance', async () => {
    const [lon, lat] = offset(places.phanDinhPhung.at, 120, 0);
    const found = await list(`near=${lon},${lat},250`);
    expect(found.map((a) => a.code)).toEqual(['LST-100', 'LST-200', 'LST-0', 'LST-300']);
    const d = found.map((a) => a.distance!);
    expect(d[0]).toBeGreaterThan(15);
    expect(d[0]).toBeLessThan(25);
    expect([...d].sort((a, b) => a - b)).toEqual(d);
  });

  it('pages through nearest-first results without duplicates or gaps', async () => {
    const [lon, lat] = places.phanDinhPhung.at;
    const paged = await listAll(t().admin, `/api/v1/assets?tag=${tag}&near=${lon},${lat},1000`, 2);
    expect(paged.map((a) => a.code)).toEqual(['LST-0', 'LST-100', 'LST-200', 'LST-300', 'LST-400']);
  });

  it('filters by admin unit, including the units under it', async () => {
    expect(codes(await list(`adminUnit=${places.giaSang.unit}`))).toEqual(['LST-SCHOOL']);
    expect(await list(`adminUnit=${places.phanDinhPhung.unit}`)).toHaveLength(5);
    // The province holds every current commune.
    expect(await list('adminUnit=19')).toHaveLength(7);
    const unknown = await t().admin.get('/api/v1/assets?adminUnit=NOPE');
    expect(unknown.statusCode).toBe(400);
    expect(pathsOf(unknown.json<Problem>())).toEqual(['adminUnit']);
  });

  it('searches code and name without diacritics', async () => {
    expect(codes(await list('q=truong tieu hoc gia sang'))).toEqual(['LST-SCHOOL']);
    expect(codes(await list('q=TRẠM QUAN TRẮC'))).toEqual(['LST-BK']);
    expect(codes(await list('q=lst-bk'))).toEqual(['LST-BK']);
    expect(await list('q=cam bien mua')).toHaveLength(5);
    expect(await list('q=100%25')).toHaveLength(0);
  });

  it('filters by status and tag', async () => {
    expect(codes(await list('status=offline'))).toEqual(['LST-300', 'LST-400']);
    expect(await list('status=online,unknown')).toHaveLength(5);
    expect(codes(await list('tag=air'))).toEqual(['LST-BK']);
    // Several tags, comma-separated or repeated: assets holding all of them.
    expect(codes(await listAll(t().admin, `/api/v1/assets?tag=${tag},air`))).toEqual(['LST-BK']);
    expect(await listAll(t().admin, `/api/v1/assets?tag=rain,air`)).toHaveLength(0);
  });

  it('combines filters', async () => {
    const [lon, lat] = places.phanDinhPhung.at;
    const found = await list(`type=sensor&status=online&near=${lon},${lat},150`);
    expect(found.map((a) => a.code)).toEqual(['LST-0', 'LST-100']);
    expect(bacKanSensor.adminUnit).toBe(places.bacKan.unit);
    expect(giaSangSchool.adminUnit).toBe(places.giaSang.unit);
  });

  it('pages through many assets in creation order with no duplicates and no gaps', async () => {
    const { admin, cityops } = t();
    const { systemActor } = await import('../../src/core/auth/principal.js');
    const pageTag = `pages-${kind}`;
    const made = await cityops.assets.service.importItems(
      systemActor,
      Array.from({ length: 23 }, (_, i) => ({
        type: 'poi' as const,
        code: `PG-${String(i).padStart(2, '0')}`,
        name: `Điểm ${i}`,
        geometry: point(offset(places.giaSang.at, i * 10, 0)),
        tags: [pageTag],
      })),
    );
    expect(made.created).toBe(23);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await admin.get(
        `/api/v1/assets?tag=${pageTag}&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      const page = res.json<AssetPage>();
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((a) => a.code));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => `PG-${String(i).padStart(2, '0')}`));
  });

  it('refuses bad queries, naming the parameter', async () => {
    const { admin } = t();
    const cases: Array<[string, string]> = [
      ['colour=blue', 'colour'],
      ['type=volcano', 'type'],
      ['status=sleepy', 'status'],
      ['bbox=1,2,3', 'bbox'],
      ['bbox=105,21,104,22', 'bbox'],
      ['bbox=-200,21,105,22', 'bbox'],
      ['near=105.8,21.5', 'near'],
      ['near=105.8,21.5,0', 'near'],
      ['near=205.8,21.5,10', 'near'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['cursor=garbage', 'cursor'],
      [`cursor=${Buffer.from('["x"]').toString('base64url')}`, 'cursor'],
    ];
    for (const [query, path] of cases) {
      const res = await admin.get(`/api/v1/assets?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(pathsOf(res.json<Problem>()), query).toEqual([path]);
    }
    // A cursor from a plain list does not fit a nearest-first list.
    const page = (await admin.get(`/api/v1/assets?tag=${tag}&limit=1`)).json<AssetPage>();
    const res = await admin.get(`/api/v1/assets?near=105.8,21.5,100&cursor=${page.nextCursor}`);
    expect(res.statusCode).toBe(400);
  });

  it('answers each item as presentAsset presents it, though the database writes it', async () => {
    const { admin, cityops } = t();
    await createAsset(
      admin,
      buildCamera({ code: 'LST-CAM', tags: [tag, 'ngã tư'], geometry: point(places.bacKan.at) }),
    );
    await createAsset(admin, {
      code: 'LST-OUT',
      name: 'Ngoài tỉnh "xa"\\ \u{1F6A6}',
      geometry: point(places.outside.at),
      properties: { unit: 'mm', depth: { max: 1.25, at: [1, 2] }, note: null },
      tags: [tag],
    });
    const [lon, lat] = places.phanDinhPhung.at;
    for (const query of [{ tag }, { tag, near: `${lon},${lat},100000` }]) {
      const filter = assetFilterSchema.parse(query);
      const presented = await cityops.assets.service.list(filter, { limit: 100 }, PROVINCE_WIDE);
      const written = await cityops.assets.service.listJson(filter, { limit: 100 }, PROVINCE_WIDE);
      expect(presented.length).toBeGreaterThanOrEqual(query.near ? 8 : 9);
      const parsed = written.map((w) => JSON.parse(w.json) as Record<string, unknown>);
      // The same values (what a client reads) and the same fields in the same order.
      expect(parsed).toEqual(JSON.parse(JSON.stringify(presented)));
      expect(parsed.map((p) => Object.keys(p))).toEqual(presented.map((p) => Object.keys(p)));
      expect(written.map((w) => [w.id, w.distance])).toEqual(
        presented.map((p) => [p.id, p.distance]),
      );
      expect(written.map((w) => w.json).join()).not.toContain('S3cret-cam-pass');
    }
    const res = await admin.get(`/api/v1/assets?tag=${tag}&limit=2`);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const page = res.json<AssetPage>();
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('answers 1,000 items at most per page and 50 by default', async () => {
    const page = (await t().admin.get('/api/v1/assets')).json<AssetPage>();
    expect(page.items.length).toBeLessThanOrEqual(50);
  });
});
