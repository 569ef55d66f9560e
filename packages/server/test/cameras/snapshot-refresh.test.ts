/**
 * Snapshots on a schedule: the cameras on saved walls (tiles and tour groups)
 * are fetched ahead of viewers, at most a few at once and within the snapshot
 * deadline, and their viewers are served from the cache without reaching the
 * camera; optionally every online camera at a slower rate. Cameras are a
 * loopback image server (no real camera here).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import sharp from 'sharp';
import type { Asset } from '@cityops/contracts';
import { sql } from '../../src/core/db/sql.js';
import { SnapshotRefresher } from '../../src/cameras/snapshot-refresh.js';
import { createLogger } from '../../src/core/logger.js';
import { describeEachDb } from '../support/db.js';
import { testConfig, useTestCityOps } from '../support/app.js';
import { createCamera, uniqueCode } from './factories.js';
import { startImageServer, type ImageServer } from './image-server.js';

describeEachDb('cameras: snapshots refreshed on a schedule for walls', (kind) => {
  const t = useTestCityOps(kind, {
    env: { CITYOPS_CAMERA_PROBE_TIMEOUT_MS: '400', CITYOPS_CAMERA_THUMB_CONCURRENCY: '2' },
  });
  let images: ImageServer;
  const cams: Record<string, Asset> = {};
  const group = uniqueCode('tour');

  const cam = async (name: string, extra: Record<string, unknown> = {}) => {
    cams[name] = await createCamera(t().admin, {
      properties: { snapshotUrl: images.urlOf(name), ...extra },
    });
    return cams[name];
  };
  const setHealth = (id: string, status: string) =>
    t().cityops.db.query(sql`
      INSERT INTO camera_health (camera_id, status, checks, checked_at, since)
      VALUES (${id}, ${status}, '{}'::jsonb, now(), now())
      ON CONFLICT (camera_id) DO UPDATE SET status = EXCLUDED.status`);

  beforeAll(async () => {
    images = await startImageServer(150);
    for (const n of ['tileA', 'tileB', 'tileC', 'tileD', 'tileE', 'offlineTile', 'loose'])
      await cam(n);
    await cam('toured', { groups: [group] });
    await setHealth(cams.offlineTile!.id, 'offline');
    await setHealth(cams.loose!.id, 'online');
    const operator = await t().userWith('operator');
    const tiles = ['tileA', 'tileB', 'tileC', 'tileD'].map((n) => cams[n]!.id);
    const w1 = await operator.post('/api/v1/cameras/walls', {
      name: 'Trung tâm',
      layout: 4,
      tiles,
      tour: { group, seconds: 30 },
    });
    expect(w1.statusCode, w1.body).toBe(201);
    const w2 = await t().admin.post('/api/v1/cameras/walls', {
      name: 'Khác',
      layout: 4,
      tiles: [cams.tileA!.id, cams.tileE!.id, cams.offlineTile!.id, null],
    });
    expect(w2.statusCode, w2.body).toBe(201);
  });
  afterAll(() => images.close());

  it('fetches each wall camera once per round, a bounded number at once, skipping offline and unlisted ones', async () => {
    const { cityops } = t();
    const round = await cityops.cameras.snapshotRefresh.round('walls');
    expect(round).toMatchObject({ cameras: 6, fetched: 6, failed: 0, deferred: 0 });
    for (const n of ['tileA', 'tileB', 'tileC', 'tileD', 'tileE', 'toured'])
      expect(images.hits(n), n).toBe(1);
    expect(images.hits('offlineTile')).toBe(0);
    expect(images.hits('loose')).toBe(0);
    expect(images.maxInFlight).toBe(2);
  });

  it('serves wall tiles a fresh cached thumbnail without reaching the camera per viewer', async () => {
    const { admin } = t();
    const viewers = [admin, await t().userWith('viewer'), await t().userWith('operator')];
    const before = images.hits('tileB');
    // Past the usual few seconds of the on-demand cache: the refreshed image is still served.
    await new Promise((r) => setTimeout(r, 5500));
    const answers = await Promise.all(
      viewers.map((v) => v.get(`/api/v1/cameras/${cams.tileB!.id}/snapshot?size=thumb`)),
    );
    for (const a of answers) {
      expect(a.statusCode, a.body).toBe(200);
      expect((await sharp(a.rawPayload).metadata()).width).toBe(320);
    }
    expect(images.hits('tileB')).toBe(before);
    const firstTaken = Date.parse(String(answers[0]!.headers['last-modified']));
    // The next round takes a new image, which viewers then get.
    await new Promise((r) => setTimeout(r, 1000));
    await t().cityops.cameras.snapshotRefresh.round('walls');
    expect(images.hits('tileB')).toBe(before + 1);
    const after = await admin.get(`/api/v1/cameras/${cams.tileB!.id}/snapshot?size=thumb`);
    expect(Date.parse(String(after.headers['last-modified']))).toBeGreaterThan(firstTaken);
    expect(images.hits('tileB')).toBe(before + 1);
  }, 30_000);

  it('refreshes every online camera in the slower round, and not offline ones', async () => {
    const { cityops } = t();
    await setHealth(cams.tileC!.id, 'degraded');
    const before = images.hits('loose');
    const round = await cityops.cameras.snapshotRefresh.round('all');
    expect(images.hits('loose')).toBe(before + 1);
    expect(images.hits('offlineTile')).toBe(0);
    expect(round.cameras).toBe(2); // loose (online) and tileC (degraded)
  });

  it('keeps a round within its time: a silent camera holds a slot for one deadline only', async () => {
    const { cityops } = t();
    const silent = await Promise.all([1, 2, 3].map((i) => cam(`silent${i}`)));
    const w = await t().admin.post('/api/v1/cameras/walls', {
      name: 'Im lặng',
      layout: 4,
      tiles: silent.map((c) => c.id),
    });
    expect(w.statusCode, w.body).toBe(201);
    const refresher = new SnapshotRefresher(
      {
        db: cityops.db,
        cameras: cityops.cameras.service,
        snapshots: cityops.cameras.snapshots,
        log: createLogger('silent'),
      },
      { wallSeconds: 5, allSeconds: 0, concurrency: 2 },
    );
    const started = Date.now();
    const round = await refresher.round('walls');
    // 3 silent cameras, 2 at a time, 400 ms each: about two deadlines, never unbounded.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(round.failed).toBe(3);
    expect(round.fetched).toBe(6);
    // Started on a schedule, it runs by itself.
    const hits = images.hits('tileE');
    refresher.start();
    try {
      for (let i = 0; i < 60 && images.hits('tileE') === hits; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(images.hits('tileE')).toBe(hits + 1);
    } finally {
      await refresher.stop();
    }
  }, 30_000);

  it('reads its settings, refusing a bad value by name', () => {
    const c = testConfig({
      CITYOPS_CAMERA_THUMB_SECONDS: '30',
      CITYOPS_CAMERA_THUMB_ALL_SECONDS: '600',
    }).cameras;
    expect([c.snapshotSeconds, c.snapshotAllSeconds, c.snapshotConcurrency]).toEqual([30, 600, 4]);
    expect(testConfig().cameras.snapshotSeconds).toBe(10);
    expect(() => testConfig({ CITYOPS_CAMERA_THUMB_SECONDS: '2' })).toThrow(
      /^CITYOPS_CAMERA_THUMB_SECONDS: must be 0 \(off\) or at least 5/,
    );
    expect(() => testConfig({ CITYOPS_CAMERA_THUMB_CONCURRENCY: '0' })).toThrow(
      /^CITYOPS_CAMERA_THUMB_CONCURRENCY:/,
    );
  });
});
