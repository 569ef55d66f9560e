/**
 * Web push to the citizen app: the VAPID public key (made once into the data
 * folder, the private key never answered), registering and removing a
 * browser's subscription with a citizen token (signed in, or an anonymous
 * follow token) with bad input named, and the status changes that tell a
 * report's sender and followers pushed to their subscriptions through the
 * notification outbox, with retries, a 410 removing the subscription.
 *
 * The push service is a plain HTTP server on the loopback (push-service.ts: a real one cannot
 * be reached here; the module takes loopback http endpoints in tests only).
 * It records each request; the test decrypts the aes128gcm body with the
 * subscription's private key (http_ece, the library web-push itself uses),
 * as the browser would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import type { PushSubscriptionInfo } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { testConfig, type Caller } from '../support/app.js';
import { loadVapidKeys } from '../../src/reports/push.js';
import { sql } from '../../src/core/db/sql.js';
import { PushService, pushBrowser } from './push-service.js';
import { act, citizenReport, createAgencies, tempDataDir, useCitizenCityOps } from './harness.js';

describeEachDb('reports: web push to citizens', (kind) => {
  const dataDir = tempDataDir();
  const service = new PushService();
  const { clock, t, signIn } = useCitizenCityOps(kind, {
    env: { CITYOPS_DATA_DIR: dataDir },
    modules: { reports: { push: { allowLoopback: true, timeoutMs: 5000 } } },
  });
  let operator: Caller;
  let publicKey = '';

  const subscriptions = async (c: Caller) =>
    (await c.get('/api/v1/citizen/push/subscriptions')).json<{ items: PushSubscriptionInfo[] }>()
      .items;
  const pushRows = (reportId: string) =>
    t().cityops.db.query<{ status: string; attempts: number; last_error: string | null }>(sql`
      SELECT status, attempts, last_error FROM report_notifications
      WHERE report_id = ${Number(reportId)} AND channel = 'push' ORDER BY created_at, id`);

  beforeAll(async () => {
    await service.start();
    await createAgencies(t().admin);
    operator = await t().userWith('operator');
  });
  afterAll(() => service.close());

  it('serves the VAPID public key, made once into the data folder', async () => {
    const res = await t().anonymous.get('/api/v1/citizen/push/key');
    expect(res.statusCode, res.body).toBe(200);
    publicKey = res.json<{ publicKey: string }>().publicKey;
    expect(publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    const file = path.join(dataDir, 'vapid.json');
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    expect(stored.publicKey).toBe(publicKey);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(res.body).not.toContain(stored.privateKey);
    const again = await t().anonymous.get('/api/v1/citizen/push/key');
    expect(again.json<{ publicKey: string }>().publicKey).toBe(publicKey);
  });

  it('refuses bad subscriptions, naming the field, and keeps nothing', async () => {
    const { followToken } = await citizenReport(t().anonymous);
    const citizen = t().as(followToken!);
    const b = pushBrowser(service, 'bad');
    const post = (body: unknown) => citizen.post('/api/v1/citizen/push/subscriptions', body);
    const named = async (body: unknown, field: string) => {
      const res = await post(body);
      expect(res.statusCode, res.body).toBe(400);
      expect(JSON.stringify(res.json()), res.body).toContain(field);
    };
    await named({ ...b.json(), endpoint: 'http://push.example.com/x' }, 'endpoint');
    await named({ ...b.json(), endpoint: 'https://10.0.0.8/push/x' }, 'endpoint');
    await named({ ...b.json(), endpoint: 'not a url' }, 'endpoint');
    await named({ endpoint: b.endpoint, keys: { p256dh: b.json().keys.p256dh } }, 'keys.auth');
    await named({ endpoint: b.endpoint }, 'keys');
    await named({ ...b.json(), keys: { ...b.json().keys, p256dh: 'short' } }, 'keys.p256dh');
    await named({ ...b.json(), lang: 'fr' }, 'lang');
    expect(await subscriptions(citizen)).toEqual([]);

    expect(
      (await t().anonymous.post('/api/v1/citizen/push/subscriptions', b.json())).statusCode,
    ).toBe(401);
    expect((await operator.post('/api/v1/citizen/push/subscriptions', b.json())).statusCode).toBe(
      403,
    );
    const missing = await citizen.request('DELETE', '/api/v1/citizen/push/subscriptions', {
      endpoint: b.endpoint,
    });
    expect(missing.statusCode).toBe(404);
  });

  it('pushes status changes to the sender and the followers, encrypted, in their language', async () => {
    const sent = await citizenReport(t().anonymous);
    const reporter = t().as(sent.followToken!);
    const mine = pushBrowser(service, 'reporter');
    const created = await reporter.post('/api/v1/citizen/push/subscriptions', mine.json());
    expect(created.statusCode, created.body).toBe(201);
    const info = created.json<PushSubscriptionInfo>();
    expect(info).toMatchObject({ host: new URL(service.base).host, lang: 'vi' });
    expect(created.body).not.toContain(mine.endpoint);
    // The same endpoint again renews it (one subscription).
    const renewed = await reporter.post('/api/v1/citizen/push/subscriptions', mine.json());
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json<PushSubscriptionInfo>().id).toBe(info.id);

    const follower = await signIn('0933333333');
    expect(
      (await follower.post(`/api/v1/citizen/reports/${sent.report.id}/follow`)).statusCode,
    ).toBe(200);
    const theirs = pushBrowser(service, 'follower');
    expect(
      (await follower.post('/api/v1/citizen/push/subscriptions', theirs.json('en'))).statusCode,
    ).toBe(201);
    // Someone else's subscription: not told about this report.
    const stranger = pushBrowser(service, 'stranger');
    const other = await citizenReport(t().anonymous);
    await t().as(other.followToken!).post('/api/v1/citizen/push/subscriptions', stranger.json());

    service.received.length = 0;
    await act(operator, sent.report.id, 'verify');
    await t().cityops.reports.notifier.drainOnce();
    expect(service.received.map((r) => r.path).sort()).toEqual(
      [new URL(mine.endpoint).pathname, new URL(theirs.endpoint).pathname].sort(),
    );
    for (const r of service.received) {
      expect(r.headers['content-encoding']).toBe('aes128gcm');
      expect(Number(r.headers.ttl)).toBeGreaterThan(0);
      expect(r.headers.authorization).toMatch(new RegExp(`^vapid t=[^,]+, k=${publicKey}$`));
    }
    const toReporter = mine.open(
      service.received.find((r) => mine.endpoint.endsWith(r.path))!.body,
    );
    expect(toReporter).toEqual({
      reportId: sent.report.id,
      event: 'report.verify',
      lang: 'vi',
      textVi: `Phản ánh #${sent.report.id} đã được tiếp nhận và xác minh.`,
      textEn: `Report #${sent.report.id} was verified.`,
      url: `/citizen/reports/${sent.report.id}`,
    });
    const toFollower = theirs.open(
      service.received.find((r) => theirs.endpoint.endsWith(r.path))!.body,
    );
    expect(toFollower).toMatchObject({ reportId: sent.report.id, lang: 'en' });
    // Another key does not open it.
    expect(() => stranger.open(service.received[0]!.body)).toThrow();
    expect((await pushRows(sent.report.id)).map((r) => r.status)).toEqual([
      'delivered',
      'delivered',
    ]);

    // The audit names the push service's host, never the endpoint.
    const audit = await t().cityops.db.query<{ after: unknown }>(
      sql`SELECT after FROM audit_log WHERE action LIKE 'citizen.push_%'`,
    );
    expect(audit.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(audit)).not.toContain('/push/');
  });

  it('retries a failed push, and a 410 removes the subscription', async () => {
    const sent = await citizenReport(t().anonymous);
    const reporter = t().as(sent.followToken!);
    const b = pushBrowser(service, 'retry');
    await reporter.post('/api/v1/citizen/push/subscriptions', b.json());

    service.received.length = 0;
    service.next = [503];
    await act(operator, sent.report.id, 'verify');
    await t().cityops.reports.notifier.drainOnce();
    expect(service.received).toHaveLength(1);
    let [row] = await pushRows(sent.report.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row!.last_error).toContain('503');
    expect(row!.last_error).not.toContain('/push/');
    clock.advance(5000);
    await t().cityops.reports.notifier.drainOnce();
    expect(service.received).toHaveLength(2);
    [row] = await pushRows(sent.report.id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(b.open(service.received[1]!.body).event).toBe('report.verify');

    service.next = [410];
    await act(operator, sent.report.id, 'reject', { reason: 'Trùng lặp' });
    await t().cityops.reports.notifier.drainOnce();
    expect(service.received).toHaveLength(3);
    expect((await pushRows(sent.report.id))[1]).toMatchObject({ status: 'skipped' });
    expect(await subscriptions(reporter)).toEqual([]);
  });

  it('moves the subscriptions of claimed anonymous reports, and removes one on request', async () => {
    const sent = await citizenReport(t().anonymous);
    const b = pushBrowser(service, 'claimed');
    await t().as(sent.followToken!).post('/api/v1/citizen/push/subscriptions', b.json());
    const account = await signIn('0944444444');
    const claimed = await account.post('/api/v1/citizen/claim', {
      followTokens: [sent.followToken],
    });
    expect(claimed.statusCode, claimed.body).toBe(200);
    const [moved] = await subscriptions(account);
    expect(moved).toBeDefined();

    service.received.length = 0;
    await act(operator, sent.report.id, 'verify');
    await t().cityops.reports.notifier.drainOnce();
    expect(service.received.map((r) => r.path)).toEqual([new URL(b.endpoint).pathname]);

    const removed = await account.request('DELETE', '/api/v1/citizen/push/subscriptions', {
      endpoint: b.endpoint,
    });
    expect(removed.statusCode, removed.body).toBe(204);
    expect(await subscriptions(account)).toEqual([]);
    service.received.length = 0;
    await act(operator, sent.report.id, 'reject', { reason: 'Không rõ vị trí' });
    await t().cityops.reports.notifier.drainOnce();
    expect(service.received).toEqual([]);
  });
});

describe('reports: VAPID keys', () => {
  it('takes both keys from the settings, or neither; never one', async () => {
    const made = webpush.generateVAPIDKeys();
    const dir = tempDataDir();
    const given = await loadVapidKeys({ ...made, dataDir: dir });
    expect(given).toEqual(made);
    expect(fs.existsSync(path.join(dir, 'vapid.json'))).toBe(false);
    expect(() => testConfig({ CITYOPS_VAPID_PUBLIC_KEY: made.publicKey })).toThrow(
      /^CITYOPS_VAPID_PRIVATE_KEY: set both/,
    );
    // A bad private key is named, its value not shown.
    const bad = 'x'.repeat(42);
    expect(() =>
      testConfig({ CITYOPS_VAPID_PUBLIC_KEY: made.publicKey, CITYOPS_VAPID_PRIVATE_KEY: bad }),
    ).toThrow(/^CITYOPS_VAPID_PRIVATE_KEY: must be a P-256 private key[^"]*$/);
    const c = testConfig({
      CITYOPS_VAPID_PUBLIC_KEY: made.publicKey,
      CITYOPS_VAPID_PRIVATE_KEY: made.privateKey,
    });
    expect(c.reports.push).toMatchObject({
      vapidPublicKey: made.publicKey,
      vapidSubject: expect.stringMatching(/^mailto:/) as unknown,
    });
  });
});
