/**
 * The back office's tools around the workflow, in a real headless Chromium
 * against a real CityOps: merging a duplicate by picking its original among
 * the open reports of the same kind nearby. Every page fails its test on any
 * browser console error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import type { ReportDetail } from '@cityops/contracts';
import { screenshot, watchedPage, type WatchedPage } from './browser.js';
import { offset, places } from '../reports/harness.js';
import type { Caller } from '../support/app.js';
import {
  callerAs,
  expectNoConsoleErrors,
  OPERATOR,
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
