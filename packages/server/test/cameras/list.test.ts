/**
 * GET /api/v1/cameras: health beside each camera, filters by status, admin
 * unit and group, the caller's scope in the query, cursor pages; the groups
 * list; per-camera and per-group grants that narrow a right to those named.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Asset, Camera, CameraGroup } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { createCamera, places, point } from './factories.js';

describeEachDb('cameras: list, groups and grants', (kind) => {
  const t = useTestCityOps(kind);
  let inPdp: Asset[];
  let inGiaSang: Asset;

  beforeAll(async () => {
    const { admin } = t();
    inPdp = [];
    for (let i = 0; i < 5; i++)
      inPdp.push(
        await createCamera(admin, {
          properties: {
            purpose: i % 2 ? 'traffic' : 'security',
            groups: i < 2 ? ['Chợ Thái' + ' Nguyên'] : [],
          },
        }),
      );
    inGiaSang = await createCamera(admin, {
      type: 'anpr_camera',
      geometry: point(places.giaSang.at),
      properties: { purpose: 'traffic' },
    });
    await admin.post('/api/v1/assets', {
      type: 'sensor',
      code: 'NOT-A-CAMERA',
      name: 'Sensor',
      geometry: point(places.phanDinhPhung.at),
    });
  });

  const ids = (body: string) => (JSON.parse(body) as { items: Camera[] }).items.map((c) => c.id);

  it('lists cameras only, with unknown health before any probe, in pages', async () => {
    const { admin } = t();
    const all = await admin.get('/api/v1/cameras?limit=1000');
    expect(all.statusCode, all.body).toBe(200);
    const items = all.json<{ items: Camera[] }>().items;
    expect(items.map((c) => c.type).every((ty) => ty === 'camera' || ty === 'anpr_camera')).toBe(
      true,
    );
    expect(items.find((c) => c.id === inGiaSang.id)?.health).toEqual({
      status: 'unknown',
      reason: null,
      checkedAt: null,
      since: null,
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await admin.get(
        `/api/v1/cameras?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.statusCode).toBe(200);
      const page = res.json<{ items: Camera[]; nextCursor: string | null }>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(items.map((c) => c.id));
  });

  it('filters by status, admin unit and group (ward, purpose, named)', async () => {
    const { admin } = t();
    expect(ids((await admin.get('/api/v1/cameras?status=unknown&limit=1000')).body)).toContain(
      inGiaSang.id,
    );
    expect(ids((await admin.get('/api/v1/cameras?status=offline')).body)).toEqual([]);
    expect(ids((await admin.get(`/api/v1/cameras?adminUnit=${places.giaSang.unit}`)).body)).toEqual(
      [inGiaSang.id],
    );
    expect(
      ids((await admin.get(`/api/v1/cameras?group=ward:${places.giaSang.unit}`)).body),
    ).toEqual([inGiaSang.id]);
    const traffic = ids((await admin.get('/api/v1/cameras?group=purpose:traffic')).body);
    expect(traffic.sort()).toEqual([inPdp[1]!.id, inPdp[3]!.id, inGiaSang.id].sort());
    const named = ids(
      (await admin.get(`/api/v1/cameras?group=${encodeURIComponent('Chợ Thái Nguyên')}`)).body,
    );
    expect(named.sort()).toEqual([inPdp[0]!.id, inPdp[1]!.id].sort());
    const groups = (await admin.get('/api/v1/cameras/groups')).json<{ items: CameraGroup[] }>();
    expect(groups.items).toEqual(
      expect.arrayContaining([
        { key: 'Chợ Thái Nguyên', kind: 'custom', name: 'Chợ Thái Nguyên', cameras: 2 },
        expect.objectContaining({ key: `ward:${places.giaSang.unit}`, kind: 'ward', cameras: 1 }),
        expect.objectContaining({ key: 'purpose:traffic', kind: 'purpose', cameras: 3 }),
      ]),
    );
  });

  it('refuses bad filters naming them', async () => {
    const { admin } = t();
    const bad = await admin.get('/api/v1/cameras?status=broken');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('status');
    const unit = await admin.get('/api/v1/cameras?adminUnit=no-such-unit');
    expect(unit.statusCode).toBe(400);
    expect(unit.body).toContain('adminUnit');
    const cursor = await admin.get('/api/v1/cameras?cursor=WyJ4Il0');
    expect(cursor.statusCode).toBe(400);
    expect(cursor.body).toContain('cursor');
  });

  it('keeps the scope in the query: a ward user sees only their ward, and others as 404', async () => {
    const ward = await t().userWith('operator', { units: [places.giaSang.unit] });
    expect(ids((await ward.get('/api/v1/cameras?limit=1000')).body)).toEqual([inGiaSang.id]);
    expect((await ward.get(`/api/v1/cameras/${inPdp[0]!.id}`)).statusCode).toBe(404);
    // Watching a camera outside the scope: 404 too, and on the camera's record.
    const live = await ward.post(`/api/v1/cameras/${inPdp[0]!.id}/live`, {});
    expect(live.statusCode).toBe(404);
    const record = await t().admin.get(`/api/v1/audit?entity=${inPdp[0]!.id}`);
    const refused = record
      .json<{ items: Array<{ action: string; actorId: string; after: unknown }> }>()
      .items.filter((e) => e.actorId === ward.id && e.action === 'camera.live.denied');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.after).toMatchObject({ because: 'outside_scope' });
    const groups = (await ward.get('/api/v1/cameras/groups')).json<{ items: CameraGroup[] }>();
    expect(groups.items.every((g) => g.cameras <= 1)).toBe(true);
    expect((await t().anonymous.get('/api/v1/cameras')).statusCode).toBe(401);
  });

  it('narrows a right to those a grant names; refused snapshots are audited on the camera', async () => {
    const { admin, cityops } = t();
    const opA = await t().userWith('operator');
    const opB = await t().userWith('operator');
    const principalOf = async (c: { token: string | null }) =>
      (await cityops.people.auth.authenticate(c.token!))!;
    const pA = await principalOf(opA);
    const pB = await principalOf(opB);
    const cam = inPdp[0]!;
    // No grant: the role decides.
    expect(await cityops.cameras.hooks.canViewLive(pA, cam.id)).toBe(true);
    expect(await cityops.cameras.hooks.canViewLive(pB, cam.id)).toBe(true);
    // A grant of live on the named group to A: B loses live on both cameras of the group, not snapshots.
    const grant = await admin.post('/api/v1/cameras/grants', {
      group: 'Chợ Thái Nguyên',
      userId: opA.id,
      rights: ['live'],
    });
    expect(grant.statusCode, grant.body).toBe(201);
    expect(await cityops.cameras.hooks.canViewLive(pA, cam.id)).toBe(true);
    expect(await cityops.cameras.hooks.canViewLive(pB, cam.id)).toBe(false);
    expect(await cityops.cameras.hooks.canViewLive(pB, inPdp[1]!.id)).toBe(false);
    expect(await cityops.cameras.hooks.canViewLive(pB, inPdp[2]!.id)).toBe(true);
    expect(await cityops.cameras.hooks.canViewSnapshot(pB, cam.id)).toBe(true);
    // Snapshot restricted on one camera to the supervisor role: both operators refused.
    const g2 = await admin.post('/api/v1/cameras/grants', {
      cameraId: cam.id,
      role: 'supervisor',
      rights: ['snapshot'],
    });
    expect(g2.statusCode, g2.body).toBe(201);
    await expect(
      cityops.cameras.service.authorize(pB, cam.id, 'snapshot', { ip: '10.0.0.9' }),
    ).rejects.toThrow(/restricted/);
    const audit = await admin.get(`/api/v1/audit?entity=${cam.id}`);
    const actions = audit
      .json<{ items: Array<{ action: string; actorId: string }> }>()
      .items.map((e) => [e.action, e.actorId]);
    expect(actions).toContainEqual(['camera.snapshot.denied', opB.id]);
    const sup = await t().userWith('supervisor');
    expect(await cityops.cameras.hooks.canViewSnapshot(await principalOf(sup), cam.id)).toBe(true);
    // Removing the grants gives the role its say back.
    for (const g of [grant, g2])
      expect(
        (await admin.delete(`/api/v1/cameras/grants/${g.json<{ id: string }>().id}`)).statusCode,
      ).toBe(204);
    expect(await cityops.cameras.hooks.canViewLive(pB, cam.id)).toBe(true);
    // Only cameras:grant holders manage grants; bad grants name the field.
    expect(
      (
        await opA.post('/api/v1/cameras/grants', {
          cameraId: cam.id,
          role: 'operator',
          rights: ['live'],
        })
      ).statusCode,
    ).toBe(403);
    const bad = await admin.post('/api/v1/cameras/grants', { cameraId: cam.id, rights: ['live'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('userId');
  });
});
