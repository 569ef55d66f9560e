/** Creating, reading, changing and removing assets: validation, derived admin unit, secrets, audit. */
import { expect, it } from 'vitest';
import type { Asset } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import {
  buildAsset,
  buildCamera,
  createAsset,
  offset,
  pathsOf,
  places,
  point,
  square,
  uniqueCode,
  type Problem,
} from './factories.js';

describeEachDb('assets: create, read, change, remove', (kind) => {
  const t = useTestCityOps(kind);

  it('creates an asset and derives its admin unit from the location', async () => {
    const { admin } = t();
    const res = await admin.post('/api/v1/assets', buildAsset({ tags: ['flood', 'flood'] }));
    expect(res.statusCode).toBe(201);
    const asset = res.json<Asset>();
    expect(asset).toMatchObject({
      type: 'sensor',
      status: 'unknown',
      adminUnit: places.phanDinhPhung.unit,
      geometry: { type: 'Point', coordinates: places.phanDinhPhung.at },
      agencyCode: null,
      tags: ['flood'],
    });
    const got = await admin.get(`/api/v1/assets/${asset.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(asset);
  });

  it('agrees with the admin-unit lookup on every place', async () => {
    const { admin } = t();
    for (const place of Object.values(places)) {
      const asset = await createAsset(admin, { geometry: point(place.at) });
      expect(asset.adminUnit).toBe(place.unit);
      if (!place.unit) continue;
      const [lon, lat] = place.at;
      const lookup = await admin.get(`/api/v1/admin-units/lookup?lat=${lat}&lon=${lon}`);
      const codes = lookup.json<{ items: Array<{ code: string }> }>().items.map((u) => u.code);
      expect(codes).toContain(place.unit);
    }
  });

  it('places a polygon by a point on it', async () => {
    const asset = await createAsset(t().admin, {
      type: 'school',
      geometry: square(offset(places.giaSang.at, -20, -20), 40),
      properties: { level: 'primary', students: 420 },
    });
    expect(asset.adminUnit).toBe(places.giaSang.unit);
    expect(asset.properties).toEqual({ level: 'primary', students: 420 });
  });

  it('recomputes the admin unit when the geometry changes, and only then', async () => {
    const { admin } = t();
    const asset = await createAsset(admin);
    const renamed = await admin.patch(`/api/v1/assets/${asset.id}`, { name: 'Trạm đo mới' });
    expect(renamed.json<Asset>()).toMatchObject({
      name: 'Trạm đo mới',
      adminUnit: places.phanDinhPhung.unit,
      properties: {},
      status: 'unknown',
    });
    const moved = await admin.patch(`/api/v1/assets/${asset.id}`, {
      geometry: point(places.bacKan.at),
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json<Asset>()).toMatchObject({
      name: 'Trạm đo mới',
      adminUnit: places.bacKan.unit,
    });
  });

  it('changes only the fields a patch gives', async () => {
    const { admin } = t();
    const asset = await createAsset(admin, {
      type: 'fire_panel',
      properties: { zones: 8, building: 'Nhà A' },
      status: 'online',
      tags: ['a'],
    });
    const res = await admin.patch(`/api/v1/assets/${asset.id}`, { status: 'alarm' });
    expect(res.json<Asset>()).toMatchObject({
      status: 'alarm',
      properties: { zones: 8, building: 'Nhà A' },
      tags: ['a'],
      code: asset.code,
    });
  });

  it('removes an asset; it is gone afterwards', async () => {
    const { admin } = t();
    const asset = await createAsset(admin);
    expect((await admin.delete(`/api/v1/assets/${asset.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/v1/assets/${asset.id}`)).statusCode).toBe(404);
    expect((await admin.delete(`/api/v1/assets/${asset.id}`)).statusCode).toBe(404);
  });

  it('refuses malformed JSON and wrong field types, naming the fields', async () => {
    const { admin } = t();
    const malformed = await admin.request('POST', '/api/v1/assets', '{"type": "sensor", ', {
      'content-type': 'application/json',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    expect(malformed.json()).toMatchObject({ title: 'Malformed request' });

    const wrong = await admin.post('/api/v1/assets', {
      ...buildAsset(),
      name: 42,
      tags: 'flood',
      status: 'sleeping',
    });
    expect(wrong.statusCode).toBe(400);
    expect(pathsOf(wrong.json<Problem>()).sort()).toEqual(['name', 'status', 'tags']);
    const semicolon = await admin.post('/api/v1/assets', buildAsset({ tags: ['a;b'] }));
    expect(pathsOf(semicolon.json<Problem>())).toEqual(['tags.0']);
  });

  it('refuses coordinates out of range', async () => {
    const res = await t().admin.post('/api/v1/assets', buildAsset({ geometry: point([190, 95]) }));
    expect(res.statusCode).toBe(400);
    const body = res.json<Problem>();
    expect(pathsOf(body).sort()).toEqual(['geometry.coordinates.0', 'geometry.coordinates.1']);
    expect(body.errors![0]!.message).toMatch(/longitude/);
  });

  it('refuses a self-intersecting polygon with the PostGIS reason', async () => {
    const [a, b, c, d] = [
      places.giaSang.at,
      offset(places.giaSang.at, 100, 100),
      offset(places.giaSang.at, 100, 0),
      offset(places.giaSang.at, 0, 100),
    ];
    const bowtie = { type: 'Polygon' as const, coordinates: [[a, b, c, d, a]] };
    const res = await t().admin.post(
      '/api/v1/assets',
      buildAsset({ type: 'school', geometry: bowtie }),
    );
    expect(res.statusCode).toBe(400);
    const body = res.json<Problem>();
    expect(body.errors).toEqual([
      { path: 'geometry', message: expect.stringMatching(/Self-intersection/) as string },
    ]);
  });

  it('refuses an unclosed ring and a geometry the type does not take', async () => {
    const { admin } = t();
    const open = square(places.giaSang.at);
    open.coordinates[0]!.pop();
    open.coordinates[0]!.push(offset(places.giaSang.at, 1, 1));
    const unclosed = await admin.post(
      '/api/v1/assets',
      buildAsset({ type: 'school', geometry: open }),
    );
    expect(unclosed.statusCode).toBe(400);
    expect(pathsOf(unclosed.json<Problem>())).toEqual(['geometry.coordinates.0']);

    const polygonCamera = await admin.post(
      '/api/v1/assets',
      buildCamera({ geometry: square(places.giaSang.at) }),
    );
    expect(polygonCamera.statusCode).toBe(400);
    expect(polygonCamera.json<Problem>().errors).toEqual([
      { path: 'geometry.type', message: expect.stringMatching(/Point/) as string },
    ]);
  });

  it('refuses an unknown asset type, naming type', async () => {
    const res = await t().admin.post('/api/v1/assets', { ...buildAsset(), type: 'volcano' });
    expect(res.statusCode).toBe(400);
    expect(pathsOf(res.json<Problem>())).toEqual(['type']);
  });

  it('checks properties against the type, naming properties.<field>', async () => {
    const { admin } = t();
    const res = await admin.post(
      '/api/v1/assets',
      buildCamera({
        properties: {
          streamUrl: 'http://not-rtsp/',
          fov: { bearing: 400, angle: 60, range: 80 },
          colour: 'red',
        },
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(pathsOf(res.json<Problem>()).sort()).toEqual([
      'properties.colour',
      'properties.fov.bearing',
      'properties.streamUrl',
    ]);
    // A generic sensor takes any properties.
    const sensor = await createAsset(admin, { properties: { unit: 'mm', depth: 2.5 } });
    expect(sensor.properties).toEqual({ unit: 'mm', depth: 2.5 });
    // A patch is checked against the asset's own type.
    const school = await createAsset(admin, { type: 'school' });
    const bad = await admin.patch(`/api/v1/assets/${school.id}`, {
      properties: { students: -3 },
    });
    expect(bad.statusCode).toBe(400);
    expect(pathsOf(bad.json<Problem>())).toEqual(['properties.students']);
  });

  it('refuses a duplicate (type, code) with 409 naming code, and the same code on another type is fine', async () => {
    const { admin } = t();
    const code = uniqueCode('DUP');
    await createAsset(admin, { code });
    const again = await admin.post('/api/v1/assets', buildAsset({ code }));
    expect(again.statusCode).toBe(409);
    expect(pathsOf(again.json<Problem>())).toEqual(['code']);
    await createAsset(admin, { code, type: 'poi' });
    const other = await createAsset(admin);
    const clash = await admin.patch(`/api/v1/assets/${other.id}`, { code });
    expect(clash.statusCode).toBe(409);
  });

  it('refuses an agency that does not exist, and takes one that does', async () => {
    const { admin } = t();
    const res = await admin.post('/api/v1/assets', buildAsset({ agencyCode: 'NO-SUCH-AGENCY' }));
    expect(res.statusCode).toBe(400);
    expect(pathsOf(res.json<Problem>())).toEqual(['agencyCode']);
    const agency = await admin.post('/api/v1/agencies', {
      code: 'PCCC-TN',
      nameVi: 'Phòng Cảnh sát PCCC và CNCH',
      nameEn: 'Fire and rescue police',
      kind: 'fire_police',
      units: [],
    });
    expect(agency.statusCode, agency.body).toBe(201);
    const ok = await createAsset(admin, { type: 'fire_station', agencyCode: 'PCCC-TN' });
    expect(ok.agencyCode).toBe('PCCC-TN');
  });

  it('changes nothing when the input is bad', async () => {
    const { admin } = t();
    const asset = await createAsset(admin, { type: 'school', properties: { students: 100 } });
    const res = await admin.patch(`/api/v1/assets/${asset.id}`, {
      name: 'Should not stick',
      properties: { students: 'many' },
    });
    expect(res.statusCode).toBe(400);
    expect((await admin.get(`/api/v1/assets/${asset.id}`)).json()).toEqual(asset);
    const audit = await admin.get(`/api/v1/audit?entity=${asset.id}`);
    expect(audit.json<{ items: unknown[] }>().items).toHaveLength(1);
  });

  it('refuses a malformed id with 400 and an unknown one with 404', async () => {
    const { admin } = t();
    expect((await admin.get('/api/v1/assets/not-a-uuid')).statusCode).toBe(400);
    const missing = await admin.get('/api/v1/assets/0190a0a0-0000-7000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
  });

  it('never returns write-only properties, nor writes them to the audit trail', async () => {
    const { admin } = t();
    const created = await admin.post('/api/v1/assets', buildCamera());
    expect(created.statusCode).toBe(201);
    const camera = created.json<Asset>();
    expect(camera.properties).toEqual({
      streamUrl: 'rtsp://10.0.0.5/main',
      purpose: 'traffic',
      fov: { bearing: 90, angle: 60, range: 80 },
    });
    const patched = await admin.patch(`/api/v1/assets/${camera.id}`, {
      properties: { ...camera.properties, password: 'N3w-cam-pass' },
    });
    expect(patched.statusCode).toBe(200);
    const seen = [
      created.body,
      patched.body,
      (await admin.get(`/api/v1/assets/${camera.id}`)).body,
      (await admin.get('/api/v1/assets?type=camera&limit=1000')).body,
      (await admin.get('/api/v1/assets/export.csv?type=camera')).body,
      (await admin.get('/api/v1/assets/export.geojson?type=camera')).body,
      (await admin.get('/api/v1/layers/assets.geojson?type=camera')).body,
      (await admin.get(`/api/v1/audit?entity=${camera.id}`)).body,
    ].join('\n');
    for (const secret of ['cam-admin', 'S3cret-cam-pass', 'N3w-cam-pass']) {
      expect(seen).not.toContain(secret);
    }
    // The audit trail says which write-only fields were written, never their values.
    const entries = (await admin.get(`/api/v1/audit?entity=${camera.id}`)).json<{
      items: Array<{ action: string; after: { writeOnlyChanged?: string[] } }>;
    }>().items;
    expect(entries.map((e) => [e.action, e.after.writeOnlyChanged])).toEqual([
      ['asset.update', ['password']],
      ['asset.create', ['password', 'username']],
    ]);
  });

  it('keeps write-only values across changes, replaces them when given, removes them when empty', async () => {
    const { admin, cityops } = t();
    const camera = await createAsset(admin, buildCamera());
    const values = () => cityops.assets.service.writeOnlyValues(camera.id);
    expect(await values()).toEqual({ username: 'cam-admin', password: 'S3cret-cam-pass' });
    await admin.patch(`/api/v1/assets/${camera.id}`, { name: 'Renamed' });
    await admin.patch(`/api/v1/assets/${camera.id}`, { properties: { purpose: 'security' } });
    expect(await values()).toEqual({ username: 'cam-admin', password: 'S3cret-cam-pass' });
    await admin.patch(`/api/v1/assets/${camera.id}`, { properties: { password: 'other-pass' } });
    expect(await values()).toEqual({ username: 'cam-admin', password: 'other-pass' });
    await admin.patch(`/api/v1/assets/${camera.id}`, { properties: { username: '' } });
    expect(await values()).toEqual({ password: 'other-pass' });
  });

  it('audits create, update and delete with before and after', async () => {
    const { admin } = t();
    const asset = await createAsset(admin);
    await admin.patch(`/api/v1/assets/${asset.id}`, { status: 'offline' });
    await admin.delete(`/api/v1/assets/${asset.id}`);
    const entries = (await admin.get(`/api/v1/audit?entity=${asset.id}`)).json<{
      items: Array<{
        action: string;
        entityType: string;
        before: Asset | null;
        after: Asset | null;
      }>;
    }>().items;
    expect(entries.map((e) => e.action)).toEqual(['asset.delete', 'asset.update', 'asset.create']);
    expect(entries.every((e) => e.entityType === 'asset')).toBe(true);
    expect(entries[1]!.before!.status).toBe('unknown');
    expect(entries[1]!.after!.status).toBe('offline');
    expect(entries[0]!.before!.code).toBe(asset.code);
    expect(entries[2]!.after!.adminUnit).toBe(places.phanDinhPhung.unit);
  });

  it('sets a live status for other modules, audited only on change', async () => {
    const { admin, cityops } = t();
    const asset = await createAsset(admin);
    const { systemActor } = await import('../../src/core/auth/principal.js');
    const svc = cityops.assets.service;
    expect((await svc.setStatus(systemActor, asset.id, 'online')).status).toBe('online');
    await svc.setStatus(systemActor, asset.id, 'online');
    const actions = (await admin.get(`/api/v1/audit?entity=${asset.id}`))
      .json<{ items: Array<{ action: string }> }>()
      .items.map((e) => e.action);
    expect(actions).toEqual(['asset.status', 'asset.create']);
  });

  it('needs assets:write to write and assets:read to read', async () => {
    const { anonymous } = t();
    expect((await anonymous.get('/api/v1/assets')).statusCode).toBe(401);
    const viewer = await t().userWith('viewer');
    expect((await viewer.get('/api/v1/assets')).statusCode).toBe(200);
    const res = await viewer.post('/api/v1/assets', buildAsset());
    expect(res.statusCode).toBe(403);
  });
});
