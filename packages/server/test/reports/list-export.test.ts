/**
 * The report list under a filter as CSV behind a signed, expiring link: the
 * filter, the order and the caller's scope travel in the link; the file
 * opens without a token until the link expires; a statistics link never
 * opens it (nor the reverse); bad input is refused when the link is asked for.
 */
import { parse } from 'csv-parse/sync';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps, type Caller } from '../support/app.js';
import {
  act,
  citizenReport,
  createAgencies,
  FakeClock,
  places,
  tempDataDir,
  WARD_COMMITTEE,
} from './harness.js';

/** The rows of a CSV body. */
function rowsOf(csv: string): string[][] {
  const rows: string[][] = parse(csv, { bom: true });
  return rows;
}

describeEachDb('reports: the list as CSV behind a signed link', (kind) => {
  const clock = new FakeClock();
  const t = useTestCityOps(kind, {
    clock,
    env: { CITYOPS_DATA_DIR: tempDataDir(), CITYOPS_TOKEN_TTL_HOURS: '8760' },
  });
  let operator: Caller;
  let officer: Caller;
  const ids: string[] = [];

  beforeAll(async () => {
    await createAgencies(t().admin);
    operator = await t().userWith('operator');
    officer = await t().userWith('agency_officer', { agencies: [WARD_COMMITTEE] });
    // Normal (15 working days), urgent (1) and on-the-spot (3), an hour apart.
    for (const categoryCode of ['other', 'public_security', 'road_damage']) {
      const attributes = categoryCode === 'road_damage' ? { hazard_level: 'high' } : {};
      ids.push((await citizenReport(t().anonymous, { categoryCode, attributes })).report.id);
      clock.advance(3_600_000);
    }
    // The road damage goes to the ward's committee; the others stay with the IOC.
    await act(operator, ids[2]!, 'verify');
    await act(operator, ids[2]!, 'assign');
  });

  const linkFor = async (caller: Caller, body: Record<string, unknown>) => {
    const res = await caller.post('/api/v1/reports/export-links', { format: 'csv', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ url: string; expiresAt: string }>();
  };

  it('answers the filtered list in its order, without a token, in the chosen language', async () => {
    const { url, expiresAt } = await linkFor(operator, {
      status: 'received,assigned',
      sort: 'deadline',
      lang: 'en',
    });
    expect(url).toMatch(/^\/api\/v1\/reports\/export\.csv\?link=/);
    expect(Date.parse(expiresAt) - clock.now().getTime()).toBe(300_000);
    const file = await t().anonymous.get(url);
    expect(file.statusCode, file.body).toBe(200);
    expect(file.headers['content-type']).toMatch(/^text\/csv/);
    expect(file.headers['content-disposition']).toMatch(/attachment; filename="reports-.*\.csv"/);
    const [head, ...rows] = rowsOf(file.body);
    expect(head!.slice(0, 2)).toEqual(['No.', 'Status']);
    // Earliest deadline first: urgent, on-the-spot, normal.
    expect(rows.map((r) => r[0])).toEqual([ids[1], ids[2], ids[0]]);
    expect(rows.map((r) => r[1])).toEqual(['Received', 'Assigned', 'Received']);
    // Times in Vietnam (UTC+7): the fake clock's first report came at 02:00 UTC.
    const received = head!.indexOf('Received at');
    expect(rows[2]![received]).toBe('2026-03-02 09:00');

    const vi = await t().anonymous.get(
      (await linkFor(operator, { category: 'other', lang: 'vi' })).url,
    );
    const [viHead, ...viRows] = rowsOf(vi.body);
    expect(viHead!.slice(0, 2)).toEqual(['Số', 'Trạng thái']);
    expect(viRows.map((r) => r[0])).toEqual([ids[0]]);
    expect(viRows[0]![1]).toBe('Đã tiếp nhận');
  });

  it('keeps the scope of who asked for the link', async () => {
    const { url } = await linkFor(officer, {});
    const rows = rowsOf((await t().anonymous.get(url)).body).slice(1);
    expect(rows.map((r) => r[0])).toEqual([ids[2]]);
    expect(rows[0]![5]).toBe(places.phanDinhPhung.unit);
    expect(rows[0]![9]).toBe(WARD_COMMITTEE);
  });

  it('opens nothing when altered, of the other kind, or expired; refuses bad input by name', async () => {
    const { url } = await linkFor(operator, { status: 'received' });
    const token = new URL(url, 'http://x').searchParams.get('link')!;
    const [body, sig] = token.split('.');
    const widened = Buffer.from(
      Buffer.from(body!, 'base64url').toString().replace('["received"]', '["received","assigned"]'),
    ).toString('base64url');
    expect(widened).not.toBe(body);
    expect(
      (await t().anonymous.get(`/api/v1/reports/export.csv?link=${widened}.${sig}`)).statusCode,
    ).toBe(404);
    // A list link is no statistics link, and the reverse.
    expect(
      (await t().anonymous.get(`/api/v1/reports/stats/export.csv?link=${token}`)).statusCode,
    ).toBe(404);
    const stats = await operator.post('/api/v1/reports/stats/export-links', {
      groupBy: 'agency',
      from: '2026-03-01',
      to: '2026-03-31',
      format: 'csv',
    });
    const statsToken = new URL(stats.json<{ url: string }>().url, 'http://x').searchParams.get(
      'link',
    );
    expect(
      (await t().anonymous.get(`/api/v1/reports/export.csv?link=${statsToken}`)).statusCode,
    ).toBe(404);
    clock.advance(301_000);
    const late = await t().anonymous.get(url);
    expect(late.statusCode).toBe(404);
    expect(late.body).toContain('expired');

    for (const [field, bad] of [
      ['status', { status: 'lost' }],
      ['sort', { sort: 'oldest' }],
      ['format', { format: 'xlsx' }],
      ['color', { color: 'red' }],
    ] as const) {
      const res = await operator.post('/api/v1/reports/export-links', { format: 'csv', ...bad });
      expect(res.statusCode, field).toBe(400);
      expect(res.body).toContain(field);
    }
    expect((await t().anonymous.post('/api/v1/reports/export-links', {})).statusCode).toBe(401);
  });
});
