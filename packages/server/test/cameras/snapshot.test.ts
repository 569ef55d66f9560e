/**
 * GET /api/v1/cameras/{id}/snapshot from fake cameras on loopback (no real
 * camera exists here): Basic and Digest, the image re-encoded, thumbnails,
 * a short cache shared by concurrent callers, and errors that never show the
 * camera's address or credentials; refusals audited on the camera.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import sharp from 'sharp';
import type { Asset } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { createCamera, places } from './factories.js';
import { startFakeCamera, type FakeCamera } from './fake-camera.js';

const creds = { username: 'snap', password: 'Snap-Secret-31' };

describeEachDb('cameras: snapshots', (kind) => {
  const t = useTestCityOps(kind, { env: { CITYOPS_CAMERA_PROBE_TIMEOUT_MS: '500' } });
  let digest: FakeCamera;
  let basic: FakeCamera;
  let camDigest: Asset;
  let camBasic: Asset;

  beforeAll(async () => {
    digest = await startFakeCamera({ ...creds, scheme: 'digest' });
    basic = await startFakeCamera({ ...creds, scheme: 'basic' });
    camDigest = await createCamera(t().admin, {
      properties: { snapshotUrl: digest.snapshotUrl, ...creds },
    });
    camBasic = await createCamera(t().admin, {
      properties: { snapshotUrl: basic.snapshotUrl, ...creds },
    });
  });
  afterAll(async () => {
    await digest.close();
    await basic.close();
  });

  const fetchesOf = (f: FakeCamera) =>
    f.seen.filter((s) => s.path === '/snapshot.jpg' && s.authorized).length;

  it('answers the image fetched with Digest or Basic credentials, never the address', async () => {
    for (const [cam, fake] of [
      [camDigest, digest],
      [camBasic, basic],
    ] as const) {
      const res = await t().admin.get(`/api/v1/cameras/${cam.id}/snapshot`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('image/jpeg');
      const meta = await sharp(res.rawPayload).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 64, 48]);
      expect(fetchesOf(fake)).toBe(1);
      const headers = JSON.stringify(res.headers);
      expect(headers).not.toContain('127.0.0.1');
      expect(headers).not.toContain(creds.password);
    }
  });

  it('answers thumbnails at most 320 pixels wide, from the cached image', async () => {
    const big = await startFakeCamera({});
    try {
      const cam = await createCamera(t().admin, { properties: { snapshotUrl: big.snapshotUrl } });
      const full = await t().admin.get(`/api/v1/cameras/${cam.id}/snapshot?size=full`);
      const thumb = await t().admin.get(`/api/v1/cameras/${cam.id}/snapshot?size=thumb`);
      expect(thumb.statusCode).toBe(200);
      expect(thumb.headers['content-type']).toBe('image/jpeg');
      expect((await sharp(thumb.rawPayload).metadata()).width).toBeLessThanOrEqual(320);
      expect(full.statusCode).toBe(200);
      expect(fetchesOf(big)).toBe(1);
      const bad = await t().admin.get(`/api/v1/cameras/${cam.id}/snapshot?size=huge`);
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('size');
    } finally {
      await big.close();
    }
  });

  it('shares one fetch among concurrent callers', async () => {
    const shared = await startFakeCamera({ http: 'slow', slowMs: 100 });
    try {
      const cam = await createCamera(t().admin, {
        properties: { snapshotUrl: shared.snapshotUrl },
      });
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => t().admin.get(`/api/v1/cameras/${cam.id}/snapshot`)),
      );
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
      expect(fetchesOf(shared)).toBe(1);
    } finally {
      await shared.close();
    }
  });

  it('says why when there is no image, without the address', async () => {
    const { admin } = t();
    const none = await createCamera(admin, {});
    const res = await admin.get(`/api/v1/cameras/${none.id}/snapshot`);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('snapshotUrl');
    const down = await startFakeCamera({ http: 'silent' });
    const silent = await createCamera(admin, { properties: { snapshotUrl: down.snapshotUrl } });
    const wrong = await createCamera(admin, {
      properties: { snapshotUrl: digest.snapshotUrl, username: 'snap', password: 'nope' },
    });
    try {
      const timeout = await admin.get(`/api/v1/cameras/${silent.id}/snapshot`);
      expect(timeout.statusCode).toBe(503);
      expect(timeout.body).toContain('no answer in time');
      expect(timeout.body).not.toContain('127.0.0.1');
      const refused = await admin.get(`/api/v1/cameras/${wrong.id}/snapshot`);
      expect(refused.statusCode).toBe(503);
      expect(refused.body).toContain('refused the stored credentials');
      expect(refused.body).not.toContain('nope');
    } finally {
      await down.close();
    }
  });

  it('refuses callers outside the scope (404) or the grants (403, audited)', async () => {
    const { admin } = t();
    const elsewhere = await t().userWith('viewer', { units: [places.bacKan.unit] });
    expect((await elsewhere.get(`/api/v1/cameras/${camBasic.id}/snapshot`)).statusCode).toBe(404);
    const viewer = await t().userWith('viewer');
    expect((await viewer.get(`/api/v1/cameras/${camBasic.id}/snapshot`)).statusCode).toBe(200);
    const grant = await admin.post('/api/v1/cameras/grants', {
      cameraId: camBasic.id,
      role: 'supervisor',
      rights: ['snapshot'],
    });
    expect(grant.statusCode).toBe(201);
    const refused = await viewer.get(`/api/v1/cameras/${camBasic.id}/snapshot`);
    expect(refused.statusCode).toBe(403);
    const audit = await admin.get(`/api/v1/audit?entity=${camBasic.id}`);
    expect(
      audit
        .json<{ items: Array<{ action: string; actorId: string }> }>()
        .items.some((e) => e.action === 'camera.snapshot.denied' && e.actorId === viewer.id),
    ).toBe(true);
    expect((await admin.get(`/api/v1/cameras/${camBasic.id}/snapshot`)).statusCode).toBe(200);
  });
});
