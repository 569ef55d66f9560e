/**
 * A citizen report from the street to its rating, in a real headless
 * Chromium against a real CityOps: a citizen files it in the app on a phone
 * (photo from the "camera", GPS position); an operator finds it in the back
 * office, looks at the reporter, verifies and assigns it; an officer of the
 * ward's People's Committee starts and answers it with an after-photo; the
 * citizen sees the answer and rates it; the back office shows it closed and
 * rated, and its statistics download through a signed link. Then the queue:
 * sorted by deadline by the server, combined with the overdue filter, the
 * filters kept in the address. The actions offered are exactly the server's
 * `allowedActions` for each role. Every page fails its test on any browser
 * console error.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Page as ListPage, Report, ReportDetail } from '@cityops/contracts';
import { screenshot, watchedPage, type WatchedPage } from './browser.js';
import { places } from '../reports/harness.js';
import {
  callerAs,
  citizenPage,
  expectNoConsoleErrors,
  fileReport,
  makeJpeg,
  OFFICER,
  OPERATOR,
  reportTakenDaysAgo,
  signInConsole,
  startReportsEnv,
  WARD_AGENCY,
  type ReportsEnv,
} from './reports-harness.js';

const REPORTER = 'Nguyễn Văn An';
const DESCRIPTION = 'Ổ gà lớn giữa đường Hoàng Văn Thụ, xe máy dễ ngã khi trời mưa.';
const ANSWER = 'Đã vá ổ gà bằng bê tông nhựa nóng ngày hôm nay.';

let env: ReportsEnv;
let citizen: { context: BrowserContext } & WatchedPage;
let operator: { context: BrowserContext } & WatchedPage;
let reportId: string;

/** The actions the panel offers, in its order. */
async function shownActions(page: Page): Promise<string[]> {
  await page.locator('[data-testid="action-list"], [data-testid="no-actions"]').first().waitFor();
  return page
    .getByTestId('action-list')
    .locator('[data-action]')
    .evaluateAll((buttons: Array<{ getAttribute(name: string): string | null }>) =>
      buttons.map((b) => b.getAttribute('data-action') ?? ''),
    );
}

/** What the server allows this user on the report now. */
async function allowedActions(email: string, id: string): Promise<string[]> {
  const res = await (await callerAs(env.cityops, email)).get(`/api/v1/reports/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ReportDetail>().allowedActions;
}

beforeAll(async () => {
  env = await startReportsEnv();
  citizen = await citizenPage(env.browser);
  const context = await env.browser.newContext({
    viewport: { width: 1440, height: 900 },
    timezoneId: 'America/New_York',
  });
  operator = { context, ...(await watchedPage(context)) };
}, 240_000);

afterAll(async () => {
  await env?.close();
});

describe('a citizen report from the street to its rating', () => {
  it('is filed in the citizen app with a photo and the phone’s position', async () => {
    const { page } = citizen;
    await page.goto(`${env.base}/citizen/`);
    await page.getByRole('heading', { name: 'Xin chào!' }).waitFor();
    await page.getByTestId('start-report').click();
    await page.getByRole('heading', { name: 'Gửi phản ánh' }).waitFor();
    const photo = await makeJpeg(page, 'o ga Hoang Van Thu');
    // Sending without a description names what is missing.
    await page.getByTestId('submit-report').click();
    expect(await page.getByTestId('form-missing').textContent()).toContain('loại vấn đề');
    await screenshot(page, 'reports-01-citizen-form');
    reportId = (await fileReport(page, { description: DESCRIPTION, photo, name: REPORTER }))!;
    expect(await page.getByTestId('detail-status').textContent()).toBe('Đã tiếp nhận');
    await screenshot(page, 'reports-02-citizen-sent');
    // The app keeps the follow token: the report is in "my reports".
    await page.getByTestId('tab-mine').click();
    await page.getByTestId(`report-${reportId}`).waitFor();
    expectNoConsoleErrors(citizen);
  });

  it('reaches the back office, where an operator sees the reporter, verifies and assigns it', async () => {
    const { page } = operator;
    await signInConsole(page, env.base, OPERATOR.email);
    await page.getByTestId('nav-reports').click();
    const row = page.getByTestId(`report-row-${reportId}`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Đã tiếp nhận');
    await screenshot(page, 'reports-03-queue');
    await row.getByRole('link', { name: `#${reportId}` }).click();
    await page.getByTestId('report-view').waitFor();
    expect(await page.getByTestId('deadline').textContent()).toMatch(/ngày làm việc/);
    // The photo: a thumbnail that opens the full picture.
    await page.getByTestId('photo-thumb').first().click();
    await page.getByTestId('photo-dialog').locator('img').waitFor();
    await page.getByTestId('photo-dialog').getByRole('button', { name: 'Đóng' }).click();
    // The reporter only behind the (audited) button.
    expect(await page.getByText(REPORTER).count()).toBe(0);
    await page.getByTestId('show-reporter').click();
    expect(await page.getByTestId('reporter').textContent()).toContain(REPORTER);

    // The actions offered are the server's allowedActions for an operator.
    const operatorMay = await allowedActions(OPERATOR.email, reportId);
    expect(operatorMay).toEqual(['verify', 'reject', 'merge']);
    expect(await shownActions(page)).toEqual(operatorMay);

    // The server judges: the refusal is explained in Vietnamese, naming the
    // field, with the server's own words under it.
    await page.getByTestId('action-merge').click();
    await page.getByTestId('merge-into').fill(reportId);
    await page.getByTestId('action-submit').click();
    expect(await page.getByTestId('action-error-reason').textContent()).toBe(
      'Không thể “Gộp vào phản ánh khác”: thông tin chưa hợp lệ, xem các ô dưới đây.',
    );
    expect(await page.getByTestId('action-error').textContent()).toContain(
      'Số phản ánh gốc: a report cannot be merged into itself',
    );

    await page.getByTestId('action-verify').click();
    await page.getByTestId('action-submit').click();
    await expect
      .poll(() => page.getByTestId('report-status').first().textContent())
      .toBe('Đã xác minh');
    await page.getByTestId('action-assign').click();
    await page.getByTestId('action-submit').click();
    await expect
      .poll(() => page.getByTestId('report-status').first().textContent())
      .toBe('Đã chuyển xử lý');
    expect(await page.getByTestId('primary-agency').textContent()).toBe(WARD_AGENCY.nameVi);
    // Only what an operator may do now is offered: assigning again, no closing before an answer.
    expect(await shownActions(page)).toEqual(await allowedActions(OPERATOR.email, reportId));
    expect(await shownActions(page)).toEqual(['assign']);
    await screenshot(page, 'reports-04-assigned');
    // The browser itself logs the refused request (400); nothing else may appear.
    expectNoConsoleErrors(operator, [/status of 400/]);
    operator.errors.length = 0;
  });

  it('is answered by an officer of the assigned agency with an after-photo', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const w = await watchedPage(context);
      const { page } = w;
      await signInConsole(page, env.base, OFFICER.email);
      await page.goto(`${env.base}/reports/${reportId}`);
      await page.getByTestId('report-view').waitFor();
      // Not shared with the agency: no reporter button for the officer.
      expect(await page.getByTestId('show-reporter').count()).toBe(0);
      // An officer of the assigned agency is offered other actions than the operator.
      const officerMay = await allowedActions(OFFICER.email, reportId);
      expect(officerMay).toEqual(['start', 'extend', 'return']);
      expect(await shownActions(page)).toEqual(officerMay);
      await page.getByTestId('action-start').click();
      await page.getByTestId('action-submit').click();
      await expect
        .poll(() => page.getByTestId('report-status').first().textContent())
        .toBe('Đang xử lý');
      await page.getByTestId('action-answer').click();
      await page.getByTestId('answer-text').fill(ANSWER);
      await page.getByTestId('answer-photos').setInputFiles({
        name: 'da-va.jpg',
        mimeType: 'image/jpeg',
        buffer: await makeJpeg(page, 'da va'),
      });
      await page.getByTestId('action-submit').click();
      await expect
        .poll(() => page.getByTestId('report-status').first().textContent())
        .toBe('Đã có kết quả');
      expect(await page.getByTestId('answer').textContent()).toContain(ANSWER);
      await screenshot(page, 'reports-05-answered');
      expectNoConsoleErrors(w);
    } finally {
      await context.close();
    }
  });

  it('is rated by the citizen, who sees the answer and its photo', async () => {
    const { page } = citizen;
    await page.getByTestId('refresh-mine').click();
    const card = page.getByTestId(`report-${reportId}`);
    await expect.poll(() => card.getByTestId('status-chip').textContent()).toBe('Đã có kết quả');
    await card.getByRole('link').first().click();
    await page.getByTestId('answer').waitFor();
    expect(await page.getByTestId('answer').textContent()).toContain(ANSWER);
    await page.getByTestId('answer').locator('img').first().waitFor();
    await page.getByTestId('rate-satisfied').click();
    await page.getByLabel('Góp ý thêm (không bắt buộc)').fill('Cảm ơn phường, xử lý nhanh.');
    await screenshot(page, 'reports-06-citizen-rating');
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await page.getByTestId('rated').waitFor();
    expect(await page.getByTestId('detail-status').textContent()).toBe('Hoàn thành');
    await screenshot(page, 'reports-07-citizen-rated');
    expectNoConsoleErrors(citizen);
  });

  it('shows closed and rated in the back office, with the whole history', async () => {
    const { page } = operator;
    // This page still shows the report as assigned: assigning again is refused (409).
    await page.getByTestId('action-assign').click();
    await page.getByTestId('action-submit').click();
    await page.getByTestId('action-error').waitFor();
    // Explained in Vietnamese from the report as read again, the server's words (in the
    // user's language too) under it…
    expect(await page.getByTestId('action-error-reason').textContent()).toContain(
      'Không thể “Chuyển xử lý”: phản ánh hiện ở trạng thái “Hoàn thành”',
    );
    expect(await page.getByTestId('action-error-detail').textContent()).toContain(
      'Phản ánh đã hoàn thành thì không thể chuyển xử lý',
    );
    // …and the page follows the report's new state: nothing is left to do on it.
    await expect
      .poll(() => page.getByTestId('report-status').first().textContent())
      .toBe('Hoàn thành');
    expect(await shownActions(page)).toEqual([]);
    expect(await page.getByTestId('action-submit').isDisabled()).toBe(true);
    await screenshot(page, 'reports-08-refused-by-server');
    await page.reload();
    await page.getByTestId('report-view').waitFor();
    await expect
      .poll(() => page.getByTestId('report-status').first().textContent())
      .toBe('Hoàn thành');
    expect(await page.getByTestId('rating').textContent()).toContain('Hài lòng');
    const history = await page.getByTestId('history').textContent();
    for (const step of [
      'Gửi phản ánh',
      'Xác minh',
      'Chuyển cơ quan xử lý',
      'Bắt đầu xử lý',
      'Trả lời kết quả',
    ])
      expect(history).toContain(step);
    await screenshot(page, 'reports-09-closed');
    // The statistics count it for the ward's committee.
    await page.goto(`${env.base}/reports/stats`);
    const stats = page.getByTestId('stats-table');
    await stats.waitFor();
    expect(await stats.textContent()).toContain(WARD_AGENCY.nameVi);
    // The download follows a signed link (a plain link: no Authorization header).
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('stats-csv').click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/^reports-agency-\d{4}-\d{2}-\d{2}-.*\.csv$/);
    const file = await csv.path();
    expect(fs.readFileSync(file, 'utf8')).toContain(WARD_AGENCY.code);
    expect(csv.url()).toMatch(/\/api\/v1\/reports\/stats\/export\.csv\?link=[\w-]+\.[\w-]+$/);
    // The link stays on the page, with its expiry in Vietnam time (this browser is in New York).
    const link = page.getByTestId('stats-link-csv');
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/^\/api\/v1\/reports\/stats\/export\.csv\?link=/);
    const expiresText = await page.getByTestId('stats-link').textContent();
    const hcmTimes = [0, 1, 2, 3, 4, 5, 6].map((m) =>
      new Intl.DateTimeFormat('vi-VN', {
        timeZone: 'Asia/Ho_Chi_Minh',
        hour: '2-digit',
        minute: '2-digit',
      }).format(new Date(Date.now() + m * 60_000)),
    );
    expect(hcmTimes.some((hm) => expiresText!.includes(`đến ${hm} giờ Việt Nam`))).toBe(true);
    await screenshot(page, 'reports-10-stats');
    // Anyone holding the link downloads the CSV without signing in, until it expires…
    const anonymous = await env.browser.newContext();
    try {
      const res = await anonymous.request.get(`${env.base}${href}`);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toMatch(/^text\/csv/);
      expect(await res.text()).toContain(WARD_AGENCY.code);
      // …and an altered link opens nothing.
      const altered = await anonymous.request.get(
        `${env.base}${href.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`,
      );
      expect(altered.status()).toBe(404);
    } finally {
      await anonymous.close();
    }
    expectNoConsoleErrors(operator, [/status of 409/]);
    operator.errors.length = 0;
  });
});

describe('the queue of the back office', () => {
  const ids: { overdue: string; soon: string; later: string } = {
    overdue: '',
    soon: '',
    later: '',
  };
  // Read in one go in the page: a row may go away between two separate reads.
  const shownIds = (page: Page) =>
    page
      .getByTestId('reports-table')
      .locator('tbody tr')
      .evaluateAll((rows: Array<{ getAttribute(name: string): string | null }>) =>
        rows.map((r) => (r.getAttribute('data-testid') ?? '').slice('report-row-'.length)),
      );

  beforeAll(async () => {
    // Oldest first: newest-first and deadline-first orders differ.
    ids.overdue = await reportTakenDaysAgo(
      env.cityops,
      40,
      'urban_order',
      'Lấn chiếm vỉa hè đường Lương Ngọc Quyến từ tháng trước.',
      { encroachment_kind: 'pavement' },
    );
    ids.soon = await reportTakenDaysAgo(
      env.cityops,
      0,
      'road_damage',
      'Nắp cống vỡ trước chợ Thái.',
      { hazard_level: 'high' },
    );
    ids.later = await reportTakenDaysAgo(
      env.cityops,
      0,
      'urban_order',
      'Biển quảng cáo dựng trái phép trên đường Hoàng Văn Thụ.',
      { encroachment_kind: 'advertising' },
    );
  });

  it('sorts by deadline on the server, combines it with the overdue filter, and keeps both in the address', async () => {
    const { page } = operator;
    // The server's deadline order, and the newest-first one it must differ from.
    const api = await callerAs(env.cityops, OPERATOR.email);
    const list = async (query: string) => {
      const res = await api.get(
        `/api/v1/reports?status=received,verified,assigned,in_progress&${query}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      return res.json<ListPage<Report>>().items;
    };
    const byDeadline = await list('sort=deadline');
    expect(byDeadline.map((r) => r.id)).toEqual([ids.overdue, ids.soon, ids.later]);
    expect(byDeadline[0]!.overdue).toBe(true);
    expect((await list('sort=newest')).map((r) => r.id)).toEqual([
      ids.later,
      ids.soon,
      ids.overdue,
    ]);

    await page.goto(`${env.base}/reports`);
    await page.getByTestId(`report-row-${ids.later}`).waitFor();
    expect(await shownIds(page)).toEqual([ids.later, ids.soon, ids.overdue]);
    await page.getByTestId('sort').selectOption('deadline');
    await expect.poll(() => shownIds(page)).toEqual([ids.overdue, ids.soon, ids.later]);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('deadline');
    await page.getByTestId('filter-overdue').check();
    await expect.poll(() => shownIds(page)).toEqual([ids.overdue]);
    expect(
      await page.getByTestId(`report-row-${ids.overdue}`).getByTestId('overdue-flag').count(),
    ).toBe(1);
    const url = new URL(page.url());
    expect(url.pathname).toBe('/reports');
    expect(url.searchParams.get('overdue')).toBe('true');
    await screenshot(page, 'reports-11-queue-overdue-by-deadline');

    // The address is the view: a reload, or a colleague opening it, shows the same.
    await page.reload();
    await expect.poll(() => shownIds(page)).toEqual([ids.overdue]);
    expect(await page.getByTestId('sort').inputValue()).toBe('deadline');
    expect(await page.getByTestId('filter-overdue').isChecked()).toBe(true);
    // The list under this filter downloads as CSV through a signed link.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-csv').click(),
    ]);
    expect(download.url()).toMatch(/\/api\/v1\/reports\/export\.csv\?link=[\w-]+\.[\w-]+$/);
    expect(download.suggestedFilename()).toMatch(/^reports-\d{4}-\d{2}-\d{2}\.csv$/);
    const exported: string[][] = parse(fs.readFileSync(await download.path(), 'utf8'), {
      bom: true,
    });
    expect(exported[0]!.slice(0, 2)).toEqual(['Số', 'Trạng thái']);
    expect(exported.slice(1).map((r) => r[0])).toEqual([ids.overdue]);
    expect(exported[1]).toContain('có');
    const colleague = await env.browser.newContext({ timezoneId: 'Asia/Ho_Chi_Minh' });
    try {
      const w = await watchedPage(colleague);
      await signInConsole(w.page, env.base, OPERATOR.email);
      await w.page.goto(`${env.base}/reports?status=all&sort=deadline`);
      const everyByDeadline = await api.get('/api/v1/reports?sort=deadline');
      const expected = everyByDeadline.json<ListPage<Report>>().items.map((r) => r.id);
      expect(expected).toContain(reportId);
      expect(expected[0]).toBe(ids.overdue);
      // A new context's first page: its scripts, the sign-in and the list, on a busy machine.
      await expect.poll(() => shownIds(w.page), { timeout: 10_000 }).toEqual(expected);
      expect(await w.page.getByTestId('filter-status').inputValue()).toBe('');
      // Every filter comes from the address, even a code the lists do not hold.
      await w.page.goto(
        `${env.base}/reports?unit=${places.phanDinhPhung.unit}&agency=${WARD_AGENCY.code}&category=no_such_kind`,
      );
      await w.page.locator('.state-empty').waitFor();
      expect(await w.page.getByTestId('filter-category').inputValue()).toBe('no_such_kind');
      expect(await w.page.getByTestId('filter-unit').inputValue()).toBe(places.phanDinhPhung.unit);
      expect(await w.page.getByTestId('filter-agency').inputValue()).toBe(WARD_AGENCY.code);
      // (These reports are not assigned yet: no agency matches them.)
      await w.page.getByTestId('filter-agency').selectOption('');
      await w.page.getByTestId('filter-category').selectOption('urban_order');
      await expect.poll(() => shownIds(w.page)).toEqual([ids.later, ids.overdue]);
      const shared = new URL(w.page.url()).searchParams;
      expect(shared.get('category')).toBe('urban_order');
      expect(shared.get('unit')).toBe(places.phanDinhPhung.unit);
      expect(shared.has('agency')).toBe(false);
      expectNoConsoleErrors(w);
    } finally {
      await colleague.close();
    }

    // Back from a report, the queue is as it was left.
    await page
      .getByTestId(`report-row-${ids.overdue}`)
      .getByRole('link', { name: `#${ids.overdue}` })
      .click();
    await page.getByTestId('report-view').waitFor();
    await page.getByRole('link', { name: /Về danh sách/ }).click();
    await expect.poll(() => shownIds(page)).toEqual([ids.overdue]);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('deadline');
    expectNoConsoleErrors(operator);
  });

  it('takes an internal note, and names every step of the history in the user’s language', async () => {
    const { page } = operator;
    await page.goto(`${env.base}/reports/${ids.soon}`);
    await page.getByTestId('report-view').waitFor();
    const note = 'Đã gọi điện cho tổ dân phố, chờ ảnh bổ sung.';
    await page.getByTestId('note-text').fill(note);
    await page.getByTestId('note-submit').click();
    await expect.poll(() => page.getByTestId('history').textContent()).toContain(note);
    const history = page.getByTestId('history');
    expect(await history.locator('li').last().textContent()).toContain('Ghi chú');
    // The status stays; the note is in the history the server keeps.
    const api = await callerAs(env.cityops, OPERATOR.email);
    const saved = (await api.get(`/api/v1/reports/${ids.soon}`)).json<ReportDetail>();
    expect(saved.status).toBe('received');
    expect(saved.history.at(-1)).toMatchObject({ action: 'note', internalNote: note });

    // Sharing the reporter with the agency is a step with a name, not a code.
    await page.goto(`${env.base}/reports/${reportId}`);
    await page.getByTestId('report-view').waitFor();
    // (The box follows the report the server answers, hence a click rather than check().)
    const share = page.getByLabel('Cho cơ quan xử lý xem thông tin người phản ánh');
    await share.click();
    await expect.poll(() => share.isChecked()).toBe(true);
    await expect
      .poll(() => page.getByTestId('history').locator('li').last().textContent())
      .toContain('Cho cơ quan xử lý xem thông tin người phản ánh');
    expect(await page.getByTestId('history').textContent()).not.toMatch(/reporter_shared/);
    await screenshot(page, 'reports-12-history-notes');
    expectNoConsoleErrors(operator);
  });
});
