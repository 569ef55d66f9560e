/**
 * Camera health: probes of fake cameras on loopback (RTSP OPTIONS/DESCRIBE with
 * Digest, snapshot over HTTP with Digest, ONVIF GetDeviceInformation with
 * WS-Security), the verdicts and their reasons in both languages, the probe
 * route, status changes as events that open and resolve an alert through the
 * default rule, uptime, and a round that a silent camera does not hold up.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Asset, CameraHealth } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { createCamera, places, point } from './factories.js';
import { startFakeCamera, type FakeCamera } from './fake-camera.js';
import { sql } from '../../src/core/db/sql.js';
import { seedCameraRules, CAMERA_OFFLINE_RULE } from '../../src/cameras/rules.js';

const creds = { username: 'admin', password: 'Cam-Secret-77' };

describeEachDb('cameras: health', (kind) => {
  const t = useTestCityOps(kind, {
    env: { CITYOPS_CAMERA_PROBE_TIMEOUT_MS: '2000', CITYOPS_CAMERA_PROBE_CONCURRENCY: '4' },
  });
  let fake: FakeCamera;
  let good: Asset;

  beforeAll(async () => {
    fake = await startFakeCamera({ ...creds, scheme: 'digest' });
    good = await createCamera(t().admin, {
      properties: {
        streamUrl: fake.rtspUrl,
        snapshotUrl: fake.snapshotUrl,
        onvifUrl: fake.onvifUrl,
        ...creds,
      },
    });
  });
  afterAll(() => fake.close());

  const probe = async (id: string) => {
    const res = await t().admin.post(`/api/v1/cameras/${id}/probe`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<CameraHealth>();
  };

  it('is unknown before the first probe, online once every check answers with the credentials', async () => {
    const before = await t().admin.get(`/api/v1/cameras/${good.id}`);
    expect(before.json<{ health: CameraHealth }>().health.status).toBe('unknown');
    const h = await probe(good.id);
    expect(h.status, JSON.stringify(h)).toBe('online');
    expect(h.reason).toBeNull();
    expect(h.checks?.rtsp?.ok).toBe(true);
    expect(h.checks?.snapshot?.ok).toBe(true);
    expect(h.checks?.onvif?.detail).toBe('FakeVision FV-2000');
    // The fake saw the credentials only after asking for them (Digest).
    expect(fake.seen.some((s) => s.method === 'DESCRIBE' && s.authorized)).toBe(true);
    expect(fake.seen.some((s) => s.path === '/snapshot.jpg' && !s.authorized)).toBe(true);
    const listed = await t().admin.get('/api/v1/cameras?status=online');
    expect(listed.json<{ items: Asset[] }>().items.map((c) => c.id)).toContain(good.id);
    expect(listed.body).not.toContain(creds.password);
    expect(listed.body).not.toContain(fake.rtspUrl.replace('rtsp://', 'rtsp://admin:'));
  });

  it('is offline with a wrong password, naming why in Vietnamese and English', async () => {
    const cam = await createCamera(t().admin, {
      properties: { streamUrl: fake.rtspUrl, username: 'admin', password: 'wrong' },
    });
    const h = await probe(cam.id);
    expect(h.status).toBe('offline');
    expect(h.reason?.code).toBe('rtsp_unauthorized');
    expect(h.reason?.en).toMatch(/wrong user name or password/);
    expect(h.reason?.vi).toMatch(/sai tên đăng nhập hoặc mật khẩu/);
  });

  it('is degraded when the snapshot answers but the stream does not', async () => {
    const half = await startFakeCamera({ ...creds, scheme: 'basic', rtsp: 'down' });
    try {
      const cam = await createCamera(t().admin, {
        properties: { streamUrl: half.rtspUrl, snapshotUrl: half.snapshotUrl, ...creds },
      });
      const h = await probe(cam.id);
      expect(h.status).toBe('degraded');
      expect(h.reason?.code).toBe('rtsp_refused');
      expect(h.checks?.snapshot?.ok).toBe(true);
    } finally {
      await half.close();
    }
  });

  it('is degraded when answers are slow', async () => {
    const slow = await startFakeCamera({ rtsp: 'slow', slowMs: 600 });
    try {
      const cam = await createCamera(t().admin, { properties: { streamUrl: slow.rtspUrl } });
      const h = await probe(cam.id);
      expect(h.status, JSON.stringify(h)).toBe('degraded');
      expect(h.reason?.code).toBe('rtsp_slow');
    } finally {
      await slow.close();
    }
  });

  it('answers unknown with a reason for a camera with no address, and refuses callers without cameras:manage', async () => {
    const bare = await createCamera(t().admin, {});
    const h = await probe(bare.id);
    expect(h.status).toBe('unknown');
    expect(h.reason?.code).toBe('no_address');
    const viewer = await t().userWith('viewer');
    expect((await viewer.post(`/api/v1/cameras/${good.id}/probe`)).statusCode).toBe(403);
    const elsewhere = await t().userWith('operator', { units: [places.bacKan.unit] });
    expect((await elsewhere.post(`/api/v1/cameras/${good.id}/probe`)).statusCode).toBe(404);
  });

  it('turns a change of status into a camera.status event that opens the offline alert and resolves it on return', async () => {
    const { cityops, admin } = t();
    await seedCameraRules(cityops.db, cityops.ctx.clock, cityops.alerts.rules);
    expect(await seedCameraRules(cityops.db, cityops.ctx.clock, cityops.alerts.rules)).toBe(0);
    await cityops.alerts.engine.start();
    try {
      const flaky = await startFakeCamera({});
      const cam = await createCamera(admin, { properties: { streamUrl: flaky.rtspUrl } });
      expect((await probe(cam.id)).status).toBe('online');
      flaky.set('rtsp', 'down');
      expect((await probe(cam.id)).status).toBe('offline');
      const alertOf = async () => {
        for (let i = 0; i < 100; i++) {
          const res = await admin.get(`/api/v1/alerts?asset=${cam.id}`);
          const items = res.json<{ items: Array<{ status: string; ruleId: string }> }>().items;
          if (items.length) return items;
          await new Promise((r) => setTimeout(r, 50));
        }
        return [];
      };
      const opened = await alertOf();
      expect(opened).toHaveLength(1);
      expect(opened[0]!.status).toBe('open');
      const events = await admin.get(`/api/v1/events?asset=${cam.id}&type=camera.status`);
      const data = events
        .json<{ items: Array<{ data: Record<string, unknown> }> }>()
        .items.map((e) => e.data);
      expect(data).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ status: 'online', previous: 'unknown' }),
          expect.objectContaining({
            status: 'offline',
            previous: 'online',
            reason: 'rtsp_refused',
          }),
        ]),
      );
      const asset = await admin.get(`/api/v1/assets/${cam.id}`);
      expect(asset.json<Asset>().status).toBe('offline');

      flaky.set('rtsp', 'ok');
      expect((await probe(cam.id)).status).toBe('online');
      let resolved = false;
      for (let i = 0; i < 100 && !resolved; i++) {
        const res = await admin.get(`/api/v1/alerts?asset=${cam.id}`);
        resolved = res.json<{ items: Array<{ status: string }> }>().items[0]?.status === 'resolved';
        if (!resolved) await new Promise((r) => setTimeout(r, 50));
      }
      expect(resolved).toBe(true);
      const rules = await admin.get('/api/v1/alert-rules?limit=1000');
      expect(rules.body).toContain(CAMERA_OFFLINE_RULE.camera);
      await flaky.close();

      // Uptime over the last hour: online, offline, online again; one outage.
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const up = await admin.get(
        `/api/v1/cameras/${cam.id}/uptime?from=${encodeURIComponent(from)}`,
      );
      expect(up.statusCode, up.body).toBe(200);
      const u = up.json<{
        uptimePercent: number;
        longestOutages: Array<{ reason: string; endedAt: string | null }>;
      }>();
      expect(u.uptimePercent).toBeGreaterThan(0);
      expect(u.uptimePercent).toBeLessThan(100);
      expect(u.longestOutages).toHaveLength(1);
      expect(u.longestOutages[0]!.reason).toBe('rtsp_refused');
      expect(u.longestOutages[0]!.endedAt).not.toBeNull();
      const wards = await admin.get(
        `/api/v1/cameras/uptime?from=${encodeURIComponent(from)}&adminUnit=${places.phanDinhPhung.unit}`,
      );
      expect(wards.statusCode, wards.body).toBe(200);
      const w = wards.json<{ wards: Array<{ adminUnit: string; cameras: number }> }>();
      expect(w.wards.map((x) => x.adminUnit)).toEqual([places.phanDinhPhung.unit]);
      const bad = await admin.get('/api/v1/cameras/uptime?from=yesterday');
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('from');
    } finally {
      await cityops.alerts.engine.stop();
    }
  });

  it('finishes a round while silent cameras wait out their deadline in parallel', async () => {
    const { cityops, admin } = t();
    const silent = await startFakeCamera({ rtsp: 'silent', http: 'silent' });
    try {
      for (let i = 0; i < 6; i++)
        await createCamera(admin, {
          geometry: point(places.giaSang.at),
          properties: { streamUrl: silent.rtspUrl, snapshotUrl: silent.snapshotUrl },
        });
      const started = Date.now();
      const round = await cityops.cameras.health.round();
      const elapsed = Date.now() - started;
      expect(round.offline).toBeGreaterThanOrEqual(6);
      expect(round.online).toBeGreaterThanOrEqual(1);
      // Serially the silent ones alone would take 6 × 2 s; 4 at a time, two waves.
      expect(elapsed).toBeLessThan(6 * 2000);
      const offline = await admin.get(
        `/api/v1/cameras?status=offline&adminUnit=${places.giaSang.unit}`,
      );
      const items = offline.json<{ items: Array<{ health: CameraHealth }> }>().items;
      expect(items).toHaveLength(6);
      expect(items[0]!.health.reason?.code).toBe('rtsp_timeout');
      const [row] = await cityops.db.query<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM camera_status_periods WHERE ended_at IS NULL`,
      );
      expect(row!.n).toBeGreaterThanOrEqual(8);
    } finally {
      await silent.close();
    }
  });
});
