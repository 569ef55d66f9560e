/**
 * What the citizen-report browser tests share: a CityOps on a free port with
 * a loopback SMS gateway (sign-in codes), the agencies routing needs, an
 * operator and an officer of a ward's People's Committee, a point in that
 * ward, a small JPEG drawn by the browser, and the two apps' sign-in steps.
 */
import fs from 'node:fs';
import { expect } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { createCityOps, type CityOps } from '../../src/main.js';
import { systemActor } from '../../src/core/auth/principal.js';
import { ReportSubmissions } from '../../src/reports/submission.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { callerFor, testConfig, type Caller } from '../support/app.js';
import {
  createAgencies,
  places,
  SmsGateway,
  tempDataDir,
  WARD_COMMITTEE,
} from '../reports/harness.js';
import { launchBrowser, watchedPage, type WatchedPage } from './browser.js';
import { ensureWebBuild } from './web-build.js';

export const PASSWORD = 'reports-password-e2e';
export const OPERATOR = { email: 'operator@reports.e2e', name: 'Điều hành viên Hà' };
export const OFFICER = { email: 'officer@reports.e2e', name: 'Cán bộ phường Phan Đình Phùng' };
export const WARD_AGENCY = { code: WARD_COMMITTEE, nameVi: `Cơ quan ${WARD_COMMITTEE}` };

/** A point in phường Phan Đình Phùng, Thái Nguyên (routed to its People's Committee). */
export const HERE = { latitude: places.phanDinhPhung.at[1], longitude: places.phanDinhPhung.at[0] };

export interface ReportsEnv {
  cityops: CityOps;
  base: string;
  browser: Browser;
  sms: SmsGateway;
  close(): Promise<void>;
}

/** `pushService`: the loopback push service's endpoints are taken (test/reports/push-service.ts). */
export async function startReportsEnv(opts: { pushService?: boolean } = {}): Promise<ReportsEnv> {
  ensureWebBuild();
  const sms = new SmsGateway();
  const dataDir = tempDataDir();
  const testDb: TestDb = await openTestDb('pglite');
  const cityops = await createCityOps({
    config: testConfig({
      CITYOPS_PORT: '0',
      CITYOPS_DATA_DIR: dataDir,
      CITYOPS_SMS_URL: await sms.start(),
    }),
    db: testDb.db,
    log: false,
    ...(opts.pushService ? { reports: { push: { allowLoopback: true, timeoutMs: 5000 } } } : {}),
  });
  const create = (u: {
    email: string;
    name: string;
    role: 'administrator' | 'operator' | 'agency_officer';
    agencies: string[];
  }) =>
    cityops.people.users.create(systemActor, {
      ...u,
      password: PASSWORD,
      units: [],
      locale: 'vi',
    });
  await create({
    email: 'admin@reports.e2e',
    name: 'Quản trị',
    role: 'administrator',
    agencies: [],
  });
  await cityops.app.ready();
  const login = await cityops.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'admin@reports.e2e', password: PASSWORD },
  });
  // The agencies first: an officer's scope names one.
  await createAgencies(callerFor(cityops, login.json<{ token: string }>().token));
  await create({ ...OPERATOR, role: 'operator', agencies: [] });
  await create({ ...OFFICER, role: 'agency_officer', agencies: [WARD_COMMITTEE] });
  const base = await cityops.listen();
  const browser = await launchBrowser();
  return {
    cityops,
    base,
    browser,
    sms,
    async close() {
      await browser.close();
      await cityops.close();
      await testDb.drop();
      await sms.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A phone in Thái Nguyên: 390 × 844, touch, location granted at a fixed point. */
export const phone: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  geolocation: HERE,
  permissions: ['geolocation'],
  timezoneId: 'Asia/Ho_Chi_Minh',
};

export async function citizenPage(
  browser: Browser,
): Promise<{ context: BrowserContext } & WatchedPage> {
  const context = await browser.newContext(phone);
  return { context, ...(await watchedPage(context)) };
}

/** Waits until the service worker controls the page (it claims it once active). */
export async function serviceWorkerReady(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      !!(globalThis as unknown as { navigator: { serviceWorker: { controller: unknown } } })
        .navigator.serviceWorker.controller,
    undefined,
    { timeout: 15_000 },
  );
}

/** A small JPEG, drawn by the browser's canvas. */
export async function makeJpeg(page: Page, label: string): Promise<Buffer> {
  // Runs in the browser: the test's own types have no DOM, hence the small interface.
  interface Canvas {
    width: number;
    height: number;
    toDataURL(type: string, quality: number): string;
    getContext(kind: '2d'): {
      fillStyle: string;
      font: string;
      fillRect(x: number, y: number, w: number, h: number): void;
      beginPath(): void;
      ellipse(
        x: number,
        y: number,
        rx: number,
        ry: number,
        rot: number,
        a: number,
        b: number,
      ): void;
      fill(): void;
      fillText(text: string, x: number, y: number): void;
    };
  }
  const dataUrl = await page.evaluate((text) => {
    const doc = (globalThis as unknown as { document: { createElement(tag: 'canvas'): Canvas } })
      .document;
    const c = doc.createElement('canvas');
    c.width = 640;
    c.height = 480;
    const g = c.getContext('2d');
    g.fillStyle = '#6b6b6b';
    g.fillRect(0, 0, 640, 480);
    g.fillStyle = '#2b2b2b';
    g.beginPath();
    g.ellipse(320, 280, 160, 80, 0, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = '#ffffff';
    g.font = '32px sans-serif';
    g.fillText(text, 20, 50);
    return c.toDataURL('image/jpeg', 0.8);
  }, label);
  return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}

/** Fails the test when the page logged errors other than the expected ones. */
export function expectNoConsoleErrors(w: WatchedPage, expected: RegExp[] = []): void {
  expect(w.errors.filter((e) => !expected.some((re) => re.test(e)))).toEqual([]);
}

export async function signInConsole(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByTestId('current-user').waitFor();
}

/** Fills and sends the report form of the citizen app (already open); answers the report number. */
export async function fileReport(
  page: Page,
  opts: { description: string; photo?: Buffer; name?: string; expectQueued?: boolean },
): Promise<string | null> {
  await page.getByTestId('category-road_damage').click();
  if (opts.photo) {
    await page
      .getByTestId('photo-camera')
      .setInputFiles({ name: 'o-ga.jpg', mimeType: 'image/jpeg', buffer: opts.photo });
    await page.getByTestId('photo-previews').locator('img').first().waitFor();
  }
  await page.getByTestId('use-gps').click();
  await page.getByTestId('picked-location').waitFor();
  await page.getByTestId('description').fill(opts.description);
  await page.locator('#attr-hazard_level').selectOption('high');
  if (opts.name) {
    await page.locator('details.contact summary').click();
    await page.getByLabel('Họ tên').fill(opts.name);
  }
  await page.getByTestId('submit-report').click();
  if (opts.expectQueued) {
    await page.getByTestId('queued-note').waitFor();
    return null;
  }
  await page.getByTestId('sent-note').waitFor();
  const id = /\/citizen\/reports\/(\d+)/.exec(page.url())?.[1];
  expect(id).toBeTruthy();
  return id!;
}

/** A user's API caller (a sign-in through the real route, no browser). */
export async function callerAs(cityops: CityOps, email: string): Promise<Caller> {
  const res = await cityops.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  return callerFor(cityops, res.json<{ token: string }>().token);
}

/**
 * A report the hotline took `daysAgo` days ago at HERE: the real submission
 * on a clock set back (as the demo seed makes its past reports), so that its
 * deadline, counted in working days from then, may have passed. Answers its number.
 */
export async function reportTakenDaysAgo(
  cityops: CityOps,
  daysAgo: number,
  categoryCode: string,
  description: string,
  attributes: Record<string, string> = {},
): Promise<string> {
  const at = new Date(Date.now() - daysAgo * 86_400_000);
  const submissions = new ReportSubmissions({
    db: cityops.db,
    audit: cityops.ctx.audit,
    clock: { now: () => at },
    calendar: cityops.reports.calendar,
    categories: cityops.reports.categories,
    files: cityops.reports.files,
    changes: cityops.reports.changes,
    deadlineDays: cityops.ctx.config.reports.deadlineDays,
  });
  const made = await submissions.submit(
    {
      channel: 'staff',
      categoryCode,
      description,
      location: { lat: HERE.latitude, lon: HERE.longitude },
      address: null,
      addressId: null,
      attributes,
      photoIds: [],
      reporter: { name: null, phone: null, email: null, deviceId: null, accountId: null },
      citizenId: null,
      mediaUrl: null,
    },
    {
      history: { type: 'staff', id: null, name: OPERATOR.name, agency: null },
      audit: systemActor,
      uploader: { type: 'anonymous', id: null },
    },
  );
  return String(made.id);
}
