/**
 * Webhooks over real HTTP on loopback: registered by administrators with the
 * secret shown once; each delivery signed (HMAC-SHA256 over timestamp and raw
 * body) and verified by the receiver; failures retried with backoff (tiny
 * here) until delivered; a webhook that always fails is dead-lettered after N
 * attempts, listed, and delivered when an administrator retries it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Webhook, WebhookWithSecret } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useEventsApp } from '../events/harness.js';
import { buildAsset, buildDevice, ingest, pickWards } from '../events/factories.js';
import { verifySignature, signatureHeader } from '../../src/notifications/signature.js';
import { outboxOfAlert } from '../../src/notifications/outbox.repo.js';
import type { NotificationMessage } from '../../src/notifications/channel.js';
import { alertsOfRule, createRule, eventually } from '../alerts/harness.js';
import { startHookReceiver, type HookReceiver } from './loopback.js';

it('signs the timestamp and raw body; a changed body, another secret or an old stamp fail', () => {
  const at = new Date('2026-11-25T08:00:00Z');
  const body = '{"event":"alert.opened"}';
  const header = signatureHeader('whsec_test', body, at);
  expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  expect(verifySignature('whsec_test', header, body, at)).toBe(true);
  expect(verifySignature('whsec_test', header, body + ' ', at)).toBe(false);
  expect(verifySignature('whsec_other', header, body, at)).toBe(false);
  expect(verifySignature('whsec_test', header, body, new Date(at.getTime() + 301_000))).toBe(false);
  expect(verifySignature('whsec_test', undefined, body, at)).toBe(false);
});

describeEachDb('webhooks', (kind) => {
  let hooks: HookReceiver;
  beforeAll(async () => {
    hooks = await startHookReceiver();
  });
  afterAll(() => hooks.close());
  const t = useEventsApp(kind, {
    options: { notifications: { backoffMs: 20, maxBackoffMs: 100, maxAttempts: 4, pollMs: 50 } },
  });
  let good: WebhookWithSecret;
  let bad: WebhookWithSecret;

  beforeAll(async () => {
    const { cityops, admin } = t();
    await cityops.alerts.engine.start();
    cityops.notifications.outbox.start();
    const create = async (name: string, path: string) => {
      const res = await admin.post('/api/v1/webhooks', { name, url: `${hooks.url}${path}` });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<WebhookWithSecret>();
    };
    good = await create('Dispatch system', '/dispatch');
    bad = await create('Broken receiver', '/broken');
  });

  it('shows the secret once, to administrators only, and never in the audit trail', async () => {
    const { admin, userWith } = t();
    expect(good.secret).toMatch(/^whsec_/);
    expect(good.secret.startsWith(good.secretPrefix)).toBe(true);
    const read = await admin.get(`/api/v1/webhooks/${good.id}`);
    expect(read.json<Webhook>()).toEqual({
      id: good.id,
      name: 'Dispatch system',
      url: `${hooks.url}/dispatch`,
      enabled: true,
      secretPrefix: good.secretPrefix,
      createdAt: good.createdAt,
      updatedAt: good.updatedAt,
    });
    expect(read.body).not.toContain(good.secret);
    expect((await admin.get('/api/v1/webhooks')).body).not.toContain(good.secret);
    expect((await admin.get(`/api/v1/audit?entity=${good.id}`)).body).not.toContain(good.secret);
    const bad = await admin.post('/api/v1/webhooks', { name: 'x', url: 'ftp://example.test/' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('url');
    const supervisor = await userWith('supervisor');
    expect((await supervisor.get('/api/v1/webhooks')).statusCode).toBe(403);
    expect((await supervisor.get('/api/v1/notifications/dead-letters')).statusCode).toBe(403);
  });

  it('delivers signed, retries after two failures, and dead-letters a receiver that always fails', async () => {
    const { cityops, admin } = t();
    hooks.plan('/dispatch', [500, 502, 200]);
    hooks.plan('/broken', [503]);
    const [ward] = await pickWards(cityops.db, 1);
    const asset = await buildAsset(cityops.db, { ward: ward!, type: 'sensor' });
    const device = await buildDevice(admin, asset.id);
    const rule = await createRule(admin, {
      name: 'Intrusion',
      severity: 'critical',
      kind: 'match',
      eventType: 'intrusion.detected',
      notify: [
        { channel: 'webhook', webhookId: good.id },
        { channel: 'webhook', webhookId: bad.id },
      ],
    });
    await ingest(cityops, device.key, { type: 'intrusion.detected', data: { zone: 'north' } });
    const [alert] = await alertsOfRule(admin, rule.id, 1);

    const dispatch = await eventually(() => {
      const got = hooks.requests.filter((r) => r.path === '/dispatch');
      expect(got.map((r) => r.status)).toEqual([500, 502, 200]);
      return got;
    });
    for (const r of dispatch) {
      const header = r.headers['x-cityops-signature'] as string;
      expect(verifySignature(good.secret, header, r.body, new Date())).toBe(true);
      expect(verifySignature(bad.secret, header, r.body, new Date())).toBe(false);
      expect(r.headers['x-cityops-event']).toBe('alert.opened');
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(new Set(dispatch.map((r) => r.headers['x-cityops-delivery'])).size).toBe(1);
    const message = JSON.parse(dispatch[2]!.body) as NotificationMessage;
    expect(message).toMatchObject({
      id: dispatch[0]!.headers['x-cityops-delivery'],
      event: 'alert.opened',
      rule: { id: rule.id, name: 'Intrusion' },
      alert: { id: alert!.id, status: 'open', severity: 'critical', assetId: asset.id },
    });

    const dead = await eventually(async () => {
      const res = await admin.get('/api/v1/notifications/dead-letters');
      const items = res.json<{
        items: Array<{ id: string; attempts: number; lastError: string }>;
      }>().items;
      expect(items).toHaveLength(1);
      return items[0]!;
    });
    expect(dead).toMatchObject({ attempts: 4, lastError: 'webhook answered HTTP 503' });
    expect(hooks.requests.filter((r) => r.path === '/broken')).toHaveLength(4);
    const rows = await outboxOfAlert(cityops.db, alert!.id);
    expect(rows.map((r) => [r.status, r.attempts]).sort()).toEqual([
      ['dead', 4],
      ['delivered', 3],
    ]);

    // An acknowledgement goes to the webhooks too.
    expect((await admin.post(`/api/v1/alerts/${alert!.id}/acknowledge`)).statusCode).toBe(200);
    await eventually(() =>
      expect(
        hooks.requests.some(
          (r) => r.path === '/dispatch' && r.headers['x-cityops-event'] === 'alert.acknowledged',
        ),
      ).toBe(true),
    );

    // The receiver is mended; an administrator retries the dead letter.
    hooks.plan('/broken', [200]);
    const retry = await admin.post(`/api/v1/notifications/dead-letters/${dead.id}/retry`);
    expect(retry.statusCode).toBe(202);
    await eventually(async () => {
      const statuses = (await outboxOfAlert(cityops.db, alert!.id)).map((r) => r.status);
      expect(statuses).not.toContain('dead');
    });
    const again = await admin.post(`/api/v1/notifications/dead-letters/${dead.id}/retry`);
    expect(again.statusCode).toBe(409);
    const audit = await admin.get(`/api/v1/audit?entity=${dead.id}`);
    expect(audit.json<{ items: Array<{ action: string }> }>().items[0]!.action).toBe(
      'notification.retry',
    );
  });

  it('skips a disabled webhook and dead-letters deliveries to a deleted one at once', async () => {
    const { admin, cityops } = t();
    const rule = await createRule(admin, {
      name: 'Gate open',
      severity: 'info',
      kind: 'match',
      eventType: 'gate.open',
      notify: [
        { channel: 'webhook', webhookId: good.id },
        { channel: 'webhook', webhookId: bad.id },
      ],
    });
    const off = await admin.patch(`/api/v1/webhooks/${good.id}`, { enabled: false });
    expect(off.json<Webhook>().enabled).toBe(false);
    const rotated = await admin.post(`/api/v1/webhooks/${bad.id}/rotate-secret`);
    expect(rotated.json<WebhookWithSecret>().secret).not.toBe(bad.secret);
    expect((await admin.delete(`/api/v1/webhooks/${bad.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/v1/webhooks/${bad.id}`)).statusCode).toBe(404);

    const [ward] = await pickWards(cityops.db, 1);
    const asset = await buildAsset(cityops.db, { ward: ward!, type: 'sensor' });
    const device = await buildDevice(admin, asset.id);
    await ingest(cityops, device.key, { type: 'gate.open' });
    const [alert] = await alertsOfRule(admin, rule.id, 1);
    const rows = await eventually(async () => {
      const r = await outboxOfAlert(cityops.db, alert!.id);
      expect(r.map((x) => x.status).sort()).toEqual(['dead', 'skipped']);
      return r;
    });
    expect(rows.find((r) => r.status === 'dead')).toMatchObject({
      attempts: 1,
      last_error: `webhook ${bad.id} no longer exists`,
    });
    expect(rows.find((r) => r.status === 'skipped')!.last_error).toBe('webhook disabled');
  });
});
