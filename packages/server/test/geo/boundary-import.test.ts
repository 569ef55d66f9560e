/** `cityops geo import`: official boundaries replace approximate ones, all or nothing. */
import { expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { importBoundaries } from '../../src/geo/boundary-import.js';
import { systemActor } from '../../src/core/auth/principal.js';
import { systemClock } from '../../src/core/clock.js';
import { ValidationError } from '../../src/core/errors.js';

const square = (lon: number, lat: number, d = 0.01) => ({
  type: 'Polygon',
  coordinates: [
    [
      [lon, lat],
      [lon + d, lat],
      [lon + d, lat + d],
      [lon, lat + d],
      [lon, lat],
    ],
  ],
});
const bowtie = {
  type: 'Polygon',
  coordinates: [
    [
      [105.8, 21.5],
      [105.9, 21.6],
      [105.9, 21.5],
      [105.8, 21.6],
      [105.8, 21.5],
    ],
  ],
};

describeEachDb('boundary import', (kind) => {
  const t = useTestCityOps(kind);
  const run = (fc: unknown, opts: Partial<Parameters<typeof importBoundaries>[5]> = {}) => {
    const { cityops } = t();
    return importBoundaries(cityops.db, cityops.ctx.audit, systemClock, systemActor, fc, {
      codeProperty: 'ma',
      source: 'Sở TN&MT Thái Nguyên (test)',
      timeZone: 'Asia/Ho_Chi_Minh',
      ...opts,
    });
  };

  it('refuses a file with one bad feature, names it, and changes nothing', async () => {
    const { admin } = t();
    const before = (await admin.get('/api/v1/admin-units/19-phuong-ba-xuyen')).json<{
      approximate: boolean;
    }>();
    const fc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { ma: '19-phuong-ba-xuyen' },
          geometry: square(105.84, 21.47),
        },
        { type: 'Feature', properties: { ma: '19-phuong-bach-quang' }, geometry: bowtie },
        { type: 'Feature', properties: {}, geometry: square(105.8, 21.4) },
      ],
    };
    const err = await run(fc).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const paths = (err as ValidationError).errors!.map((e) => e.path);
    expect(paths).toEqual(['features.1.geometry', 'features.2.properties.ma']);
    expect((err as ValidationError).errors![0]!.message).toMatch(/Self-intersection/i);
    const after = (await admin.get('/api/v1/admin-units/19-phuong-ba-xuyen')).json<{
      approximate: boolean;
    }>();
    expect(after.approximate).toBe(before.approximate);
  });

  it('replaces a boundary, clears the approximate flag and audits it', async () => {
    const { admin } = t();
    const report = await run({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { ma: '19-phuong-ba-xuyen' },
          geometry: square(105.84, 21.47),
        },
      ],
    });
    expect(report).toEqual({ updated: 1, created: 0 });
    const unit = (await admin.get('/api/v1/admin-units/19-phuong-ba-xuyen')).json<{
      approximate: boolean;
      source: string;
    }>();
    expect(unit).toMatchObject({ approximate: false, source: 'Sở TN&MT Thái Nguyên (test)' });
    const found = (await admin.get('/api/v1/admin-units/lookup?lon=105.845&lat=21.475')).json<{
      items: Array<{ code: string }>;
    }>();
    expect(found.items.map((u) => u.code)).toContain('19-phuong-ba-xuyen');
    const audit = (await admin.get('/api/v1/audit?entity=19-phuong-ba-xuyen')).json<{
      items: Array<{ action: string }>;
    }>();
    expect(audit.items[0]!.action).toBe('admin_unit.boundary_import');
  });
});
