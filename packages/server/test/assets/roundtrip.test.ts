/** Exports read back through the import as the same assets (CSV and GeoJSON). */
import { expect, it } from 'vitest';
import type { Asset, AssetImportResult } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { buildCamera, createAsset, listAll, places, square } from './factories.js';

describeEachDb('assets: export → import round trip', (kind) => {
  const t = useTestCityOps(kind);

  for (const format of ['csv', 'geojson'] as const) {
    it(`reads its own ${format} export back as the same assets`, async () => {
      const { admin } = t();
      const tag = `rt-${format}`;
      await admin.post('/api/v1/agencies', {
        code: `AG-${format}`,
        nameVi: 'Cơ quan',
        nameEn: 'Agency',
      });
      await createAsset(admin, {
        code: `RT-${format}-1`,
        name: 'Trạm "đo", mưa; số 1',
        tags: [tag, 'rain'],
        status: 'offline',
        properties: { unit: 'mm', depth: 1.5, nested: { a: [1, 2] } },
        agencyCode: `AG-${format}`,
      });
      await createAsset(admin, {
        type: 'hospital',
        code: `RT-${format}-2`,
        geometry: square(places.bacKan.at, 80),
        tags: [tag],
        properties: { beds: 120, phone: '0208 3855 123' },
      });
      await createAsset(admin, buildCamera({ code: `RT-${format}-3`, tags: [tag] }));
      const original = await listAll(admin, `/api/v1/assets?tag=${tag}`);
      const exported = await admin.get(`/api/v1/assets/export.${format}?tag=${tag}`);
      expect(exported.statusCode).toBe(200);
      expect(exported.headers['content-type']).toContain(
        format === 'csv' ? 'text/csv' : 'application/geo+json',
      );
      for (const a of original)
        expect((await admin.delete(`/api/v1/assets/${a.id}`)).statusCode).toBe(204);
      const res = await admin.request('POST', '/api/v1/assets/import', exported.rawPayload, {
        'content-type': format === 'csv' ? 'text/csv' : 'application/geo+json',
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json<AssetImportResult>().created).toBe(3);
      const strip = ({ id: _i, createdAt: _c, updatedAt: _u, ...rest }: Asset) => rest;
      const back = await listAll(admin, `/api/v1/assets?tag=${tag}`);
      expect(back.map(strip)).toEqual(original.map(strip));
    });
  }
});
