/**
 * Web push in the citizen app, in a real headless Chromium against a real
 * CityOps: turning notifications on registers the browser's subscription with
 * the server under the device's token, with the server's VAPID key; a status
 * change an operator makes is sent, encrypted, to the subscription's push
 * service; delivered to the app's service worker, it is shown as a
 * notification in the language the citizen chose, and the open app refreshes
 * its list of reports. Switching the app to English registers the
 * subscription again in English, and the next change arrives in English;
 * tapping the notification opens the report in the app.
 *
 * A push service cannot be reached here (headless Chromium subscribes only
 * through its vendor's), so two parts stand in for it, and only those:
 * PushManager's subscribe and getSubscription answer a subscription whose
 * endpoint is the loopback push service of test/reports/push-service.ts, with
 * keys the test holds; and what that service received, decrypted with those
 * keys as the browser would, is handed to the service worker by Chromium's
 * DevTools protocol (ServiceWorker.deliverPushMessage), as the browser hands
 * it a push service's delivery.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import type { PushMessage } from '@cityops/contracts';
import { sql } from '../../src/core/db/sql.js';
import { act } from '../reports/harness.js';
import { PushService, pushBrowser, type PushBrowser } from '../reports/push-service.js';
import { screenshot, watchedPage, type WatchedPage } from './browser.js';
import {
  callerAs,
  expectNoConsoleErrors,
  fileReport,
  OPERATOR,
  phone,
  serviceWorkerReady,
  startReportsEnv,
  WARD_AGENCY,
  type ReportsEnv,
} from './reports-harness.js';

/** What the functions run in the page use of it (the tests' types have no DOM). */
interface InPage {
  navigator: {
    serviceWorker: {
      ready: Promise<{
        getNotifications(): Promise<
          Array<{ title: string; body: string; lang: string; tag: string; data: unknown }>
        >;
      }>;
    };
  };
  localStorage: { getItem(key: string): string | null };
  __swMessages: unknown[];
}

/** What the function run in the service worker uses of its scope. */
interface SwScope {
  registration: { getNotifications(): Promise<unknown[]> };
  NotificationEvent: new (type: string, init: { notification: unknown }) => unknown;
  dispatchEvent(event: unknown): boolean;
}

let env: ReportsEnv;
const service = new PushService();

beforeAll(async () => {
  await service.start();
  env = await startReportsEnv({ pushService: true });
}, 240_000);

afterAll(async () => {
  await env?.close();
  await service.close();
});

/**
 * The stand-in for the browser's push service registration, run in every page
 * before the app: a subscription with the test's endpoint and keys (kept over
 * reloads in localStorage, as the browser keeps its own), the key the app
 * subscribed with, and the messages the service worker posts to the page.
 */
function pushManagerStandIn(sub: ReturnType<PushBrowser['json']>): string {
  return `(() => {
    const sub = ${JSON.stringify({ endpoint: sub.endpoint, keys: sub.keys })};
    const KEY = 'test.push-subscription';
    const make = () => ({
      endpoint: sub.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true },
      toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
      unsubscribe: async () => { localStorage.removeItem(KEY); return true; },
    });
    PushManager.prototype.subscribe = async function (options) {
      const bytes = new Uint8Array(options.applicationServerKey);
      localStorage.setItem(KEY, btoa(String.fromCharCode(...bytes))
        .replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, ''));
      return make();
    };
    PushManager.prototype.getSubscription = async function () {
      return localStorage.getItem(KEY) ? make() : null;
    };
    window.__swMessages = [];
    navigator.serviceWorker.addEventListener('message', (e) => window.__swMessages.push(e.data));
  })();`;
}

/** The service worker registration of the citizen app, as the DevTools protocol names it. */
async function citizenRegistration(cdp: CDPSession): Promise<string> {
  const seen: Array<{ registrationId: string; scopeURL: string; isDeleted: boolean }> = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => seen.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  const citizen = () => seen.find((r) => r.scopeURL === `${env.base}/citizen/` && !r.isDeleted);
  await expect.poll(citizen).toBeDefined();
  return citizen()!.registrationId;
}

/** The notifications the app's service worker shows now. */
function shown(page: Page) {
  return page.evaluate(async () => {
    const reg = await (globalThis as unknown as InPage).navigator.serviceWorker.ready;
    const list = await reg.getNotifications();
    return list.map((n) => ({
      title: n.title,
      body: n.body,
      lang: n.lang,
      tag: n.tag,
      data: n.data,
    }));
  });
}

/** What the push service received for `sub` since `from`, decrypted as the browser would. */
function delivered(sub: PushBrowser, from: number): string[] {
  return service.received
    .slice(from)
    .filter((r) => sub.endpoint.endsWith(r.path))
    .map((r) => sub.decrypt(r.body));
}

it(
  'shows a pushed status change in the citizen’s language, refreshes the open app, opens the report when tapped',
  { timeout: 120_000 },
  async () => {
    const sub = pushBrowser(service, 'phone');
    const context: BrowserContext = await env.browser.newContext({
      ...phone,
      permissions: [...(phone.permissions ?? []), 'notifications'],
    });
    let watched: WatchedPage | undefined;
    try {
      await context.addInitScript({ content: pushManagerStandIn(sub.json()) });
      watched = await watchedPage(context);
      const { page } = watched;
      await page.goto(`${env.base}/citizen/report`);
      await serviceWorkerReady(page);
      const id = await fileReport(page, { description: 'Đèn đường hỏng cả dãy phố, tối om.' });

      // Notifications on: the app subscribes with the server's key and registers in Vietnamese.
      await page.getByTestId('tab-mine').click();
      const control = page.getByTestId('notify-switch');
      await expect.poll(() => control.getAttribute('data-state')).toBe('off');
      await page.getByTestId('notify-toggle').click();
      await expect.poll(() => control.getAttribute('data-state')).toBe('on');
      const { publicKey } = (await (await fetch(`${env.base}/api/v1/citizen/push/key`)).json()) as {
        publicKey: string;
      };
      expect(
        await page.evaluate(() =>
          (globalThis as unknown as InPage).localStorage.getItem('test.push-subscription'),
        ),
      ).toBe(publicKey);
      const stored = () =>
        env.cityops.db.query<{ lang: string; p256dh: string; auth: string }>(sql`
          SELECT lang, p256dh, auth FROM citizen_push_subscriptions
          WHERE endpoint = ${sub.endpoint}`);
      expect(await stored()).toEqual([
        { lang: 'vi', p256dh: sub.json().keys.p256dh, auth: sub.auth },
      ]);

      // A status change the operator makes: pushed, encrypted for this browser, to the push
      // service; decrypted, handed to the service worker as the browser hands a delivery.
      const operator = await callerAs(env.cityops, OPERATOR.email);
      const cdp = await context.newCDPSession(page);
      const registrationId = await citizenRegistration(cdp);
      const change = async (action: string, body: Record<string, unknown> = {}) => {
        const from = service.received.length;
        await act(operator, id!, action, body);
        await env.cityops.reports.notifier.drainOnce();
        const [data] = delivered(sub, from);
        expect(data, `the push of ${action}`).toBeDefined();
        await cdp.send('ServiceWorker.deliverPushMessage', {
          origin: env.base,
          registrationId,
          data: data!,
        });
        return JSON.parse(data!) as PushMessage;
      };
      /** One notification of the report, as the service worker words it. */
      const expectShown = (title: string, body: string, lang: 'vi' | 'en') =>
        expect
          .poll(() => shown(page), { timeout: 10_000 })
          .toEqual([
            { title, body, lang, tag: `report-${id}`, data: { url: `/citizen/reports/${id}` } },
          ]);

      // Verified: a notification in Vietnamese, and the open app refreshes its list.
      const message = await change('verify');
      expect(message).toMatchObject({ reportId: id, event: 'report.verify', lang: 'vi' });
      await expectShown(`Phản ánh #${id}`, message.textVi, 'vi');
      await expect
        .poll(() => page.evaluate(() => (globalThis as unknown as InPage).__swMessages))
        .toContainEqual({ type: 'cityops:push', reportId: id });
      const chip = page
        .getByTestId('own-reports')
        .getByTestId(`report-${id}`)
        .getByTestId('status-chip');
      await expect
        .poll(() => chip.getAttribute('class'), { timeout: 10_000 })
        .toContain('status-verified');
      await screenshot(page, 'citizen-push-01-verified');

      // In English: the subscription is registered again in English; the next change comes so,
      // replacing the report's notification (one tag a report).
      await page.getByTestId('language-switch').click();
      await expect.poll(async () => (await stored())[0]?.lang).toBe('en');
      const inEnglish = await change('assign', { agency: WARD_AGENCY.code });
      expect(inEnglish).toMatchObject({ reportId: id, event: 'report.assign', lang: 'en' });
      await expectShown(`Report #${id}`, inEnglish.textEn, 'en');
      expect(inEnglish.textEn).toMatch(/ was assigned to /);

      // Tapping it (the click the browser would dispatch to the service worker) opens the
      // report in the open app.
      await page.getByTestId('tab-home').click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/citizen/');
      const [worker] = context.serviceWorkers();
      await worker!.evaluate(async () => {
        const sw = globalThis as unknown as SwScope;
        const [notification] = await sw.registration.getNotifications();
        sw.dispatchEvent(new sw.NotificationEvent('notificationclick', { notification }));
      });
      await expect.poll(() => new URL(page.url()).pathname).toBe(`/citizen/reports/${id}`);
      await expect.poll(() => shown(page)).toEqual([]);

      // Turning notifications off removes the subscription from the server.
      await page.getByTestId('tab-mine').click();
      await page.getByTestId('notify-toggle').click();
      await expect.poll(() => control.getAttribute('data-state')).toBe('off');
      await expect.poll(async () => (await stored()).length).toBe(0);
      expectNoConsoleErrors(watched);
    } finally {
      await context.close();
    }
  },
);
