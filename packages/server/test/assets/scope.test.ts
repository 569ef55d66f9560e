/**
 * Scope: an operator of one ward against an asset of another ward, on every
 * route that reads or writes assets. Outside the scope an asset does not exist
 * (404, never 403, so its existence does not leak); creating or moving one
 * outside is forbidden (403).
 */
import { beforeAll, expect, it } from 'vitest';
import type { Asset } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps, type Caller } from '../support/app.js';
import { decodeTile } from './tile-decode.js';
import {
  buildAsset,
  createAsset,
  listAll,
  places,
  point,
  tileOf,
  type Problem,
} from './factories.js';

describeEachDb('assets: scope', (kind) => {
  const t = useTestCityOps(kind);
  let wardA: Caller;
  let inA: Asset;
  let inB: Asset;
  let agencyAsset: Asset;

  beforeAll(async () => {
    const { admin } = t();
    const agency = await admin.post('/api/v1/agencies', {
      code: 'DIEN-LUC',
      nameVi: 'Điện lực Thái Nguyên',
      nameEn: 'Thai Nguyen Power',
      kind: 'utilities',
    });
    expect(agency.statusCode, agency.body).toBe(201);
    inA = await createAsset(admin, { code: 'SC-A', geometry: point(places.phanDinhPhung.at) });
    inB = await createAsset(admin, {
      type: 'camera',
      code: 'SC-B',
      geometry: point(places.giaSang.at),
      properties: { username: 'u', password: 'p4ss-word' },
    });
    agencyAsset = await createAsset(admin, {
      code: 'SC-POWER',
      geometry: point(places.bacKan.at),
      agencyCode: 'DIEN-LUC',
    });
    wardA = await t().userWith('operator', { units: [places.phanDinhPhung.unit] });
  });

  it('lists only what is in scope, whatever the filter', async () => {
    const [lon, lat] = places.giaSang.at;
    const urls = [
      '/api/v1/assets',
      `/api/v1/assets?adminUnit=${places.giaSang.unit}`,
      `/api/v1/assets?bbox=${lon - 0.01},${lat - 0.01},${lon + 0.01},${lat + 0.01}`,
      `/api/v1/assets?near=${lon},${lat},500`,
      '/api/v1/assets?q=SC-B',
      '/api/v1/assets?type=camera',
    ];
    for (const url of urls) {
      const codes = (await listAll(wardA, url)).map((a) => a.code);
      expect(codes, url).not.toContain('SC-B');
      expect(codes, url).not.toContain('SC-POWER');
    }
    expect((await listAll(wardA, '/api/v1/assets')).map((a) => a.code)).toEqual(['SC-A']);
    expect((await listAll(t().admin, '/api/v1/assets')).length).toBe(3);
  });

  it('answers 404 for another ward’s asset on read, change and removal, and changes nothing', async () => {
    for (const res of [
      await wardA.get(`/api/v1/assets/${inB.id}`),
      await wardA.patch(`/api/v1/assets/${inB.id}`, { name: 'Mine now' }),
      await wardA.delete(`/api/v1/assets/${inB.id}`),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json<Problem>().title).toBe('Not found');
    }
    expect((await t().admin.get(`/api/v1/assets/${inB.id}`)).json()).toEqual(inB);
  });

  it('forbids creating an asset outside the scope, and moving one out of it', async () => {
    const created = await wardA.post(
      '/api/v1/assets',
      buildAsset({ code: 'SC-OUT', geometry: point(places.giaSang.at) }),
    );
    expect(created.statusCode).toBe(403);
    expect((await listAll(t().admin, '/api/v1/assets?q=SC-OUT')).length).toBe(0);

    const own = await wardA.post('/api/v1/assets', buildAsset({ code: 'SC-A2' }));
    expect(own.statusCode).toBe(201);
    const id = own.json<Asset>().id;
    const moved = await wardA.patch(`/api/v1/assets/${id}`, {
      geometry: point(places.giaSang.at),
    });
    expect(moved.statusCode).toBe(403);
    expect((await wardA.get(`/api/v1/assets/${id}`)).json<Asset>().adminUnit).toBe(
      places.phanDinhPhung.unit,
    );
    expect((await wardA.delete(`/api/v1/assets/${id}`)).statusCode).toBe(204);
  });

  it('sees the assets of its agencies anywhere in the province', async () => {
    const officer = await t().userWith('agency_officer', { agencies: ['DIEN-LUC'] });
    const codes = (await listAll(officer, '/api/v1/assets')).map((a) => a.code);
    expect(codes).toEqual(['SC-POWER']);
    expect((await officer.get(`/api/v1/assets/${agencyAsset.id}`)).statusCode).toBe(200);
    expect((await officer.get(`/api/v1/assets/${inA.id}`)).statusCode).toBe(404);
  });

  it('exports only what is in scope', async () => {
    const csv = await wardA.get('/api/v1/assets/export.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('SC-A');
    expect(csv.body).not.toContain('SC-B');
    expect(csv.body).not.toContain('SC-POWER');
    const geojson = await wardA.get(
      `/api/v1/assets/export.geojson?adminUnit=${places.giaSang.unit}`,
    );
    expect(geojson.json<{ features: unknown[] }>().features).toEqual([]);
  });

  it('keeps other wards’ assets out of the GeoJSON layer and the vector tiles', async () => {
    const layer = await wardA.get('/api/v1/layers/assets.geojson');
    const codes = layer
      .json<{ features: Array<{ properties: { code: string } }> }>()
      .features.map((f) => f.properties.code);
    expect(codes).toEqual(['SC-A']);
    for (const z of [8, 14]) {
      const { x, y } = tileOf(places.giaSang.at, z);
      const mine = decodeTile(await wardA.get(`/api/v1/tiles/assets/${z}/${x}/${y}.mvt`));
      expect((mine.assets ?? []).map((f) => f.properties.code)).not.toContain('SC-B');
      const all = decodeTile(await t().admin.get(`/api/v1/tiles/assets/${z}/${x}/${y}.mvt`));
      expect((all.assets ?? []).map((f) => f.properties.code)).toContain('SC-B');
      const cams = decodeTile(await wardA.get(`/api/v1/tiles/camera/${z}/${x}/${y}.mvt`));
      expect(cams.camera ?? []).toEqual([]);
    }
  });

  it('refuses an import that would place assets outside the scope, storing nothing', async () => {
    const supervisor = await t().userWith('supervisor', { units: [places.phanDinhPhung.unit] });
    const [la, ta] = places.phanDinhPhung.at;
    const [lb, tb] = places.giaSang.at;
    const csv = `type,code,name,lon,lat\nsensor,IMP-A,In A,${la},${ta}\nsensor,IMP-B,In B,${lb},${tb}\n`;
    const res = await supervisor.request('POST', '/api/v1/assets/import', csv, {
      'content-type': 'text/csv',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<Problem>().report!.problems).toEqual([
      { line: 3, field: 'lon', reason: expect.stringMatching(/outside your area/) as string },
    ]);
    expect((await listAll(t().admin, '/api/v1/assets?q=IMP-')).length).toBe(0);
    // An upsert may not take over another ward's asset by its code either.
    const takeOver = `type,code,name,lon,lat\ncamera,SC-B,Taken,${la},${ta}\n`;
    const upsert = await supervisor.request('POST', '/api/v1/assets/import?mode=upsert', takeOver, {
      'content-type': 'text/csv',
    });
    expect(upsert.statusCode).toBe(400);
    expect(upsert.json<Problem>().report!.problems[0]).toMatchObject({ line: 2, field: 'code' });
    expect((await t().admin.get(`/api/v1/assets/${inB.id}`)).json<Asset>().name).toBe(inB.name);
    // Nor move one of its own out of its area.
    const moveOut = `type,code,name,lon,lat\n${inA.type},${inA.code},Moved,${lb},${tb}\n`;
    const moved = await supervisor.request('POST', '/api/v1/assets/import?mode=upsert', moveOut, {
      'content-type': 'text/csv',
    });
    expect(moved.statusCode).toBe(400);
    expect(moved.json<Problem>().report!.problems).toEqual([
      { line: 2, field: 'lon', reason: expect.stringMatching(/outside your area/) as string },
    ]);
    expect((await t().admin.get(`/api/v1/assets/${inA.id}`)).json<Asset>()).toMatchObject({
      name: inA.name,
      adminUnit: places.phanDinhPhung.unit,
    });
  });
});
