/**
 * The console's operations screens in a real headless Chromium against a real
 * CityOps with its embedded MQTT broker: the map's layers and live statuses,
 * an MQTT event reaching the live feed, a dropped live connection that
 * resumes with nothing missed, a critical alert (banner, map flight) that one
 * operator acknowledges while another sees it change, the dashboards'
 * exports, the video wall, every visible string in both languages, and the
 * phone layout. Every page fails its test on any browser console error.
 */
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { Asset, DeviceWithKey } from '@cityops/contracts';
import type { CityOps } from '../../src/main.js';
import { freePort } from '../mqtt/harness.js';
import { screenshot, useWatchedPage, watchedPage } from './browser.js';
import {
  expectNoConsoleErrors,
  startConsoleApp,
  waitForMap,
  type ConsoleApp,
  type ProbeWindow,
} from './console-app.js';

const PASSWORD = 'ops-password-e2e';
const OPERATOR = { email: 'operator@ops.e2e', role: 'operator', name: 'Điều hành viên A' } as const;
const OPERATOR_B = {
  email: 'operator.b@ops.e2e',
  role: 'operator',
  name: 'Điều hành viên B',
} as const;
const SUPERVISOR = {
  email: 'supervisor@ops.e2e',
  role: 'supervisor',
  name: 'Trần Thị Lan',
} as const;
type Who = typeof OPERATOR | typeof OPERATOR_B | typeof SUPERVISOR;

/** Browser steps take long on a loaded 2-core machine (software WebGL): room for them. */
const SLOW = { timeout: 60_000 };

/** Demo layers: a few assets of several types around the provincial centre. */
const SEED = [
  { type: 'camera', code: 'OPS-CAM-1', name: 'Camera ngã tư Đồng Quang', at: [105.8425, 21.5942] },
  { type: 'camera', code: 'OPS-CAM-2', name: 'Camera chợ Thái', at: [105.8445, 21.593] },
  { type: 'sensor', code: 'OPS-SEN-1', name: 'Trạm quan trắc bờ sông Cầu', at: [105.8465, 21.595] },
  {
    type: 'sensor',
    code: 'OPS-SEN-2',
    name: 'Trạm đo mực nước cầu Gia Bẩy',
    at: [105.8405, 21.5958],
  },
  {
    type: 'fire_panel',
    code: 'OPS-FP-1',
    name: 'Tủ báo cháy toà nhà Viettel',
    at: [105.841, 21.5922],
  },
  {
    type: 'school',
    code: 'OPS-SCH-1',
    name: 'Trường THPT Chuyên Thái Nguyên',
    at: [105.8455, 21.5915],
  },
] as const;

let app: ConsoleApp;
let cityops: CityOps;
let base: string;
let mqttPort: number;
let browser: Browser;
let adminToken: string;
const assets = new Map<string, Asset>();
const devices = new Map<string, DeviceWithKey>();

async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  token = adminToken,
): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function login(email: string): Promise<string> {
  return app.token({ email, password: PASSWORD });
}

/** A browser context already signed in (the token in sessionStorage, as the sign-in page leaves it). */
async function signedIn(who: Who, opts: BrowserContextOptions = {}): Promise<BrowserContext> {
  const token = await login(who.email);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...opts });
  await context.addInitScript({
    content: `sessionStorage.setItem('cityops.token', ${JSON.stringify(token)});`,
  });
  return context;
}

/** Publishes device events over MQTT as the device of an asset (QoS 1: stored when acknowledged). */
async function publish(code: string, events: Array<Record<string, unknown>>): Promise<void> {
  const device = devices.get(code)!;
  const client = await new Promise<MqttClient>((resolve, reject) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, {
      username: device.id,
      password: device.key,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
  try {
    for (const e of events)
      await client.publishAsync(`cityops/v1/devices/${device.id}/events`, JSON.stringify(e), {
        qos: 1,
      });
  } finally {
    await client.endAsync();
  }
}

/** The statuses of the seeded points drawn on the map, by code, close enough to see each one. */
async function renderedStatuses(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(async () => {
    const m = (globalThis as unknown as ProbeWindow).__cityopsMap!;
    // Past the clustering's last zoom (15), every point is drawn on its own.
    m.jumpTo({ center: [105.8435, 21.5937], zoom: 16 });
    await new Promise<void>((resolve) => m.once('idle', resolve));
    const out: Record<string, unknown> = {};
    for (const f of m.queryRenderedFeatures({ layers: ['assets-point'] }))
      out[String(f.properties.code)] = f.properties.status;
    return out;
  });
}

beforeAll(async () => {
  mqttPort = await freePort();
  app = await startConsoleApp({
    env: { CITYOPS_MQTT_PORT: String(mqttPort) },
    users: [
      { email: 'admin@ops.e2e', password: PASSWORD, name: 'Quản trị', role: 'administrator' },
      ...[OPERATOR, OPERATOR_B, SUPERVISOR].map((who) => ({ ...who, password: PASSWORD })),
    ],
  });
  ({ cityops, base, browser } = app);
  adminToken = await login('admin@ops.e2e');

  for (const s of SEED) {
    const a = await api<Asset>('POST', '/api/v1/assets', {
      type: s.type,
      code: s.code,
      name: s.name,
      geometry: { type: 'Point', coordinates: s.at },
      status: s.type === 'school' ? 'unknown' : 'online',
    });
    assets.set(s.code, a);
    if (s.type === 'sensor' || s.type === 'fire_panel')
      devices.set(s.code, await api<DeviceWithKey>('POST', '/api/v1/devices', { assetId: a.id }));
  }
  await api('POST', '/api/v1/alert-rules', {
    name: 'Phát hiện xâm nhập trạm quan trắc',
    severity: 'critical',
    kind: 'match',
    eventType: 'door.forced',
    assetType: 'sensor',
  });
  // Some history for the dashboards and the feed.
  await publish('OPS-SEN-2', [
    { type: 'env.reading', data: { waterLevel: 3.2, rainfall: 12 } },
    { type: 'env.reading', data: { waterLevel: 3.4, rainfall: 15 } },
  ]);
}, 240_000);

afterAll(async () => app?.close());

describe('operations console', () => {
  const w = useWatchedPage(() =>
    browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Paris' }),
  );

  it('signs in and the map shows the layers with type icons and live statuses', SLOW, async () => {
    const { page } = w;
    await app.signIn(page, { email: OPERATOR.email, password: PASSWORD });
    await waitForMap(page, ['assets']);
    expect(await page.getByTestId('current-role').textContent()).toBe('Điều hành viên');
    await page.getByTestId('live-indicator').and(page.locator('[data-state=live]')).waitFor();

    await expect
      .poll(() => renderedStatuses(page), { timeout: 10_000 })
      .toMatchObject({ 'OPS-CAM-1': 'online', 'OPS-SEN-1': 'online', 'OPS-SCH-1': 'unknown' });
    const icons = await page.evaluate(() => {
      const m = (globalThis as unknown as ProbeWindow).__cityopsMap!;
      return {
        images: ['camera', 'sensor', 'fire_panel', 'school'].every((t) => m.hasImage(`icon-${t}`)),
        drawn: m.queryRenderedFeatures({ layers: ['assets-icon'] }).length,
      };
    });
    expect(icons.images).toBe(true);
    expect(icons.drawn).toBeGreaterThanOrEqual(SEED.length);

    // The sensor reports a fault over MQTT: its point changes colour where it is, without a reload.
    await publish('OPS-SEN-1', [{ type: 'status', data: { status: 'offline' } }]);
    await expect
      .poll(() => renderedStatuses(page), { timeout: 5_000 })
      .toMatchObject({ 'OPS-SEN-1': 'offline', 'OPS-CAM-1': 'online' });
    await screenshot(page, 'ops-01-map-live');

    // The panel of an asset: its latest state, a chart of its readings, its recent events.
    await page.getByTestId('map-search').fill('OPS-SEN-2');
    await page.getByRole('option', { name: /Trạm đo mực nước/ }).click();
    const panel = page.getByTestId('asset-live');
    await panel.getByTestId('series-chart').waitFor();
    expect(await panel.getByTestId('asset-events').textContent()).toContain('Quan trắc môi trường');
    await screenshot(page, 'ops-02-asset-panel');
    expectNoConsoleErrors(w);
  });

  it('shows an event published over MQTT in the live feed within 2 s', async () => {
    const { page } = w;
    await page.getByTestId('nav-feed').click();
    await page.getByTestId('live-state').and(page.locator('[data-state=live]')).waitFor();
    // The time the row appears, taken in the page (scripts here are strings: this suite has no DOM types).
    const seen = page.evaluate<number>(`new Promise((resolve) => {
      const found = () => document.querySelector('[data-testid=feed-row][data-type="probe.ping"]');
      const obs = new MutationObserver(() => {
        if (found()) {
          obs.disconnect();
          resolve(Date.now());
        }
      });
      obs.observe(document.body, { childList: true, subtree: true });
    })`);
    const sentAt = Date.now();
    await publish('OPS-SEN-1', [{ type: 'probe.ping', data: { sentAt, level: 1 } }]);
    const latency = (await seen) - sentAt;
    expect(latency).toBeLessThan(2_000);
    const row = page.locator('[data-testid=feed-row][data-type="probe.ping"]');
    expect(await row.textContent()).toContain('Trạm quan trắc bờ sông Cầu');
    await screenshot(page, 'ops-03-feed');
    expectNoConsoleErrors(w);
  });

  it('says when the live connection is lost, and resumes with nothing missed', async () => {
    const { page } = w;
    // The server drops every stream client (as a restart or a network cut would).
    cityops.stream.hub.closeClients();
    await page.getByTestId('live-state').and(page.locator('[data-state=lost]')).waitFor();
    expect(await page.getByTestId('live-state').textContent()).toBe(
      'Mất kết nối trực tuyến. Đang thử kết nối lại…',
    );
    await screenshot(page, 'ops-04-feed-lost');
    // Sent while the console is away: it must arrive once the stream resumes.
    await publish('OPS-SEN-1', [{ type: 'probe.missed', data: { level: 2 } }]);
    await page.getByTestId('live-state').and(page.locator('[data-state=resumed]')).waitFor();
    await page.locator('[data-testid=feed-row][data-type="probe.missed"]').waitFor();
    expect(await page.locator('[data-testid=feed-row][data-type="probe.missed"]').count()).toBe(1);
    expectNoConsoleErrors(w);
  });

  it('filters the feed by type', async () => {
    const { page } = w;
    await page.getByTestId('feed-type').selectOption('env.*');
    await expect
      .poll(
        async () =>
          new Set(
            await Promise.all(
              (await page.getByTestId('feed-row').all()).map((r) => r.getAttribute('data-type')),
            ),
          ),
      )
      .toEqual(new Set(['env.reading']));
    expect(new URL(page.url()).searchParams.get('type')).toBe('env.*');
    await page.getByRole('button', { name: 'Bỏ lọc' }).click();
    expectNoConsoleErrors(w);
  });

  it(
    'a critical alert cannot be missed, and an acknowledgement by one operator shows at once for another',
    SLOW,
    async () => {
      // A is the operator of the tests above; B another operator, in a browser of their own.
      const a = w;
      const contextB = await signedIn(OPERATOR_B);
      try {
        const b = await watchedPage(contextB);
        await a.page.getByTestId('nav-map').click();
        await waitForMap(a.page, ['assets']);
        await b.page.goto(`${base}/alerts`);
        await b.page.getByText('Không có cảnh báo đang mở.').waitFor();
        for (const p of [a.page, b.page])
          await p.getByTestId('live-indicator').and(p.locator('[data-state=live]')).waitFor();

        await publish('OPS-SEN-2', [{ type: 'door.forced', data: { door: 'tủ điện' } }]);

        // A: the banner, and the map flies to the sensor and opens it.
        const banner = a.page.getByTestId('critical-banner');
        await banner.waitFor({ timeout: 5_000 });
        expect(await banner.getByTestId('critical-title').textContent()).toBe(
          'Phát hiện xâm nhập trạm quan trắc',
        );
        expect(await banner.textContent()).toContain('Trạm đo mực nước cầu Gia Bẩy');
        await a.page.getByTestId('asset-panel').getByText('Trạm đo mực nước cầu Gia Bẩy').waitFor();
        await expect
          .poll(
            () =>
              a.page.evaluate(() => {
                const m = (globalThis as unknown as ProbeWindow).__cityopsMap!;
                const c = m.getCenter();
                return m.isMoving() ? 1 : Math.hypot(c.lng - 105.8405, c.lat - 21.5958);
              }),
            { timeout: 10_000 },
          )
          .toBeLessThan(0.002);
        await a.page.waitForTimeout(300);
        await screenshot(a.page, 'ops-06-critical-banner-map');

        // B: the alert is in the open queue, selected, with its details.
        const rowB = b.page.getByTestId('alert-row').first();
        await rowB.waitFor();
        expect(await rowB.getAttribute('data-status')).toBe('open');
        await b.page.getByTestId('alert-detail').getByText('Phát hiện xâm nhập').first().waitFor();
        expect(await b.page.getByTestId('alert-status').textContent()).toBe('Đang mở');
        await b.page.getByTestId('critical-banner').waitFor();

        // A acknowledges from the alert queue with the keyboard and a note.
        await a.page.getByTestId('nav-alerts').click();
        await a.page.getByTestId('alert-row').first().waitFor();
        await a.page.keyboard.press('?');
        await a.page.getByTestId('shortcut-help').waitFor();
        await screenshot(a.page, 'ops-07-shortcuts');
        await a.page.keyboard.press('Escape');
        await a.page.getByTestId('shortcut-help').waitFor({ state: 'detached' });
        await a.page.keyboard.press('j');
        await a.page.keyboard.press('a');
        await a.page.getByTestId('note-text').fill('Đã cử tổ tuần tra tới kiểm tra');
        await a.page.keyboard.press('Control+Enter');
        await a.page.getByTestId('note-dialog').waitFor({ state: 'detached' });
        await a.page.getByText('Không có cảnh báo đang mở.').waitFor();

        // B sees it leave the open queue, its detail turn to acknowledged, and its banner go.
        await b.page.getByText('Không có cảnh báo đang mở.').waitFor({ timeout: 5_000 });
        await expect
          .poll(() => b.page.getByTestId('alert-status').textContent(), { timeout: 5_000 })
          .toBe('Đã tiếp nhận');
        await b.page.getByTestId('critical-banner').waitFor({ state: 'detached' });
        expect(await b.page.getByTestId('alert-history').textContent()).toContain(
          'Đã cử tổ tuần tra tới kiểm tra',
        );
        await screenshot(b.page, 'ops-08-acknowledged-seen-by-b');

        // A resolves it from the acknowledged queue (key 2, then r).
        await a.page.keyboard.press('2');
        await a.page.getByTestId('alert-row').first().waitFor();
        await a.page.keyboard.press('r');
        await a.page.getByTestId('note-text').fill('Cửa tủ đã được khoá lại');
        await a.page.getByTestId('note-submit').click();
        await a.page.getByText('Không có cảnh báo đã tiếp nhận đang chờ xử lý.').waitFor();
        await b.page.getByTestId('queue-resolved').click();
        await b.page.getByTestId('alert-row').first().waitFor();
        expect(await b.page.getByTestId('alert-row').first().getAttribute('data-status')).toBe(
          'resolved',
        );
        expectNoConsoleErrors(a);
        expectNoConsoleErrors(b);
      } finally {
        await contextB.close();
      }
    },
  );

  it('runs the video wall as one screen and as one window per view', SLOW, async () => {
    const { page } = w;
    await page.getByTestId('nav-wall').click();
    await waitForMap(page, ['assets']);
    await page.getByTestId('figure-assetsTotal').waitFor();
    await page.getByTestId('live-indicator').and(page.locator('[data-state=live]')).waitFor();
    await publish('OPS-SEN-2', [{ type: 'probe.wall', data: { level: 3 } }]);
    await page.getByTestId('wall-feed').locator('[data-type="probe.wall"]').waitFor();
    await screenshot(page, 'ops-10-wall');
    for (const view of ['map', 'feed', 'figures']) {
      await page.goto(`${base}/wall/${view}`);
      await page.getByTestId(`wall-${view}`).waitFor();
      expect(await page.getByTestId('wall').getAttribute('class')).toContain(`wall-view-${view}`);
      // Every view keeps the language switch.
      expect(await page.getByTestId('language-switch').textContent()).toBe('EN');
    }
    expectNoConsoleErrors(w);
  });
});

describe('a supervisor’s screens', () => {
  const w = useWatchedPage(() => signedIn(SUPERVISOR, { acceptDownloads: true }));

  it('draws the dashboards and exports a widget as CSV and PNG', SLOW, async () => {
    const { page } = w;
    await page.goto(`${base}/`);
    // A supervisor starts on the dashboards.
    await page.waitForURL(`${base}/dashboards`);
    await expect
      .poll(() => page.getByTestId('figure-assetsTotal').locator('dd').textContent())
      .toBe(String(SEED.length));
    await page.getByTestId('widget-assets-by-status').locator('canvas').first().waitFor();
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-csv-assets-by-status').click(),
    ]);
    const text = await fs.readFile(await csv.path(), 'utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFFLoại,Trạng thái,Số lượng');
    expect(text).toContain('Camera giám sát,Hoạt động,2');
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-png-assets-by-status').click(),
    ]);
    expect(png.suggestedFilename()).toMatch(/^cityops-assets-by-status-.*\.png$/);
    const bytes = await fs.readFile(await png.path());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    await screenshot(page, 'ops-09-dashboards');
    expectNoConsoleErrors(w);
  });

  /** The visible text of the page: text nodes with a box, selected options, placeholders. */
  async function visibleTexts(page: Page): Promise<string[]> {
    return page.evaluate<string[]>(`(() => {
      const out = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        const node = walker.currentNode;
        const text = node.textContent && node.textContent.trim();
        const el = node.parentElement;
        if (!text || !el || el.closest('script, style, option')) continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden')
          continue;
        out.push(text);
      }
      for (const s of document.querySelectorAll('select'))
        if (s.selectedOptions[0]) out.push(s.selectedOptions[0].text.trim());
      for (const i of document.querySelectorAll('[placeholder]')) out.push(i.placeholder.trim());
      return out;
    })()`);
  }

  /** The console's dictionaries (loaded through Vite, which resolves the web app's own imports). */
  type Tables = Record<'vi' | 'en', Record<string, string>>;
  let dictionaries: Tables;
  beforeAll(async () => {
    const file = '../../../web/console/messages.ts';
    dictionaries = ((await import(file)) as { consoleMessages: Tables }).consoleMessages;
  });

  /** Matchers of the strings of one language that the other says differently. */
  function onlyIn(lang: 'vi' | 'en'): RegExp[] {
    const other = lang === 'vi' ? 'en' : 'vi';
    const table = dictionaries[lang];
    const otherTable = dictionaries[other];
    const otherValues = new Set(Object.values(otherTable));
    return Object.entries(table)
      .filter(([k, v]) => v !== otherTable[k] && !otherValues.has(v))
      .map(
        ([, v]) =>
          new RegExp(
            `^${v
              .split(/\{\w+\}/)
              .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
              .join('.+')}$`,
          ),
      );
  }

  it('switches every visible string of every screen', SLOW, async () => {
    const { page } = w;
    const vi = onlyIn('vi');
    const en = onlyIn('en');
    const leftovers = async (matchers: RegExp[]) =>
      (await visibleTexts(page)).filter((t) => matchers.some((re) => re.test(t)));
    const open = (testId: string) => async () => page.getByTestId(testId).click();
    const screens: Array<[string, () => Promise<unknown>, string]> = [
      [
        'map with an asset',
        () => page.goto(`${base}/map?asset=${assets.get('OPS-SEN-2')!.id}`),
        'series-chart',
      ],
      ['feed', open('nav-feed'), 'feed-row'],
      [
        'resolved alerts',
        async () => {
          await page.getByTestId('nav-alerts').click();
          await page.getByTestId('queue-resolved').click();
        },
        'alert-detail',
      ],
      ['dashboards', open('nav-dashboards'), 'figure-assetsTotal'],
      ['video wall', open('nav-wall'), 'wall-rate'],
    ];
    for (const [name, go, ready] of screens) {
      await go();
      await page.getByTestId(ready).first().waitFor();
      await page.waitForTimeout(300);
      expect(await leftovers(en), `English left on ${name}`).toEqual([]);
      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForTimeout(200);
      expect(await leftovers(vi), `Vietnamese left on ${name}`).toEqual([]);
      if (name === 'resolved alerts') await screenshot(page, 'ops-11-alerts-en');
      await page.getByRole('button', { name: 'Tiếng Việt' }).click();
      await page.waitForTimeout(200);
      expect(await leftovers(en), `English left on ${name} after switching back`).toEqual([]);
    }
    expectNoConsoleErrors(w);
  });
});

describe('phone layout (390 × 844)', () => {
  it('collapses the navigation and works with touch', SLOW, async () => {
    const context = await signedIn(SUPERVISOR, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      const w = await watchedPage(context);
      const { page } = w;
      await publish('OPS-SEN-1', [{ type: 'door.forced', data: { door: 'cổng' } }]);
      await page.goto(`${base}/`);
      // On a phone a supervisor starts on the alerts.
      await page.waitForURL(/\/alerts/);
      const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
      const box = (await nav.boundingBox())!;
      expect(box.y + box.height).toBeGreaterThan(800);
      expect(box.height).toBeLessThan(90);
      expect(
        await page.evaluate<number>('document.documentElement.scrollWidth'),
      ).toBeLessThanOrEqual(390);
      expect(await page.getByTestId('language-switch').isVisible()).toBe(true);

      const row = page.getByTestId('alert-row').first();
      await row.waitFor();
      const rowBox = (await row.boundingBox())!;
      expect(rowBox.height).toBeGreaterThanOrEqual(44);
      // The banner may cover the list: acknowledge the alert there, or dismiss it first.
      if (await page.getByTestId('critical-banner').isVisible())
        await page.getByRole('button', { name: 'Ẩn thông báo này' }).tap();
      await row.tap();
      const detail = page.getByTestId('alert-detail');
      await detail.waitFor();
      await screenshot(page, 'ops-12-phone-alert');
      await page.getByTestId('alert-acknowledge').tap();
      await page.getByTestId('note-text').fill('Đang trên đường tới');
      await page.getByTestId('note-submit').tap();
      await expect.poll(() => page.getByTestId('alert-status').textContent()).toBe('Đã tiếp nhận');
      await page.getByRole('button', { name: 'Đóng' }).first().tap();

      await nav.getByRole('link', { name: 'Sự kiện trực tuyến' }).tap();
      await page.getByTestId('feed-row').first().waitFor();
      await page.getByTestId('feed-pause').tap();
      expect(await page.getByTestId('feed-pause').getAttribute('aria-pressed')).toBe('true');
      expect(
        await page.evaluate<number>('document.documentElement.scrollWidth'),
      ).toBeLessThanOrEqual(390);
      await screenshot(page, 'ops-13-phone-feed');
      expectNoConsoleErrors(w);
    } finally {
      await context.close();
    }
  });
});
