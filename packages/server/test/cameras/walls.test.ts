/**
 * Video walls of the camera console: saved per user (each sees and changes
 * only their own), layouts of 1, 4, 9 or 16 tiles, tours through a camera
 * group, cameras checked against the caller's scope, every change audited.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Asset, CameraWall } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps, type Caller } from '../support/app.js';
import { createCamera, places, point } from './factories.js';

interface Problem {
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}

describeEachDb('camera walls', (kind) => {
  const app = useTestCityOps(kind);
  let operator: Caller & { id: string };
  let other: Caller & { id: string };
  let scoped: Caller & { id: string };
  let cams: Asset[];
  let farCamera: Asset;

  beforeAll(async () => {
    cams = [];
    for (let i = 0; i < 5; i++) cams.push(await createCamera(app().admin));
    farCamera = await createCamera(app().admin, { geometry: point(places.bacKan.at) });
    operator = await app().userWith('operator');
    other = await app().userWith('operator');
    scoped = await app().userWith('operator', { units: [places.phanDinhPhung.unit] });
  });

  const wall = (over: Record<string, unknown> = {}) => ({
    name: 'Trung tâm',
    layout: 4,
    tiles: [cams[0]!.id, null, cams[1]!.id],
    ...over,
  });

  describe('saving and reading', () => {
    let saved: CameraWall;

    it('saves a wall of 4 tiles with a tour and reads it back', async () => {
      const res = await operator.post(
        '/api/v1/cameras/walls',
        wall({ tour: { group: 'purpose:security', seconds: 20 } }),
      );
      expect(res.statusCode, res.body).toBe(201);
      saved = res.json<CameraWall>();
      expect(saved).toMatchObject({
        name: 'Trung tâm',
        layout: 4,
        tiles: [cams[0]!.id, null, cams[1]!.id],
        tour: { group: 'purpose:security', seconds: 20 },
      });
      const got = await operator.get(`/api/v1/cameras/walls/${saved.id}`);
      expect(got.statusCode).toBe(200);
      expect(got.json()).toEqual(saved);
      const list = await operator.get('/api/v1/cameras/walls');
      expect(list.json<{ items: CameraWall[] }>().items.map((w) => w.id)).toEqual([saved.id]);
    });

    it('replaces a wall (16 tiles, no tour) and audits before and after', async () => {
      const tiles = [...cams.map((c) => c.id), ...Array<null>(11).fill(null)];
      const res = await operator.request('PUT', `/api/v1/cameras/walls/${saved.id}`, {
        name: 'Toàn tỉnh',
        layout: 16,
        tiles,
        tour: null,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<CameraWall>()).toMatchObject({
        name: 'Toàn tỉnh',
        layout: 16,
        tiles,
        tour: null,
      });
      const audit = await app().admin.get(`/api/v1/audit?entity=${saved.id}`);
      const actions = audit.json<{ items: Array<{ action: string; actorId: string | null }> }>()
        .items;
      expect(actions.map((a) => a.action).sort()).toEqual([
        'camera-wall.create',
        'camera-wall.update',
      ]);
    });

    it("keeps each user's walls to themselves", async () => {
      expect((await other.get('/api/v1/cameras/walls')).json()).toEqual({ items: [] });
      expect((await other.get(`/api/v1/cameras/walls/${saved.id}`)).statusCode).toBe(404);
      const put = await other.request('PUT', `/api/v1/cameras/walls/${saved.id}`, wall());
      expect(put.statusCode).toBe(404);
      expect((await other.delete(`/api/v1/cameras/walls/${saved.id}`)).statusCode).toBe(404);
      // The same name is free for another user.
      expect(
        (await other.post('/api/v1/cameras/walls', wall({ name: 'Toàn tỉnh' }))).statusCode,
      ).toBe(201);
      expect((await operator.get(`/api/v1/cameras/walls/${saved.id}`)).json()).toMatchObject({
        name: 'Toàn tỉnh',
      });
    });

    it('refuses a second wall of the same name for one user, naming the field', async () => {
      const res = await operator.post('/api/v1/cameras/walls', wall({ name: 'Toàn tỉnh' }));
      expect(res.statusCode).toBe(409);
      expect(res.json<Problem>().errors).toEqual([
        { path: 'name', message: expect.any(String) as string },
      ]);
    });

    it('removes a wall, audited', async () => {
      const res = await operator.delete(`/api/v1/cameras/walls/${saved.id}`);
      expect(res.statusCode).toBe(204);
      expect((await operator.get(`/api/v1/cameras/walls/${saved.id}`)).statusCode).toBe(404);
      const audit = await app().admin.get(`/api/v1/audit?entity=${saved.id}`);
      expect(
        audit.json<{ items: Array<{ action: string }> }>().items.map((a) => a.action),
      ).toContain('camera-wall.delete');
    });
  });

  describe('bad input changes nothing and names the field', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['a layout of 6 tiles', { layout: 6 }, 'layout'],
      ['more tiles than the layout', { layout: 1 }, 'tiles'],
      ['a tile that is not an id', { tiles: ['camera-1'] }, 'tiles.0'],
      ['the same camera twice', { tiles: ['x', 'y'] }, 'tiles'],
      ['a tour of 1 second', { tour: { group: 'purpose:traffic', seconds: 1 } }, 'tour.seconds'],
      ['an empty name', { name: '  ' }, 'name'],
      ['an unknown field', { colour: 'red' }, ''],
    ];
    it.each(cases)('%s', async (_label, over, path) => {
      const body = wall(over);
      if ((body.tiles as unknown[])[0] === 'x') body.tiles = [cams[0]!.id, cams[0]!.id];
      const before = (await operator.get('/api/v1/cameras/walls')).json<unknown>();
      const res = await operator.post('/api/v1/cameras/walls', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      const paths = (res.json<Problem>().errors ?? []).map((e) => e.path);
      if (path) expect(paths.some((p) => p === path || p.startsWith(`${path}.`))).toBe(true);
      expect((await operator.get('/api/v1/cameras/walls')).json()).toEqual(before);
    });

    it('refuses a camera that does not exist, naming the tile', async () => {
      const res = await operator.post(
        '/api/v1/cameras/walls',
        wall({ tiles: [cams[0]!.id, '00000000-0000-4000-8000-000000000000'] }),
      );
      expect(res.statusCode).toBe(400);
      expect(res.json<Problem>().errors).toEqual([
        { path: 'tiles.1', message: expect.any(String) as string },
      ]);
    });

    it('refuses an asset that is not a camera', async () => {
      const school = await app().admin.post('/api/v1/assets', {
        type: 'school',
        code: `SCH-${Date.now()}`,
        name: 'Trường',
        geometry: point(places.phanDinhPhung.at),
        properties: {},
      });
      expect(school.statusCode, school.body).toBe(201);
      const res = await operator.post(
        '/api/v1/cameras/walls',
        wall({ tiles: [school.json<Asset>().id] }),
      );
      expect(res.statusCode).toBe(400);
      expect(res.json<Problem>().errors?.[0]?.path).toBe('tiles.0');
    });
  });

  describe('scope and permissions', () => {
    it('a ward-scoped user may put only cameras of the ward on a wall', async () => {
      const ok = await scoped.post('/api/v1/cameras/walls', wall({ name: 'Phường' }));
      expect(ok.statusCode, ok.body).toBe(201);
      const far = await scoped.post(
        '/api/v1/cameras/walls',
        wall({ name: 'Xa', tiles: [cams[0]!.id, farCamera.id] }),
      );
      expect(far.statusCode).toBe(400);
      expect(far.json<Problem>().errors).toEqual([
        { path: 'tiles.1', message: expect.any(String) as string },
      ]);
      // The same camera is fine province-wide.
      const wide = await operator.post(
        '/api/v1/cameras/walls',
        wall({ name: 'Xa', tiles: [cams[0]!.id, farCamera.id] }),
      );
      expect(wide.statusCode, wide.body).toBe(201);
    });

    it('needs a signed-in user', async () => {
      expect((await app().anonymous.get('/api/v1/cameras/walls')).statusCode).toBe(401);
      const key = await app().admin.post('/api/v1/apikeys', { name: 'walls', scope: 'read' });
      expect(key.statusCode, key.body).toBe(201);
      const byKey = app().as(key.json<{ key: string }>().key);
      const res = await byKey.get('/api/v1/cameras/walls');
      expect(res.statusCode).toBe(403);
      expect(res.json<Problem>().detail).toMatch(/signed-in user/);
    });

    it('allows every role that can list cameras', async () => {
      const viewer = await app().userWith('viewer');
      const res = await viewer.post('/api/v1/cameras/walls', wall({ name: 'Viewer' }));
      expect(res.statusCode, res.body).toBe(201);
    });
  });
});
