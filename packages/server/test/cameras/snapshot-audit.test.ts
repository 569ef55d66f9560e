/**
 * Granted snapshot views are audited, one entry per viewer, camera and
 * ten-minute window with the number of views (a fake camera on loopback
 * stands for a real one). The clock is the test's, so windows are exact.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Asset } from '@cityops/contracts';
import { sql } from '../../src/core/db/sql.js';
import { SNAPSHOT_VIEW_WINDOW_MS } from '../../src/cameras/snapshot-views.js';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { createCamera, places } from './factories.js';
import { startFakeCamera, type FakeCamera } from './fake-camera.js';

interface Entry {
  action: string;
  actorId: string | null;
  entityId: string;
  after: { views: number; windowStart: string; windowEnd: string; firstAt: string; lastAt: string };
}

describeEachDb('cameras: snapshot views audited per window', (kind) => {
  const W = SNAPSHOT_VIEW_WINDOW_MS;
  // One minute into a window, so every view below falls in it.
  let at = Math.floor(Date.now() / W) * W + 60_000;
  const clock = { now: () => new Date(at) };
  const t = useTestCityOps(kind, { clock });
  let fake: FakeCamera;
  let cam: Asset;
  let other: Asset;

  beforeAll(async () => {
    fake = await startFakeCamera({});
    cam = await createCamera(t().admin, { properties: { snapshotUrl: fake.snapshotUrl } });
    other = await createCamera(t().admin, { properties: { snapshotUrl: fake.snapshotUrl } });
  });
  afterAll(() => fake.close());

  const entries = async (cameraId: string) =>
    (await t().admin.get(`/api/v1/audit?entity=${cameraId}`))
      .json<{ items: Entry[] }>()
      .items.filter((e) => e.action === 'camera.snapshot');

  it('counts views in the window and writes one entry per viewer and camera when it closes', async () => {
    const { admin, cityops } = t();
    const viewer = await t().userWith('viewer');
    const windowStart = new Date(Math.floor(at / W) * W).toISOString();
    for (let i = 0; i < 5; i++) {
      const size = i % 2 ? 'thumb' : 'full';
      const res = await viewer.get(`/api/v1/cameras/${cam.id}/snapshot?size=${size}`);
      expect(res.statusCode, res.body).toBe(200);
      at += 1000;
    }
    expect((await admin.get(`/api/v1/cameras/${cam.id}/snapshot`)).statusCode).toBe(200);
    expect((await viewer.get(`/api/v1/cameras/${other.id}/snapshot`)).statusCode).toBe(200);
    // A refused view is not counted here (it is audited at once as denied).
    const outsider = await t().userWith('viewer', { units: [places.bacKan.unit] });
    expect((await outsider.get(`/api/v1/cameras/${cam.id}/snapshot`)).statusCode).toBe(404);

    // While the window is open nothing is written, whatever the flushes.
    expect(await cityops.cameras.snapshotViews.flush()).toBe(0);
    expect(await entries(cam.id)).toEqual([]);

    at += W; // the window has closed
    expect(await cityops.cameras.snapshotViews.flush()).toBe(3);
    const onCam = await entries(cam.id);
    expect(onCam).toHaveLength(2);
    const mine = onCam.find((e) => e.actorId === viewer.id)!;
    expect(mine.after).toMatchObject({
      views: 5,
      windowStart,
      windowEnd: new Date(Date.parse(windowStart) + W).toISOString(),
    });
    expect(Date.parse(mine.after.lastAt) - Date.parse(mine.after.firstAt)).toBe(4000);
    expect(onCam.find((e) => e.actorId !== viewer.id)!.after.views).toBe(1);
    expect((await entries(other.id)).map((e) => [e.actorId, e.after.views])).toEqual([
      [viewer.id, 1],
    ]);
    // Each window is audited once, and nothing is left to count.
    expect(await cityops.cameras.snapshotViews.flush()).toBe(0);
    const left = await cityops.db.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM camera_snapshot_views`,
    );
    expect(left[0]!.n).toBe(0);
  });

  it('starts a new entry in the next window', async () => {
    const { cityops } = t();
    const viewer = await t().userWith('viewer');
    await viewer.get(`/api/v1/cameras/${cam.id}/snapshot`);
    at += W;
    await viewer.get(`/api/v1/cameras/${cam.id}/snapshot`);
    await viewer.get(`/api/v1/cameras/${cam.id}/snapshot`);
    expect(await cityops.cameras.snapshotViews.flush()).toBe(1);
    at += W;
    expect(await cityops.cameras.snapshotViews.flush()).toBe(1);
    const views = (await entries(cam.id))
      .filter((e) => e.actorId === viewer.id)
      .map((e) => e.after.views)
      .sort();
    expect(views).toEqual([1, 2]);
  });
});
