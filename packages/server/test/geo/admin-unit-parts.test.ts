/**
 * admin_unit_at() reads the boundaries cut into small parts (migration 0055):
 * it answers as the whole boundaries do, and the parts follow every write to
 * admin_units.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '../../src/core/db/sql.js';
import { describeEachDb, openTestDb, type TestDb } from '../support/db.js';

/** Dates before the reform of 1 July 2025 (two tree versions) and after it. */
const DATES = ['2021-06-01', '2025-06-30', '2025-07-01', '2026-06-01'];

describeEachDb('admin unit parts', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(kind);
  });
  afterAll(() => t.drop());

  const unitAt = async (lon: number, lat: number, date: string) => {
    const [row] = await t.db.query<{ code: string | null }>(
      sql`SELECT admin_unit_at(ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326), ${date}::date) AS code`,
    );
    return row!.code;
  };

  /** Parts whose unit version is gone, and unit versions with a boundary but no part. */
  const strays = async () => {
    const [row] = await t.db.query<{ orphans: number; missing: number }>(sql`
      SELECT
        (SELECT count(*) FROM admin_unit_parts p WHERE NOT EXISTS (
          SELECT 1 FROM admin_units u
          WHERE u.code = p.code AND u.valid_from = p.valid_from
            AND u.valid_to IS NOT DISTINCT FROM p.valid_to AND u.boundary IS NOT NULL)) AS orphans,
        (SELECT count(*) FROM admin_units u WHERE u.boundary IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM admin_unit_parts p
          WHERE p.code = u.code AND p.valid_from = u.valid_from)) AS missing`);
    return { orphans: Number(row!.orphans), missing: Number(row!.missing) };
  };

  it('answers as the whole boundaries do, on and near them, before and after the reform', async () => {
    // Points: a grid over the province and beyond it; every 7th vertex of every
    // boundary version (exactly on it) and the same 1 cm away on four sides;
    // small polygons and lines, placed by a point on them.
    await t.db.exec(`
      CREATE TABLE probe AS
      SELECT 'grid' AS kind, ST_SetSRID(ST_MakePoint(x, y), 4326) AS g
      FROM generate_series(105.30::numeric, 106.40, 0.02) x, generate_series(21.30::numeric, 22.80, 0.02) y;
      CREATE TABLE vertex AS
      SELECT d.geom AS g FROM admin_units u, ST_DumpPoints(u.boundary) d
      WHERE u.boundary IS NOT NULL AND d.path[3] % 7 = 0;
      INSERT INTO probe SELECT 'vertex', g FROM vertex;
      INSERT INTO probe SELECT 'near', ST_Translate(g, dx * 1e-7, dy * 1e-7)
      FROM vertex, (VALUES (1, 0), (-1, 0), (0, 1), (0, -1)) AS o(dx, dy);
      INSERT INTO probe SELECT 'shape', CASE WHEN x::int % 2 = 0
          THEN ST_Buffer(ST_SetSRID(ST_MakePoint(x, y), 4326), 0.004)
          ELSE ST_SetSRID(ST_MakeLine(ST_MakePoint(x, y), ST_MakePoint(x + 0.01, y + 0.005)), 4326) END
      FROM generate_series(105.40::numeric, 106.30, 0.1) x, generate_series(21.40::numeric, 22.70, 0.1) y;
    `);
    const dates = sql`unnest(${DATES}::date[]) AS d(at)`;
    const rows = await t.db.query<{ kind: string; probes: number; placed: number; differ: number }>(
      sql`
      SELECT p.kind, count(*) AS probes, count(a.code) AS placed,
        count(*) FILTER (WHERE a.code IS DISTINCT FROM (
          SELECT u.code FROM admin_units u
          WHERE u.boundary IS NOT NULL
            AND u.valid_from <= d.at AND (u.valid_to IS NULL OR u.valid_to >= d.at)
            AND ST_Intersects(u.boundary, ST_PointOnSurface(p.g))
          ORDER BY CASE u.level WHEN 'commune' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, u.code
          LIMIT 1)) AS differ
      FROM probe p CROSS JOIN ${dates}
      CROSS JOIN LATERAL (SELECT admin_unit_at(p.g, d.at) AS code) a
      GROUP BY p.kind ORDER BY p.kind`,
    );
    const byKind = Object.fromEntries(
      rows.map((r) => [
        r.kind,
        { probes: Number(r.probes), placed: Number(r.placed), differ: Number(r.differ) },
      ]),
    );
    for (const k of ['grid', 'near', 'shape', 'vertex']) {
      expect(byKind[k]?.differ, k).toBe(0);
      // Enough of them land in a unit for the comparison to mean something.
      expect(byKind[k]!.placed, k).toBeGreaterThan(byKind[k]!.probes * 0.3);
    }
    expect(byKind.vertex!.probes).toBeGreaterThan(1000);
  });

  it('follows admin_units: a new version, a changed boundary, an end, a removal', async () => {
    const lon = 105.8442;
    const lat = 21.5925;
    const today = await unitAt(lon, lat, '2026-06-01');
    expect(today).toBe('19-phuong-phan-dinh-phung');
    const square = (x: number, y: number) =>
      JSON.stringify({
        type: 'Polygon',
        coordinates: [
          [
            [x - 0.01, y - 0.01],
            [x + 0.01, y - 0.01],
            [x + 0.01, y + 0.01],
            [x - 0.01, y + 0.01],
            [x - 0.01, y - 0.01],
          ],
        ],
      });
    // A new commune from 2030 over the point (its code sorts before the old one's).
    await t.db.query(sql`
      INSERT INTO admin_units (code, valid_from, name_vi, name_en, level, kind, parent_code, boundary)
      VALUES ('00-thu', '2030-01-01', 'Phường Thử', 'Test Ward', 'commune', 'phuong', '19',
        ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${square(lon, lat)}), 4326)))`);
    expect(await unitAt(lon, lat, '2030-06-01')).toBe('00-thu');
    expect(await unitAt(lon, lat, '2029-12-31')).toBe(today);

    // Its boundary moves 5 km east: the point is back in its old commune.
    await t.db.query(sql`
      UPDATE admin_units SET boundary = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${square(lon + 0.05, lat)}), 4326))
      WHERE code = '00-thu'`);
    expect(await unitAt(lon, lat, '2030-06-01')).toBe(today);
    expect(await unitAt(lon + 0.05, lat, '2030-06-01')).toBe('00-thu');

    // A new name changes nothing the parts hold; an end date does.
    await t.db.query(sql`UPDATE admin_units SET name_en = 'Test Ward 2' WHERE code = '00-thu'`);
    expect(await unitAt(lon + 0.05, lat, '2030-06-01')).toBe('00-thu');
    await t.db.query(sql`UPDATE admin_units SET valid_to = '2030-12-31' WHERE code = '00-thu'`);
    expect(await unitAt(lon + 0.05, lat, '2030-12-31')).toBe('00-thu');
    expect(await unitAt(lon + 0.05, lat, '2031-01-01')).not.toBe('00-thu');

    // The upsert of the boundary import (same key) and a boundary taken away.
    await t.db.query(sql`
      INSERT INTO admin_units (code, valid_from, name_vi, name_en, level, kind, boundary)
      VALUES ('00-thu', '2030-01-01', 'Phường Thử', 'Test Ward', 'commune', 'phuong',
        ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${square(lon, lat)}), 4326)))
      ON CONFLICT (code, valid_from) DO UPDATE SET boundary = EXCLUDED.boundary, valid_to = NULL`);
    expect(await unitAt(lon, lat, '2031-06-01')).toBe('00-thu');
    expect(await unitAt(lon + 0.05, lat, '2030-06-01')).not.toBe('00-thu');
    await t.db.query(sql`UPDATE admin_units SET boundary = NULL WHERE code = '00-thu'`);
    expect(await unitAt(lon, lat, '2031-06-01')).toBe(today);
    expect(await strays()).toEqual({ orphans: 0, missing: 0 });

    // Removed, then all units emptied.
    await t.db.query(sql`
      UPDATE admin_units SET boundary = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${square(lon, lat)}), 4326))
      WHERE code = '00-thu'`);
    expect(await unitAt(lon, lat, '2031-06-01')).toBe('00-thu');
    await t.db.query(sql`DELETE FROM admin_units WHERE code = '00-thu'`);
    expect(await unitAt(lon, lat, '2031-06-01')).toBe(today);
    expect(await strays()).toEqual({ orphans: 0, missing: 0 });
    await t.db.exec('TRUNCATE admin_units');
    const [left] = await t.db.query<{ n: number }>(sql`SELECT count(*) AS n FROM admin_unit_parts`);
    expect(Number(left!.n)).toBe(0);
  });
});
