/**
 * PostGIS on the embedded database, read from the folder the build unpacks
 * (not from a bundle unpacked into memory): the library loads, PROJ finds its
 * database for a projection it has to look up, and PostgreSQL sees the
 * extension's versions and upgrade scripts through the links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { postgisSource, startPglite } from '../../src/core/db/pglite-setup.js';

describe('PostGIS on PGlite, from the unpacked folder', () => {
  let pg: PGlite;
  beforeAll(async () => {
    pg = await startPglite({});
  }, 120_000);
  afterAll(async () => {
    await pg?.close();
  });

  it('is read from the folder the build writes', () => {
    // `npm ci` builds (prepare), so the folder is there wherever the tests run.
    expect(postgisSource()).toBe('folder');
  });

  it('transforms a point to VN-2000 / UTM 48N, which PROJ looks up in its database', async () => {
    const { rows } = await pg.query<{ x: number; y: number; v: string }>(`
      SELECT ST_X(p) AS x, ST_Y(p) AS y, postgis_full_version() AS v
      FROM ST_Transform(ST_MakePoint(105.8, 21.5), 'EPSG:4326', 'EPSG:3405') AS p`);
    // VN-2000's datum shift puts it ~200 m from WGS 84 / UTM 48N (582,865 / 2,377,698).
    expect(rows[0]?.x).toBeCloseTo(582_668.78, 1);
    expect(rows[0]?.y).toBeCloseTo(2_377_805.52, 1);
    expect(rows[0]?.v).toContain('DATABASE_PATH=/pglite/share/proj/proj.db');
  });

  it('lists the installed version and the upgrade paths PostgreSQL reads from the links', async () => {
    const { rows } = await pg.query<{ installed: string; paths: number }>(`
      SELECT (SELECT extversion FROM pg_extension WHERE extname = 'postgis') AS installed,
             (SELECT count(*)::int FROM pg_available_extension_versions WHERE name = 'postgis') AS paths`);
    expect(rows[0]!.installed).toMatch(/^3\.\d+\.\d+$/);
    expect(rows[0]!.paths).toBeGreaterThan(1);
  });
});
