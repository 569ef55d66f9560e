/**
 * POST /api/v1/cameras/{id}/live through the whole app, on each database,
 * against a real RTSP camera on loopback (test/support/rtsp-server.ts, Basic
 * auth) and the built-in ffmpeg gateway: the session's HLS playlist and
 * segments under its token only, one ffmpeg for two viewers, renewal by the
 * owner only, stop, expiry without renewal and the ffmpeg stopped after the
 * last viewer; refusals (role, bad body), 503s that say why (no stream
 * address, wrong stored credentials); every call audited on the camera with
 * the duration on the end, and no credentials in answers or the audit trail.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Asset, LiveSession } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { startRtspServer, type RtspServer } from '../support/rtsp-server.js';
import { ffmpegsWith, waitFor } from '../support/rtsp-tools.js';
import { createCamera } from './factories.js';
import { sql } from '../../src/core/db/sql.js';
import { newId } from '../../src/core/ids.js';
import { liveServiceOf } from '../../src/cameras/live/index.js';

const PASSWORD = 'cam-Pa55word!';

interface AuditItem {
  action: string;
  actorId: string | null;
  after: Record<string, unknown> | null;
}

describeEachDb('camera live view', (kind) => {
  const dataDir = fs.mkdtemp(path.join(os.tmpdir(), 'cityops-live-app-'));
  const env: Record<string, string> = {
    CITYOPS_VIDEO_SESSION_SECONDS: '10',
    CITYOPS_VIDEO_IDLE_SECONDS: '1',
    CITYOPS_VIDEO_START_SECONDS: '20',
  };
  let cam: RtspServer;
  beforeAll(async () => {
    env.CITYOPS_DATA_DIR = await dataDir;
    cam = await startRtspServer({
      auth: { scheme: 'basic', username: 'viewer', password: PASSWORD },
    });
  });
  const t = useTestCityOps(kind, { env });
  afterAll(async () => {
    await cam?.close();
    await fs.rm(await dataDir, { recursive: true, force: true });
  });

  let camera: Asset;
  beforeAll(async () => {
    camera = await createCamera(t().admin, {
      properties: { streamUrl: cam.url, username: 'viewer', password: PASSWORD },
    });
  });

  const auditOf = async (id: string) => {
    const res = await t().admin.get(`/api/v1/audit?entity=${id}&limit=100`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: AuditItem[] }>().items;
  };

  it('starts a live view: HLS under the session token, audited, without the camera credentials', async () => {
    const op = await t().userWith('operator');
    const res = await op.post(`/api/v1/cameras/${camera.id}/live`);
    expect(res.statusCode, res.body).toBe(200);
    const live = res.json<LiveSession>();
    expect(live.protocol).toBe('hls');
    expect(live.url).toMatch(/^\/api\/v1\/live\/[\w-]{32}\/index\.m3u8$/);
    expect(new Date(live.expiresAt).getTime()).toBeGreaterThan(Date.now() + 5000);
    expect(res.body).not.toContain(PASSWORD);
    expect(res.body).not.toContain('rtsp:');

    // The player has no bearer token: the session token is the capability.
    const playlist = await t().anonymous.get(live.url);
    expect(playlist.statusCode).toBe(200);
    expect(playlist.headers['content-type']).toContain('application/vnd.apple.mpegurl');
    expect(playlist.body).toContain('#EXTINF');
    const segment = /^(seg\d+\.ts)$/m.exec(playlist.body)![1]!;
    const seg = await t().anonymous.get(live.url.replace('index.m3u8', segment));
    expect(seg.statusCode).toBe(200);
    expect(seg.headers['content-type']).toBe('video/mp2t');
    expect(seg.rawPayload[0]).toBe(0x47);
    const guessed = await t().anonymous.get(`/api/v1/live/${'A'.repeat(32)}/index.m3u8`);
    expect(guessed.statusCode).toBe(404);

    const started = (await auditOf(camera.id)).find((e) => e.action === 'camera.live')!;
    expect(started.actorId).toBe(op.id);
    expect(started.after).toMatchObject({ protocol: 'hls', gateway: 'ffmpeg', quality: 'main' });
    expect(JSON.stringify(await auditOf(camera.id))).not.toContain(PASSWORD);

    // Stop: the files go away for this token, the end is audited with its duration.
    const other = await t().userWith('operator');
    expect((await other.delete(live.sessionUrl)).statusCode).toBe(404);
    expect((await op.delete(live.sessionUrl)).statusCode).toBe(204);
    expect((await t().anonymous.get(live.url)).statusCode).toBe(404);
    const ended = (await auditOf(camera.id)).find((e) => e.action === 'camera.live.ended')!;
    expect(ended.actorId).toBe(op.id);
    expect(ended.after).toMatchObject({ reason: 'stopped', sessionId: started.after!.sessionId });
    expect(typeof ended.after!.durationSeconds).toBe('number');
    const [row] = await t().cityops.db.query<{ end_reason: string; actor_id: string }>(
      sql`SELECT end_reason, actor_id FROM camera_live_sessions WHERE id = ${started.after!.sessionId}`,
    );
    expect(row).toEqual({ end_reason: 'stopped', actor_id: op.id });
  });

  it('ends a session a dead server left open, at its expiry, audited once as lost', async () => {
    const op = await t().userWith('operator');
    const id = newId();
    const now = Date.now();
    await t().cityops.db.query(sql`
      INSERT INTO camera_live_sessions (id, camera_id, actor_type, actor_id, actor_label, protocol,
        quality, gateway, started_at, expires_at)
      VALUES (${id}, ${camera.id}, 'user', ${op.id}, ${op.email}, 'hls', 'main', 'ffmpeg',
        ${new Date(now - 300_000)}, ${new Date(now - 120_000)})`);
    const live = liveServiceOf(t().cityops.app)!;
    expect(await live.sweepLost()).toBeGreaterThanOrEqual(1);
    expect(await live.sweepLost()).toBe(0);
    const lost = (await auditOf(camera.id)).filter(
      (e) => e.action === 'camera.live.ended' && e.after?.sessionId === id,
    );
    expect(lost).toHaveLength(1);
    expect(lost[0]!.actorId).toBe(op.id);
    expect(lost[0]!.after).toMatchObject({ reason: 'lost', durationSeconds: 180 });
  });

  it('shares one ffmpeg between viewers; renewal by the owner; expiry ends the session and then the stream', async () => {
    const dir = await dataDir;
    const a = await t().userWith('operator');
    const b = await t().userWith('supervisor');
    const la = (await a.post(`/api/v1/cameras/${camera.id}/live`)).json<LiveSession>();
    const lb = (
      await b.post(`/api/v1/cameras/${camera.id}/live`, { quality: 'main' })
    ).json<LiveSession>();
    expect(la.url).not.toBe(lb.url);
    expect(await ffmpegsWith(dir)).toHaveLength(1);
    expect(cam.playing()).toBe(1);

    expect((await b.post(`${la.sessionUrl}/renew`)).statusCode).toBe(404);
    await new Promise((r) => setTimeout(r, 1100));
    const renewed = await a.post(`${la.sessionUrl}/renew`);
    expect(renewed.statusCode, renewed.body).toBe(200);
    expect(new Date(renewed.json<{ expiresAt: string }>().expiresAt).getTime()).toBeGreaterThan(
      new Date(la.expiresAt).getTime(),
    );

    // b never renews: its session expires; a stops; the stream stops after the idle time.
    await waitFor(
      async () => (await t().anonymous.get(lb.url)).statusCode === 404,
      15_000,
      'expiry',
    );
    expect((await t().anonymous.get(la.url)).statusCode).toBe(200);
    // The session's end is audited by the expiry sweep, just after its stream stops being served.
    const endedByExpiry = async () =>
      (await auditOf(camera.id)).find(
        (e) => e.action === 'camera.live.ended' && e.after?.reason === 'expired',
      );
    await waitFor(async () => (await endedByExpiry()) !== undefined, 10_000, 'expiry audited');
    const expired = await endedByExpiry();
    expect(expired?.actorId).toBe(b.id);
    expect(expired?.after?.durationSeconds).toBeGreaterThanOrEqual(9);
    expect((await a.delete(la.sessionUrl)).statusCode).toBe(204);
    await waitFor(async () => (await ffmpegsWith(dir)).length === 0, 10_000, 'ffmpeg stopped');
    await waitFor(() => cam.playing() === 0, 5000, 'camera released');
  });

  it('refuses a role without the live right (audited), and a bad body naming the field', async () => {
    const viewer = await t().userWith('viewer');
    const res = await viewer.post(`/api/v1/cameras/${camera.id}/live`);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const op = await t().userWith('operator');
    const bad = await op.post(`/api/v1/cameras/${camera.id}/live`, { quality: 'hd' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toContain('quality');
    expect((await t().anonymous.post(`/api/v1/cameras/${camera.id}/live`)).statusCode).toBe(401);
  });

  it('answers 503 saying why when no gateway can serve the stream, audited', async () => {
    const op = await t().userWith('operator');
    const noUrl = await createCamera(t().admin, { properties: {} });
    const a = await op.post(`/api/v1/cameras/${noUrl.id}/live`);
    expect(a.statusCode).toBe(503);
    expect(a.headers['content-type']).toContain('application/problem+json');
    expect(a.json<{ detail: string }>().detail).toMatch(/no stream address/);

    const wrong = await createCamera(t().admin, {
      properties: { streamUrl: cam.url, username: 'viewer', password: 'not-the-password' },
    });
    const b = await op.post(`/api/v1/cameras/${wrong.id}/live`);
    expect(b.statusCode).toBe(503);
    expect(b.json<{ detail: string }>().detail).toMatch(/refused the stored credentials/);
    expect(b.body).not.toContain('not-the-password');

    for (const id of [noUrl.id, wrong.id]) {
      const entries = await auditOf(id);
      const e = entries.find((x) => x.action === 'camera.live.unavailable');
      expect(e?.actorId).toBe(op.id);
      expect(JSON.stringify(entries)).not.toContain('not-the-password');
    }
  });
});
