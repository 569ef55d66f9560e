/**
 * The citizen app on a phone, in a real headless Chromium against a real
 * CityOps: a report made offline waits in the outbox (IndexedDB, with its
 * photo) and is sent once the connection returns; every screen has the
 * language switch labelled with the other language; sign-in by phone with
 * the code the SMS gateway received; the public map and list without
 * personal data; a submission whose answer was lost sent again with the same
 * Idempotency-Key (one report, not two); claiming the anonymous reports of
 * the device at sign-in; following a public report into the account. Every
 * page fails its test on any browser console error. Web push is tested in
 * citizen-push.e2e.test.ts (with a loopback push service standing in for a
 * real one, which cannot be reached here); the notifications control is
 * checked as shown here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { sql } from '../../src/core/db/sql.js';
import { screenshot, type WatchedPage } from './browser.js';
import {
  citizenPage,
  expectNoConsoleErrors,
  fileReport,
  makeJpeg,
  serviceWorkerReady,
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
        // The service worker sent it with the report's Idempotency-Key.
        const keyed = await env.cityops.db.query(sql`
          SELECT 1 FROM citizen_submission_keys k JOIN reports r ON r.id = k.report_id
          WHERE r.description = ${SYNC_TEXT}`);
        expect(keyed).toHaveLength(1);
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

  it(
    'sends a report again with the same Idempotency-Key after a lost answer, then claims it at sign-in',
    { timeout: 90_000 },
    async () => {
      const phone = await citizenPage(env.browser);
      try {
        const { page } = phone;
        const text = 'Cây đổ chắn lối vào trường, câu trả lời bị mất giữa đường.';
        const sent: Array<{ key: string | undefined; replayed: string | undefined }> = [];
        // The first answer is lost after the server made the report (the connection drops).
        await page.route('**/api/v1/citizen/reports', async (route) => {
          if (route.request().method() !== 'POST') return route.continue();
          const key = route.request().headers()['idempotency-key'];
          const res = await route.fetch();
          sent.push({ key, replayed: res.headers()['idempotent-replayed'] });
          if (sent.length === 1) return route.abort('connectionreset');
          return route.fulfill({ response: res });
        });
        await page.goto(`${env.base}/citizen/report`);
        await serviceWorkerReady(page);
        await fileReport(page, { description: text, expectQueued: true });
        // The outbox sends it again at once (online): the server answers the first report.
        await expect.poll(() => sent.length, { timeout: 20_000 }).toBe(2);
        expect(sent[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
        expect(sent[1]).toEqual({ key: sent[0]!.key, replayed: 'true' });
        const made = await env.cityops.db.query<{ id: number }>(
          sql`SELECT id FROM reports WHERE description = ${text}`,
        );
        expect(made).toHaveLength(1);
        const id = String(made[0]!.id);
        await page.getByTestId(`report-${id}`).waitFor();
        expect(await page.getByTestId('queued-item').count()).toBe(0);
        // The notifications control is shown (headless Chromium refuses notifications, and
        // push needs a real push service to turn on).
        const control = page.getByTestId('notify-switch');
        expect(await control.getAttribute('data-state')).toMatch(/^(off|blocked|unsupported)$/);
        expect(await control.textContent()).toMatch(/thông báo/);
        await page.unroute('**/api/v1/citizen/reports');

        // Signing in by phone claims this device's anonymous report into the account.
        await page.goto(`${env.base}/citizen/sign-in`);
        await page.getByTestId('phone').fill('0987 654 321');
        await page.getByRole('button', { name: 'Gửi mã' }).click();
        await page.getByTestId('otp').waitFor();
        await page.getByTestId('otp').fill(env.sms.codeFor('+84987654321')!);
        await page.getByRole('button', { name: 'Xác nhận' }).click();
        await page.getByTestId('claimed-note').waitFor();
        expect(await page.getByTestId('claimed-note').textContent()).toBe(
          'Đã chuyển 1 phản ánh gửi từ thiết bị này vào tài khoản của bạn.',
        );
        await page.getByTestId('own-reports').getByTestId(`report-${id}`).waitFor();
        const owner = await env.cityops.db.query<{ phone: string | null }>(sql`
          SELECT c.phone FROM reports r JOIN citizens c ON c.id = r.citizen_id
          WHERE r.id = ${Number(id)}`);
        expect(owner).toEqual([{ phone: '+84987654321' }]);
        const stored = await page.evaluate(() =>
          (
            globalThis as unknown as { localStorage: { getItem(k: string): string | null } }
          ).localStorage.getItem('cityops.citizen.identity'),
        );
        expect(JSON.parse(stored ?? '{}')).toMatchObject({ followTokens: [] });

        // A public report followed from its page goes into the account (and its notifications).
        const other = (await (
          await fetch(`${env.base}/api/v1/citizen/public/reports?limit=50`)
        ).json()) as { items: Array<{ id: string; description: string | null }> };
        const theirs = other.items.find((r) => r.description === OFFLINE_TEXT)!;
        await page.goto(`${env.base}/citizen/reports/${theirs.id}`);
        await page.getByTestId('follow-toggle').click();
        await page.getByTestId('tab-mine').click();
        await page.getByTestId('watched-reports').getByTestId(`report-${theirs.id}`).waitFor();
        const follows = await env.cityops.db.query(sql`
          SELECT 1 FROM report_followers f JOIN citizens c ON c.id = f.citizen_id
          WHERE f.report_id = ${Number(theirs.id)} AND c.phone = '+84987654321'`);
        expect(follows).toHaveLength(1);
        await screenshot(page, 'citizen-08-claimed-and-followed');
        expectNoConsoleErrors(phone, [/ERR_CONNECTION_RESET|Failed to load resource/]);
      } finally {
        await phone.context.close();
      }
    },
  );
});
