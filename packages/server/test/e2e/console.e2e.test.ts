/**
 * The console and the citizen app in a real headless Chromium against a real
 * CityOps on a free port: sign-in, the map with its boundaries and assets,
 * languages, role-based navigation, unit history, and the installable citizen
 * app. Every page fails its test on any browser console error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/core/auth/principal.js';
import type { Browser, Page } from 'playwright-core';
import { screenshot, useWatchedPage, watchedPage } from './browser.js';
import {
  expectNoConsoleErrors,
  startConsoleApp,
  waitForMap,
  type ConsoleApp,
  type MapProbe,
} from './console-app.js';

const ADMIN = { email: 'admin@e2e.local', password: 'admin-password-e2e' };
const VIEWER = { email: 'viewer@e2e.local', password: 'viewer-password-e2e' };
const CAMERA = {
  code: 'CAM-E2E-1',
  name: 'Camera cổng UBND phường Phan Đình Phùng',
  at: [105.8425, 21.5942],
};

let app: ConsoleApp;
let base: string;
let browser: Browser;

function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  return app.signIn(page, who);
}

beforeAll(async () => {
  app = await startConsoleApp({
    users: [
      { ...ADMIN, name: 'Quản trị E2E', role: 'administrator' },
      { ...VIEWER, name: 'Người xem E2E', role: 'viewer' },
    ],
  });
  ({ base, browser } = app);

  const token = await app.token(ADMIN);
  const created = await fetch(`${base}/api/v1/assets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      type: 'camera',
      code: CAMERA.code,
      name: CAMERA.name,
      geometry: { type: 'Point', coordinates: CAMERA.at },
      status: 'online',
    }),
  });
  expect(created.status).toBe(201);
  // More places than the GeoJSON layer takes: the map draws them from the vector tiles.
  const places = Array.from({ length: 5001 }, (_, i) => ({
    type: 'poi' as const,
    code: `POI-E2E-${i}`,
    name: `Điểm ${i}`,
    geometry: {
      type: 'Point' as const,
      coordinates: [105.8 + (i % 71) * 0.001, 21.55 + Math.floor(i / 71) * 0.001] as [
        number,
        number,
      ],
    },
  }));
  expect((await app.cityops.assets.service.importItems(systemActor, places)).created).toBe(5001);
}, 240_000);

afterAll(async () => app?.close());

describe('operator console', () => {
  // A browser far from Vietnam: times must still be shown in Asia/Ho_Chi_Minh.
  const w = useWatchedPage(() =>
    browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'America/New_York' }),
  );

  it('refuses a wrong password with a translated message', async () => {
    const { page } = w;
    await signIn(page, { email: ADMIN.email, password: 'not-the-password' });
    await expect
      .poll(() => page.getByTestId('sign-in-error').textContent())
      .toBe('Email hoặc mật khẩu không đúng.');
    expect(await page.getByRole('button', { name: 'English' }).textContent()).toBe('EN');
    await screenshot(page, '01-sign-in-wrong-password');
    // The browser itself logs the refused request (401); nothing else may appear.
    expectNoConsoleErrors(w, [/status of 401/]);
    w.errors.length = 0;
  });

  it('signs in and shows the map with boundaries, assets and the approximate-boundaries notice', async () => {
    const { page } = w;
    await signIn(page, ADMIN);
    await waitForMap(page);
    expect(await page.getByTestId('current-role').textContent()).toBe('Quản trị hệ thống');

    const canvas = page.locator('canvas.maplibregl-canvas');
    const box = await canvas.boundingBox();
    expect(box?.width).toBeGreaterThan(400);
    expect(box?.height).toBeGreaterThan(300);
    // Boundaries are drawn in the view, not only loaded.
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (
              globalThis as unknown as { __cityopsMap: MapProbe }
            ).__cityopsMap.queryRenderedFeatures({ layers: ['units-fill'] }).length,
        ),
      )
      .toBeGreaterThan(10);

    const notice = page.getByTestId('approximate-notice');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain('Ranh giới gần đúng');

    // The clock shows Vietnam time although the browser is in New York.
    const clock = await page.locator('time.clock').textContent();
    const vn = (d: Date) =>
      new Intl.DateTimeFormat('vi-VN', {
        timeZone: 'Asia/Ho_Chi_Minh',
        hour: '2-digit',
        minute: '2-digit',
      }).format(d);
    const now = Date.now();
    expect([vn(new Date(now)), vn(new Date(now - 60_000))]).toContain(clock);
    await screenshot(page, '02-map-vi');
    // The places come from the tiles, chosen from the layer catalogue: never a refused GeoJSON request.
    await expect
      .poll(() => page.evaluate(`Boolean(window.__cityopsMap.getSource('tiles-poi'))`))
      .toBe(true);
    expectNoConsoleErrors(w);
  });

  it('opens an asset and a commune in the side panel', async () => {
    const { page } = w;
    await page.waitForFunction(
      () => {
        const m = (globalThis as unknown as { __cityopsMap: MapProbe }).__cityopsMap;
        return !!m.getSource('assets') && m.querySourceFeatures('assets').length > 0;
      },
      undefined,
      { timeout: 10_000 },
    );
    const point = await page.evaluate(async (at) => {
      const m = (globalThis as unknown as { __cityopsMap: MapProbe }).__cityopsMap;
      m.jumpTo({ center: at, zoom: 16 });
      await new Promise<void>((resolve) => m.once('idle', resolve));
      const p = m.project(at);
      const r = m.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    }, CAMERA.at);
    await page.mouse.click(point.x, point.y);
    const panel = page.getByTestId('asset-panel');
    await panel.getByText(CAMERA.name).waitFor();
    expect(await panel.textContent()).toContain('Camera giám sát');
    expect(await panel.textContent()).toContain('Hoạt động');
    await screenshot(page, '03-asset-panel');

    // A commune found by the search box: its names, level and approximate flag.
    await page.getByTestId('map-search').fill('Gia Sàng');
    await page.getByRole('option', { name: /Phường Gia Sàng/ }).click();
    const unit = page.getByTestId('unit-panel');
    await unit.waitFor();
    expect(await unit.textContent()).toContain('Gia Sang Ward');
    expect(await unit.textContent()).toContain('Xã/phường');
    expect(await unit.getByTestId('unit-approximate').textContent()).toBe('Gần đúng');
    await screenshot(page, '04-unit-panel');
    expectNoConsoleErrors(w);
  });

  it('switches to English and back, remembering the choice', async () => {
    const { page } = w;
    const toEnglish = page.getByRole('button', { name: 'English' });
    expect(await toEnglish.textContent()).toBe('EN');
    await toEnglish.click();

    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Map'),
        expect.stringContaining('Admin units'),
        expect.stringContaining('Assets'),
        expect.stringContaining('Users'),
      ]),
    );
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    expect(await page.getByTestId('approximate-notice').textContent()).toContain(
      'Approximate boundaries',
    );
    expect(await page.getByRole('heading', { name: 'Map layers' }).isVisible()).toBe(true);
    expect(await page.getByTestId('current-role').textContent()).toBe('Administrator');
    expect(
      await page.evaluate(
        () =>
          (
            globalThis as unknown as {
              document: { documentElement: { lang: string }; title: string };
            }
          ).document.documentElement.lang,
      ),
    ).toBe('en');
    const toVietnamese = page.getByRole('button', { name: 'Tiếng Việt' });
    expect(await toVietnamese.textContent()).toBe('VI');
    await screenshot(page, '05-map-en');

    // Remembered across a reload (the session survives it too).
    await page.reload();
    await waitForMap(page);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    expect(await page.getByRole('button', { name: 'Đăng xuất' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'English' }).textContent()).toBe('EN');
    expectNoConsoleErrors(w);
  });

  it('shows the admin units in force on a date', async () => {
    const { page } = w;
    await page.getByTestId('nav-admin-units').click();
    const rows = page.locator('[data-testid=units-table] tbody tr');
    await page.getByLabel('Cấp').selectOption('commune');
    await expect.poll(() => rows.count()).toBe(92);

    // Before the 2025 reform: the 9 districts and cities of the former Thái Nguyên province.
    await page.getByTestId('units-at').fill('2025-06-30');
    await page.getByLabel('Cấp').selectOption('district');
    await page.getByTestId('units-parent').selectOption('19');
    await expect.poll(() => rows.count()).toBe(9);
    expect(await page.getByTestId('units-table').textContent()).toContain('Thành phố Sông Công');
    await screenshot(page, '06-admin-units-2025-06-30');
    expectNoConsoleErrors(w);
  });

  it('lists assets by type', async () => {
    const { page } = w;
    await page.getByTestId('nav-assets').click();
    await page.getByTestId('assets-type').selectOption('camera');
    await page.getByTestId('assets-table').getByText(CAMERA.code).waitFor();
    await page.getByTestId('assets-type').selectOption('school');
    await page.getByText('Không có dữ liệu.').waitFor();
    expectNoConsoleErrors(w);
  });
});

describe('navigation by role', () => {
  it('hides the administrators’ pages from a viewer', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const w = await watchedPage(context);
      await signIn(w.page, VIEWER);
      await waitForMap(w.page);
      const nav = w.page.getByRole('navigation', { name: 'Điều hướng chính' });
      const links = await nav.getByRole('link').allTextContents();
      expect(links.join(' | ')).toContain('Bản đồ');
      expect(links.join(' | ')).toContain('Đơn vị hành chính');
      expect(links.join(' | ')).not.toContain('Người dùng');
      expect(await w.page.getByTestId('current-role').textContent()).toBe('Người xem');
      await screenshot(w.page, '07-viewer-navigation');

      await w.page.goto(`${base}/users`);
      await w.page.getByText('Vai trò của bạn không được mở trang này.').waitFor();
      expectNoConsoleErrors(w);
    } finally {
      await context.close();
    }
  });
});

describe('unreachable server', () => {
  it('says so on the sign-in page and in a banner', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const w = await watchedPage(context);
      // The page loads, then every API call fails as if the server went away.
      await w.page.route('**/api/**', (route) => route.abort('connectionrefused'));
      await signIn(w.page, ADMIN);
      await w.page.getByText('Không kết nối được máy chủ CityOps.', { exact: false }).waitFor();
      expect(await w.page.getByTestId('connection-banner').isVisible()).toBe(true);
      await screenshot(w.page, '08-unreachable');
      // Only the refused requests themselves may be logged.
      expectNoConsoleErrors(w, [/net::ERR_CONNECTION_REFUSED/]);
    } finally {
      await context.close();
    }
  });
});

describe('citizen app', () => {
  it('loads at /citizen/ as an installable app with its language switch', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      const w = await watchedPage(context);
      const { page } = w;
      await page.goto(`${base}/citizen/`);
      await page.getByRole('heading', { name: 'Xin chào!' }).waitFor();

      const href = await page.locator('link[rel=manifest]').getAttribute('href');
      const manifest = await page.request.get(new URL(href!, base).href);
      expect(manifest.status()).toBe(200);
      const m = (await manifest.json()) as {
        start_url: string;
        scope: string;
        display: string;
        icons: Array<{ src: string; sizes: string; type: string }>;
      };
      expect(m).toMatchObject({
        start_url: '/citizen/',
        scope: '/citizen/',
        display: 'standalone',
      });
      expect(m.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
      for (const icon of m.icons) {
        const res = await page.request.get(new URL(icon.src, base).href);
        expect(res.status(), icon.src).toBe(200);
        expect(res.headers()['content-type']).toContain(icon.type);
      }
      const scope = await page.evaluate(async () => {
        const nav = (
          globalThis as unknown as {
            navigator: { serviceWorker: { ready: Promise<{ scope: string }> } };
          }
        ).navigator;
        const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('none'), 10_000));
        return Promise.race([nav.serviceWorker.ready.then((r) => r.scope), timeout]);
      });
      expect(scope).toBe(`${base}/citizen/`);
      await screenshot(page, '09-citizen-vi');

      const toEnglish = page.getByRole('button', { name: 'English' });
      expect(await toEnglish.textContent()).toBe('English');
      await toEnglish.click();
      await page.getByRole('heading', { name: 'Welcome!' }).waitFor();
      expect(await page.getByRole('button', { name: 'Tiếng Việt' }).textContent()).toBe(
        'Tiếng Việt',
      );
      await page.getByTestId('public-map-link').click();
      await page.getByRole('heading', { name: 'Public map' }).waitFor();
      await screenshot(page, '10-citizen-en-map');
      expectNoConsoleErrors(w);
    } finally {
      await context.close();
    }
  });
});
