/**
 * The back office's tools around the workflow, in a real headless Chromium
 * against a real CityOps: merging a duplicate by picking its original among
 * the open reports of the same kind nearby; the queue as a map of the
 * filtered reports (MapLibre loaded only then), a click opening a report.
 * Taking a call at the hotline: the place by a click on the map or typed
 * coordinates, the caller kept private, a place outside the operator's
 * units refused with the server's reason. The reporter, the internal note
 * and the sharing shown only as the server's `may` says. Every page fails
 * its test on any browser console error. A refusal comes with the server's
 * reason in the user's language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import type { ReportDetail } from '@cityops/contracts';
import { screenshot, watchedPage, type WatchedPage } from './browser.js';
import { offset, places } from '../reports/harness.js';
import type { Caller } from '../support/app.js';
import { systemActor } from '../../src/core/auth/principal.js';
import {
  callerAs,
  expectNoConsoleErrors,
  OPERATOR,
  PASSWORD,
  signInConsole,
  startReportsEnv,
  type ReportsEnv,
} from './reports-harness.js';

let env: ReportsEnv;
let operator: { context: BrowserContext } & WatchedPage;
let api: Caller;

/** A report taken by the operator through the API at a point (lon, lat); answers its number. */
async function taken(
  at: [number, number],
  description: string,
  categoryCode = 'road_damage',
): Promise<string> {
  const res = await api.post('/api/v1/reports', {
    categoryCode,
    description,
    lat: at[1],
    lon: at[0],
    attributes: categoryCode === 'road_damage' ? { hazard_level: 'high' } : {},
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<ReportDetail>().id;
}

beforeAll(async () => {
  env = await startReportsEnv();
  api = await callerAs(env.cityops, OPERATOR.email);
  const context = await env.browser.newContext({
    viewport: { width: 1440, height: 900 },
    timezoneId: 'Asia/Ho_Chi_Minh',
    locale: 'en-US',
  });
  operator = { context, ...(await watchedPage(context)) };
  await signInConsole(operator.page, env.base, OPERATOR.email);
}, 240_000);

afterAll(async () => {
  await env?.close();
});

describe('merging a duplicate', () => {
  it('offers the open reports of the same kind nearby, with number, distance, status and text', async () => {
    const at = places.giaSang.at;
    const original = await taken(
      offset(at, 60, 0),
      'Ổ gà rất lớn trước cổng chợ Gia Sàng, nước đọng sau mưa, xe máy phải tránh sang làn ô tô, rất nguy hiểm vào ban đêm vì không có đèn chiếu sáng.',
    );
    const other = await taken(offset(at, 0, 150), 'Vỉa hè sụt lún');
    await taken(offset(at, 10, 0), 'Đèn đường tắt', 'other');
    const duplicate = await taken(at, 'Ổ gà trước chợ');

    const { page } = operator;
    await page.goto(`${env.base}/reports/${duplicate}`);
    await page.getByTestId('action-merge').click();
    const first = page.getByTestId(`merge-candidate-${original}`);
    await first.waitFor();
    // Nearest first; another kind is not offered.
    const shown = await page
      .getByTestId('merge-candidates')
      .locator('input[type="radio"]')
      .evaluateAll((inputs: Array<{ value: string }>) => inputs.map((i) => i.value));
    expect(shown).toEqual([original, other]);
    const text = await first.textContent();
    expect(text).toContain(`#${original}`);
    expect(text).toMatch(/cách 6\d m/);
    expect(text).toContain('Đã tiếp nhận');
    expect(text).toContain('Ổ gà rất lớn trước cổng chợ Gia Sàng');
    expect(text).toContain('…');
    await screenshot(page, 'reports-backoffice-01-merge-candidates');

    // Picking one fills the number (which can still be typed), and the server merges.
    await first.click();
    expect(await page.getByTestId('merge-into').inputValue()).toBe(original);
    await page.getByTestId('action-submit').click();
    await expect
      .poll(() => page.getByTestId('report-status').first().textContent())
      .toBe('Trùng, đã gộp');
    const after = (await api.get(`/api/v1/reports/${duplicate}`)).json<ReportDetail>();
    expect(after.mergedInto).toBe(original);
    expectNoConsoleErrors(operator);
  });
});

describe('the queue as a map', () => {
  it('draws the filtered reports, loads MapLibre only then, and opens a report on a click', async () => {
    const { page } = operator;
    const scripts: string[] = [];
    const onRequest = (r: { url(): string; resourceType(): string }) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    };
    page.on('request', onRequest);
    await page.goto(`${env.base}/reports`);
    await page.getByTestId('reports-table').waitFor();
    expect(scripts.some((u) => /\/maplibre-[^/]*\.js$/.test(u))).toBe(false);

    // The same filters as the list: open reports (the merged duplicate is not one).
    const open = 'received,verified,assigned,in_progress';
    const expected = async (query: string) =>
      (await api.get(`/api/v1/reports/map?status=${open}${query}`)).json<{
        items: Array<{ id: string; lat: number; lon: number }>;
      }>().items;
    const all = await expected('');
    expect(all.length).toBeGreaterThanOrEqual(3);
    await page.getByTestId('view-map').click();
    await expect.poll(() => page.url()).toContain('view=map');
    const canvas = page.getByTestId('queue-map');
    await expect
      .poll(() => canvas.getAttribute('data-points'), { timeout: 30_000 })
      .toBe(String(all.length));
    expect(scripts.some((u) => /\/maplibre-[^/]*\.js$/.test(u))).toBe(true);
    page.off('request', onRequest);
    expect(await page.getByTestId('queue-map-count').textContent()).toContain(
      `${all.length} phản ánh có vị trí`,
    );

    // Another kind: the map follows the filter (kept in the address with the view).
    await page.getByTestId('filter-category').selectOption('other');
    const others = await expected('&category=other');
    expect(others).toHaveLength(1);
    await expect.poll(() => canvas.getAttribute('data-points')).toBe('1');
    expect(page.url()).toContain('category=other');
    await screenshot(page, 'reports-backoffice-02-queue-map');

    // A click on the point opens its report.
    const target = others[0]!;
    // Bounded waits on what is drawn: an 'idle' the map already passed would never come.
    await page.waitForFunction(
      `(() => {
        const m = window.__cityopsMap;
        return !!m && m.loaded() && !m.isMoving() &&
          m.queryRenderedFeatures({ layers: ['queue-reports'] }).length === 1;
      })()`,
      undefined,
      { timeout: 30_000 },
    );
    const at = await page.evaluate<{ x: number; y: number }>(
      `(() => {
        const p = window.__cityopsMap.project([${target.lon}, ${target.lat}]);
        return { x: p.x, y: p.y };
      })()`,
    );
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await expect.poll(() => page.url()).toContain(`/reports/${target.id}`);
    await page.getByTestId('report-view').waitFor();
    expectNoConsoleErrors(operator);
  });
});

describe('taking a call at the hotline', () => {
  const CALLER = { name: 'Lê Văn Cường', phone: '0987654321' };

  it('takes a report by phone with the place clicked on the map; the caller stays private', async () => {
    const { page } = operator;
    await page.goto(`${env.base}/reports`);
    await page.getByTestId('take-call').click();
    await page.getByTestId('phone-intake').waitFor();
    await page.getByTestId('intake-category').selectOption('road_damage');
    await page.getByTestId('attr-hazard_level').selectOption('high');
    await page.getByTestId('intake-description').fill('Người dân gọi: nắp cống bị vỡ trước số 25');
    await page.getByTestId('intake-name').fill(CALLER.name);
    await page.getByTestId('intake-phone').fill(CALLER.phone);
    // A click in the middle of the map (it opens on the city centre) places the report.
    await page.waitForFunction(
      `(() => { const m = window.__cityopsReportMap; return !!m && m.loaded() && !m.isMoving(); })()`,
      undefined,
      { timeout: 30_000 },
    );
    const map = page.getByTestId('report-map');
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    expect(await page.getByTestId('intake-picked').textContent()).toContain('Vị trí đã chọn');
    await screenshot(page, 'reports-backoffice-03-phone-intake');
    await page.getByTestId('intake-submit').click();
    await page.getByTestId('report-view').waitFor();
    const id = /\/reports\/(\d+)$/.exec(page.url())?.[1];
    expect(id).toBeTruthy();
    expect(await page.getByTestId('report-view').textContent()).toContain('Đường dây nóng');
    expect(await page.getByText(CALLER.name).count()).toBe(0);
    await page.getByTestId('show-reporter').click();
    expect(await page.getByTestId('reporter').textContent()).toContain(CALLER.name);

    const r = (await api.get(`/api/v1/reports/${id}`)).json<ReportDetail>();
    expect(r).toMatchObject({ channel: 'phone', adminUnit: places.phanDinhPhung.unit });
    expect(Math.abs(r.location!.lat - places.phanDinhPhung.at[1])).toBeLessThan(0.001);
    expect(Math.abs(r.location!.lon - places.phanDinhPhung.at[0])).toBeLessThan(0.001);
    expectNoConsoleErrors(operator);
  });

  it('refuses a place outside the operator’s units, saying why', async () => {
    const email = 'giasang.operator@reports.e2e';
    await env.cityops.people.users.create(systemActor, {
      email,
      name: 'Điều hành viên Gia Sàng',
      role: 'operator',
      password: PASSWORD,
      units: [places.giaSang.unit],
      agencies: [],
      locale: 'vi',
    });
    const context = await env.browser.newContext({
      viewport: { width: 1440, height: 900 },
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    const local = { context, ...(await watchedPage(context)) };
    const { page } = local;
    await signInConsole(page, env.base, email);
    await page.goto(`${env.base}/reports/new`);
    await page.getByTestId('intake-category').selectOption('other');
    await page.getByTestId('intake-description').fill('Người dân gọi: biển báo bị đổ');
    const [lon, lat] = places.phanDinhPhung.at;
    await page.getByTestId('intake-coords').fill(`${lat}, ${lon}`);
    expect(await page.getByTestId('intake-picked').textContent()).toContain('Vị trí đã chọn');
    const before = (await api.get('/api/v1/reports?status=received&limit=1')).json<{
      items: ReportDetail[];
    }>().items[0]!.id;
    await page.getByTestId('intake-submit').click();
    const error = page.getByTestId('intake-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('vị trí nằm ngoài địa bàn bạn phụ trách');
    expect(await page.getByTestId('intake-error-detail').textContent()).toContain(
      places.phanDinhPhung.unit,
    );
    await screenshot(page, 'reports-backoffice-04-phone-intake-refused');
    // Nothing was taken.
    const after = (await api.get('/api/v1/reports?status=received&limit=1')).json<{
      items: ReportDetail[];
    }>().items[0]!.id;
    expect(after).toBe(before);
    // A place in their ward is taken.
    await page
      .getByTestId('intake-coords')
      .fill(`${places.giaSang.at[1]}, ${places.giaSang.at[0]}`);
    await page.getByTestId('intake-submit').click();
    await page.getByTestId('report-view').waitFor();
    // The refusal is a 403 the page explains; nothing else went wrong.
    expectNoConsoleErrors(local, [/403/]);
    await context.close();
  });
});

describe('what else the user may do on a report', () => {
  it('shows the reporter, the internal note and the sharing only as the server says', async () => {
    const { page } = operator;
    const res = await api.post('/api/v1/reports', {
      categoryCode: 'other',
      description: 'Người dân gọi: cây đổ chắn lối đi',
      lat: places.phanDinhPhung.at[1],
      lon: places.phanDinhPhung.at[0],
      channel: 'phone',
      reporter: { name: 'Đỗ Văn Giang', phone: '0911222333' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json<ReportDetail>().id;

    // The operator may all three.
    await page.goto(`${env.base}/reports/${id}`);
    await page.getByTestId('note-form').waitFor();
    expect(await page.getByTestId('show-reporter').count()).toBe(1);
    expect(await page.getByTestId('share-reporter').count()).toBe(1);

    // The same user and role, but a server that says no: the page follows the server.
    const url = `${env.base}/api/v1/reports/${id}`;
    await page.route(url, async (route) => {
      const answer = await route.fetch();
      const body = (await answer.json()) as ReportDetail;
      await route.fulfill({
        response: answer,
        json: {
          ...body,
          may: { readReporter: false, addInternalNote: false, shareReporter: false },
        },
      });
    });
    await page.reload();
    await page.getByTestId('report-view').waitFor();
    await page.getByTestId('action-list').waitFor();
    expect(await page.getByTestId('note-form').count()).toBe(0);
    expect(await page.getByTestId('show-reporter').count()).toBe(0);
    expect(await page.getByTestId('share-reporter').count()).toBe(0);

    // Reading the reporter only: the button, nothing to change.
    await page.unroute(url);
    await page.route(url, async (route) => {
      const answer = await route.fetch();
      const body = (await answer.json()) as ReportDetail;
      await route.fulfill({
        response: answer,
        json: { ...body, may: { ...body.may, addInternalNote: false, shareReporter: false } },
      });
    });
    await page.reload();
    await page.getByTestId('show-reporter').waitFor();
    expect(await page.getByTestId('note-form').count()).toBe(0);
    expect(await page.getByTestId('share-reporter').count()).toBe(0);
    await page.unroute(url);
    expectNoConsoleErrors(operator);
  });
});

describe('a refusal in the user’s language', () => {
  it('shows the server’s reason in Vietnamese, and in English once the user switches', async () => {
    const { page } = operator;
    const id = await taken(places.phanDinhPhung.at, 'Ổ gà trước cổng trường');
    await page.goto(`${env.base}/reports/${id}`);
    await page.getByTestId('action-verify').waitFor();
    // Someone else verifies it meanwhile: the page still offers "verify".
    expect((await api.post(`/api/v1/reports/${id}/verify`, {})).statusCode).toBe(200);
    await page.getByTestId('action-verify').click();
    await page.getByTestId('action-submit').click();
    expect(await page.getByTestId('action-error-detail').textContent()).toContain(
      'Phản ánh đã xác minh thì không thể xác minh; cần chuyển cho cơ quan xử lý trước.',
    );
    await screenshot(page, 'reports-backoffice-05-refusal-vi');

    // In English (the browser's own language plays no part: it is en-US here all along).
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByTestId('action-merge').click();
    await page.getByTestId('merge-into').fill('999999');
    await api.post(`/api/v1/reports/${id}/reject`, { reason: 'Trùng' });
    await page.getByTestId('action-submit').click();
    expect(await page.getByTestId('action-error-detail').textContent()).toContain(
      'A report that is rejected cannot be merged; it was rejected.',
    );
    await page.getByRole('button', { name: 'VI' }).click();
    // The refusals are 409s the page explains; nothing else went wrong.
    expectNoConsoleErrors(operator, [/409/]);
  });
});
