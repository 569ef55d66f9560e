/**
 * The citizen app on a phone, in a real headless Chromium against a real
 * CityOps: a report made offline waits in the outbox (IndexedDB, with its
 * photo) and is sent once the connection returns; every screen has the
 * language switch labelled with the other language; sign-in by phone with
 * the code the SMS gateway received; the public map and list without
 * personal data. Every page fails its test on any browser console error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot, type WatchedPage } from './browser.js';
import {
  citizenPage,
  expectNoConsoleErrors,
  fileReport,
  makeJpeg,
  startReportsEnv,
  type ReportsEnv,
} from './reports-harness.js';

const OFFLINE_TEXT = 'Nắp cống bị vỡ trước cổng chợ, báo khi mất mạng.';
const REPORTER = 'Trần Thị Bình';
const SYNC_TEXT = 'Rác đổ trộm bên bờ sông Cầu, gửi lại khi có mạng.';

let env: ReportsEnv;
let citizen: { context: BrowserContext } & WatchedPage;

beforeAll(async () => {
  env = await startReportsEnv();
  citizen = await citizenPage(env.browser);
}, 240_000);

afterAll(async () => {
  await env?.close();
});

/** Whether the public list shows a report with this description. */
async function publicHas(description: string): Promise<boolean> {
  const res = await fetch(`${env.base}/api/v1/citizen/public/reports?limit=50`);
  const body = (await res.json()) as { items: Array<{ description: string | null }> };
  return body.items.some((r) => r.description === description);
}

/** Waits until the service worker controls the page (it claims it once active). */
async function serviceWorkerReady(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      !!(globalThis as unknown as { navigator: { serviceWorker: { controller: unknown } } })
        .navigator.serviceWorker.controller,
    undefined,
    { timeout: 15_000 },
  );
}

describe('citizen app', () => {
  it('queues a report made offline, with its photo, and sends it when back online', async () => {
    const { page, context } = citizen;
    await page.goto(`${env.base}/citizen/`);
    await serviceWorkerReady(page);
    await page.getByTestId('start-report').click();
    // The map is drawn while online; offline it can still be used.
    await page.locator('[data-testid=report-map] canvas').waitFor();
    const photo = await makeJpeg(page, 'nap cong');

    await context.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    expect(await page.getByTestId('submit-report').textContent()).toBe('Lưu và gửi khi có mạng');
    await fileReport(page, {
      description: OFFLINE_TEXT,
      photo,
      name: REPORTER,
      expectQueued: true,
    });
    const queued = page.getByTestId('queued-item');
    expect(await queued.count()).toBe(1);
    expect(await queued.textContent()).toContain(OFFLINE_TEXT);
    expect(await queued.textContent()).toContain('Chờ có mạng');
    await screenshot(page, 'citizen-01-offline-queued');
    // Still waiting after a reload of the app (the outbox is in IndexedDB).
    await page.getByTestId('tab-home').click();
    expect(await page.getByRole('status').filter({ hasText: 'đang chờ gửi' }).count()).toBe(1);

    await context.setOffline(false);
    await page.getByTestId('tab-mine').click();
    await expect.poll(() => page.getByTestId('queued-item').count(), { timeout: 20_000 }).toBe(0);
    const own = page.getByTestId('own-reports');
    await expect
      .poll(async () => (await own.isVisible()) && (await own.textContent()), { timeout: 10_000 })
      .toContain(OFFLINE_TEXT);
    await screenshot(page, 'citizen-02-sent-after-offline');
    expectNoConsoleErrors(citizen);
  });

  it(
    'sends a queued report by Background Sync while the app is closed',
    { timeout: 60_000 },
    async () => {
      const phone = await citizenPage(env.browser);
      try {
        const { page, context } = phone;
        await page.goto(`${env.base}/citizen/report`);
        await serviceWorkerReady(page);
        await page.locator('[data-testid=report-map] canvas').waitFor();
        await context.setOffline(true);
        await page.getByTestId('offline-banner').waitFor();
        await fileReport(page, { description: SYNC_TEXT, expectQueued: true });
        expectNoConsoleErrors(phone);
        await page.close();
        await context.setOffline(false);
        expect(await publicHas(SYNC_TEXT)).toBe(false);
        // Nobody has the app open: only the service worker can send it. Chromium fires the
        // sync event when its connectivity returns; the emulated network does not tell it,
        // so DevTools fires it as Chromium would.
        const blank = await context.newPage();
        const cdp = await context.newCDPSession(blank);
        const registration = new Promise<string>((resolve) =>
          cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
            const r = e.registrations.find(
              (x) => x.scopeURL === `${env.base}/citizen/` && !x.isDeleted,
            );
            if (r) resolve(r.registrationId);
          }),
        );
        await cdp.send('ServiceWorker.enable');
        await cdp.send('ServiceWorker.dispatchSyncEvent', {
          origin: env.base,
          registrationId: await registration,
          tag: 'cityops-outbox',
          lastChance: false,
        });
        await expect
          .poll(() => publicHas(SYNC_TEXT), { timeout: 15_000, interval: 300 })
          .toBe(true);
      } finally {
        await phone.context.close();
      }
    },
  );

  it('has the language switch, labelled with the other language, on every screen', async () => {
    const { page } = citizen;
    const sent = await page
      .getByTestId('own-reports')
      .locator('[data-testid^=report-]')
      .first()
      .getAttribute('data-testid');
    const id = sent!.replace('report-', '');
    const screens: Array<[string, string, string]> = [
      ['/citizen/', 'Xin chào!', 'Welcome!'],
      ['/citizen/report', 'Gửi phản ánh', 'Report a problem'],
      ['/citizen/mine', 'Phản ánh của tôi', 'My reports'],
      ['/citizen/map', 'Bản đồ công cộng', 'Public map'],
      ['/citizen/sign-in', 'Đăng nhập bằng số điện thoại', 'Sign in with your phone number'],
      [`/citizen/reports/${id}`, `Phản ánh #${id}`, `Report #${id}`],
    ];
    for (const [path, vi, en] of screens) {
      await page.goto(`${env.base}${path}`);
      await page.getByRole('heading', { level: 1, name: vi }).waitFor();
      const toEnglish = page.getByRole('button', { name: 'English' });
      expect(await toEnglish.textContent(), path).toBe('English');
      await toEnglish.click();
      await page.getByRole('heading', { level: 1, name: en }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      const toVietnamese = page.getByRole('button', { name: 'Tiếng Việt' });
      expect(await toVietnamese.textContent(), path).toBe('Tiếng Việt');
      if (path === '/citizen/report') await screenshot(page, 'citizen-03-report-en');
      await toVietnamese.click();
      await page.getByRole('heading', { level: 1, name: vi }).waitFor();
    }
    expectNoConsoleErrors(citizen);
  });

  it('signs in by phone with the code sent by SMS and keeps the reports made before', async () => {
    const { page } = citizen;
    await page.goto(`${env.base}/citizen/sign-in`);
    await page.getByTestId('phone').fill('0912 345 678');
    await page.getByRole('button', { name: 'Gửi mã' }).click();
    await page.getByTestId('otp').waitFor();
    const code = env.sms.codeFor('+84912345678');
    expect(code).toMatch(/^\d{6}$/);
    await page.getByTestId('otp').fill(code!);
    await page.getByRole('button', { name: 'Xác nhận' }).click();
    await page.getByText('Đã đăng nhập: +84912345678').waitFor();
    // The anonymous report of this phone is still followed.
    await page.getByTestId('own-reports').getByText(OFFLINE_TEXT).waitFor();

    // A report sent signed in.
    await page.getByTestId('tab-report').click();
    const id = await fileReport(page, { description: 'Đèn đường hỏng? Không: ổ gà mới.' });
    await page.getByTestId('tab-mine').click();
    await page.getByTestId(`report-${id}`).waitFor();
    await screenshot(page, 'citizen-04-signed-in');
    expectNoConsoleErrors(citizen);
  });

  it('shows the public map and list without personal data, and offers to follow a duplicate', async () => {
    const { page } = citizen;
    await page.getByTestId('tab-map').click();
    await page.locator('[data-testid=report-map] canvas').waitFor();
    await page.getByText(/phản ánh trên bản đồ/).waitFor();
    await screenshot(page, 'citizen-05-public-map');
    await page.getByTestId('view-list').click();
    const list = page.getByTestId('public-list');
    await list.getByText(OFFLINE_TEXT).waitFor();
    expect(await page.content()).not.toContain(REPORTER);
    await screenshot(page, 'citizen-06-public-list');

    // Another phone at the same place: the same kind of problem nearby is offered to follow.
    const other = await citizenPage(env.browser);
    try {
      await other.page.goto(`${env.base}/citizen/report`);
      await other.page.getByTestId('category-road_damage').click();
      await other.page.getByTestId('use-gps').click();
      const nearby = other.page.getByTestId('nearby');
      await nearby.waitFor();
      const follow = nearby.getByRole('button', { name: 'Đây cũng là vấn đề của tôi — theo dõi' });
      expect(await follow.count()).toBeGreaterThan(0);
      await screenshot(other.page, 'citizen-07-nearby');
      await follow.first().click();
      await other.page.getByTestId('report-detail').waitFor();
      await other.page.getByTestId('tab-mine').click();
      await other.page.getByTestId('watched-reports').waitFor();
      expectNoConsoleErrors(other);
    } finally {
      await other.context.close();
    }
    expectNoConsoleErrors(citizen);
  });
});
