/**
 * Camera events through the vendor webhook, posted over real HTTP on loopback
 * as a camera or NVR would: the per-camera secret (shown once, stored hashed),
 * refusals without it, events stored as camera.<kind>, and an alert where a
 * match rule says so.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Asset } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';
import { sql } from '../../src/core/db/sql.js';
import { createCamera } from './factories.js';

describeEachDb('cameras: events from webhooks', (kind) => {
  const t = useTestCityOps(kind);
  let base: string;
  let cam: Asset;
  let secret: string;

  beforeAll(async () => {
    const { cityops, admin } = t();
    base = await cityops.app.listen({ port: 0, host: '127.0.0.1' });
    cam = await createCamera(admin, {});
    const res = await admin.post(`/api/v1/cameras/${cam.id}/webhook-secret`);
    expect(res.statusCode, res.body).toBe(201);
    secret = res.json<{ secret: string; url: string }>().secret;
    expect(res.json<{ url: string }>().url).toBe(`/api/v1/cameras/${cam.id}/events`);
    await cityops.alerts.engine.start();
  });
  afterAll(async () => {
    await t().cityops.alerts.engine.stop();
  });

  const post = (body: unknown, headers: Record<string, string> = {}, query = '') =>
    fetch(`${base}/api/v1/cameras/${cam.id}/events${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('keeps only a hash of the secret, and refuses posts without it or with another', async () => {
    const { cityops, admin } = t();
    const [row] = await cityops.db.query<{ h: string }>(
      sql`SELECT secret_hash AS h FROM camera_webhooks WHERE camera_id = ${cam.id}`,
    );
    expect(row!.h).not.toContain(secret);
    expect((await post({ type: 'motion' })).status).toBe(401);
    expect((await post({ type: 'motion' }, { 'x-camera-key': 'cow_wrong' })).status).toBe(401);
    const audit = await admin.get(`/api/v1/audit?entity=${cam.id}`);
    expect(audit.body).toContain('camera.webhook.secret');
    expect(audit.body).not.toContain(secret);
    const viewer = await t().userWith('viewer');
    expect((await viewer.post(`/api/v1/cameras/${cam.id}/webhook-secret`)).statusCode).toBe(403);
  });

  it('stores events as camera.<kind>, by header or ?key=, and refuses bad ones naming the field', async () => {
    const { admin } = t();
    const one = await post(
      { type: 'motion', active: true, data: { region: 'gate' } },
      { 'x-camera-key': secret },
    );
    expect(one.status, await one.clone().text()).toBe(202);
    const two = await post(
      [
        { type: 'video_loss', ts: '2026-11-25T10:00:00+07:00' },
        { type: 'motion', active: false },
      ],
      {},
      `?key=${encodeURIComponent(secret)}`,
    );
    expect(two.status).toBe(202);
    expect(((await two.json()) as { stored: number }).stored).toBe(2);
    const events = await admin.get(`/api/v1/events?asset=${cam.id}`);
    const types = events.json<{ items: Array<{ type: string; source: string }> }>().items;
    expect(types.map((e) => e.type).sort()).toEqual([
      'camera.motion',
      'camera.motion',
      'camera.video_loss',
    ]);
    expect(types.every((e) => e.source === 'camera-webhook')).toBe(true);
    const bad = await post({ type: 'Motion Detected!' }, { 'x-camera-key': secret });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('type');
  });

  it('raises an alert where a match rule says so', async () => {
    const { admin } = t();
    const rule = await admin.post('/api/v1/alert-rules', {
      name: 'Camera bị che, xoay hoặc phá / Camera tampered',
      severity: 'critical',
      kind: 'match',
      eventType: 'camera.tamper',
      assetType: 'camera',
      message: { vi: 'Camera bị che hoặc xoay hướng', en: 'The camera was covered or turned away' },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    expect((await post({ type: 'tamper', active: true }, { 'x-camera-key': secret })).status).toBe(
      202,
    );
    let alerts: Array<{ ruleId: string; severity: string }> = [];
    for (let i = 0; i < 100 && alerts.length === 0; i++) {
      alerts = (await admin.get(`/api/v1/alerts?asset=${cam.id}`)).json<{ items: typeof alerts }>()
        .items;
      if (!alerts.length) await new Promise((r) => setTimeout(r, 50));
    }
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.ruleId).toBe(rule.json<{ id: string }>().id);
  });
});
