/** Admin units over time: today's tree, history, lookup, boundaries, import of official boundaries. */
import { expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';

interface Unit {
  code: string;
  name: string;
  nameEn: string;
  level: string;
  parentCode: string | null;
  validFrom: string;
  validTo: string | null;
  approximate: boolean;
}
type Page = { items: Unit[]; nextCursor: string | null };

describeEachDb('admin units', (kind) => {
  const t = useTestCityOps(kind);

  async function all(url: string): Promise<Unit[]> {
    const out: Unit[] = [];
    let cursor: string | null = null;
    do {
      const res = await t().admin.get(
        `${url}${url.includes('?') ? '&' : '?'}limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode).toBe(200);
      const page = res.json<Page>();
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  it('lists the merged province with its 92 communes today', async () => {
    const provinces = await all('/api/v1/admin-units?level=province');
    expect(provinces.map((u) => u.code)).toEqual(['19']);
    expect(provinces[0]).toMatchObject({ validFrom: '2025-07-01', validTo: null });
    const communes = await all('/api/v1/admin-units?level=commune');
    expect(communes).toHaveLength(92);
    expect(communes.every((u) => u.parentCode === '19' && u.approximate)).toBe(true);
    expect(await all('/api/v1/admin-units?level=district')).toHaveLength(0);
  });

  it('keeps the units before the reform of 1 July 2025', async () => {
    const before = await all('/api/v1/admin-units?at=2025-06-30&level=province');
    expect(before.map((u) => u.code).sort()).toEqual(['06', '19']);
    const tnCity = await all('/api/v1/admin-units?at=2025-06-30&parent=164');
    expect(tnCity).toHaveLength(32);
    const phoYen = await all('/api/v1/admin-units?at=2025-06-30&parent=172');
    expect(phoYen).toHaveLength(18);
    expect(await all('/api/v1/admin-units?parent=164')).toHaveLength(0);
  });

  it('finds units by name without diacritics', async () => {
    const found = await all('/api/v1/admin-units?q=phan dinh phung');
    expect(found.map((u) => u.code)).toContain('19-phuong-phan-dinh-phung');
    const old = await all('/api/v1/admin-units?q=quan%20trieu&at=2024-01-01');
    expect(old.some((u) => u.name === 'Phường Quán Triều')).toBe(true);
  });

  it('looks a point up, province first, at a date', async () => {
    const { admin } = t();
    const now = (await admin.get('/api/v1/admin-units/lookup?lat=21.5925&lon=105.8442')).json<{
      items: Unit[];
    }>();
    expect(now.items.map((u) => u.level)).toEqual(['province', 'commune']);
    expect(now.items[1]!.code).toBe('19-phuong-phan-dinh-phung');
    const then = (
      await admin.get('/api/v1/admin-units/lookup?lat=21.5925&lon=105.8442&at=2024-05-01')
    ).json<{ items: Unit[] }>();
    expect(then.items.map((u) => u.code)).toEqual(['19', '164', '05449']);
    const outside = (await admin.get('/api/v1/admin-units/lookup?lat=10.77&lon=106.70')).json<{
      items: Unit[];
    }>();
    expect(outside.items).toEqual([]);
  });

  it('refuses a lookup with coordinates out of range, naming the field', async () => {
    const res = await t().admin.get('/api/v1/admin-units/lookup?lat=123&lon=105.8');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('lat');
  });

  it('answers one unit with its GeoJSON boundary, the version valid on the date', async () => {
    const { admin } = t();
    const today = (await admin.get('/api/v1/admin-units/19')).json<{
      validFrom: string;
      boundary: { type: string };
    }>();
    expect(today.validFrom).toBe('2025-07-01');
    expect(today.boundary.type).toBe('MultiPolygon');
    const old = (await admin.get('/api/v1/admin-units/19?at=2020-06-01')).json<{
      validFrom: string;
    }>();
    expect(old.validFrom).toBe('1997-01-01');
    expect((await admin.get('/api/v1/admin-units/NOPE')).statusCode).toBe(404);
  });

  it('serves the boundaries as a GeoJSON layer flagged approximate', async () => {
    const res = await t().admin.get(
      '/api/v1/layers/admin-units.geojson?level=commune&tolerance=0.001',
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/geo+json');
    const fc = res.json<{
      features: Array<{ properties: { code: string; approximate: boolean } }>;
    }>();
    expect(fc.features).toHaveLength(92);
    expect(fc.features.every((f) => f.properties.approximate)).toBe(true);
  });

  it('places a point with admin_unit_at for other modules', async () => {
    const { db } = t().cityops;
    const { sql } = await import('../../src/core/db/sql.js');
    const [row] = await db.query<{ code: string }>(
      sql`SELECT admin_unit_at(ST_SetSRID(ST_MakePoint(105.8442, 21.5925), 4326), '2026-01-01') AS code`,
    );
    expect(row!.code).toBe('19-phuong-phan-dinh-phung');
  });
});
