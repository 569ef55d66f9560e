/**
 * Reports taken by IOC staff (POST /api/v1/reports): a call to the hotline
 * gets the channel `phone`; the caller's name and phone are kept as the
 * reporter's identity (never in the report, its history or the audit log);
 * the intake is audited; staff limited to some admin units take reports for
 * places in them only, and a refusal says where the place is.
 */
import { beforeAll, expect, it } from 'vitest';
import type { ReportDetail, Reporter } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import type { Caller } from '../support/app.js';
import { sql } from '../../src/core/db/sql.js';
import { createAgencies, places, useCitizenCityOps } from './harness.js';

const CALLER = { name: 'Trần Thị Bình', phone: '0912345678' };

describeEachDb('reports: staff intake by phone', (kind) => {
  const { t } = useCitizenCityOps(kind);
  let operator: Caller & { id: string };
  let local: Caller;

  const at = (place: keyof typeof places) => ({
    lat: places[place].at[1],
    lon: places[place].at[0],
  });
  const body = (more: Record<string, unknown> = {}) => ({
    categoryCode: 'road_damage',
    description: 'Người dân gọi đường dây nóng: ổ gà sâu trước trường học',
    attributes: { hazard_level: 'high' },
    channel: 'phone',
    reporter: CALLER,
    ...at('phanDinhPhung'),
    ...more,
  });
  const count = async () =>
    (await t().cityops.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM reports`))[0]!.n;

  beforeAll(async () => {
    await createAgencies(t().admin);
    operator = await t().userWith('operator');
    local = await t().userWith('operator', { units: [places.phanDinhPhung.unit] });
  });

  it('takes a call: channel phone, the caller kept private, audited', async () => {
    const res = await operator.post('/api/v1/reports', body());
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json<ReportDetail>();
    expect(r).toMatchObject({
      channel: 'phone',
      status: 'received',
      adminUnit: places.phanDinhPhung.unit,
      hasReporter: true,
    });
    expect(r.history).toHaveLength(1);
    expect(r.history[0]).toMatchObject({ action: 'submitted', actor: { type: 'staff' } });
    // The caller's identity only behind /reporter.
    expect(res.body).not.toContain(CALLER.name);
    expect(res.body).not.toContain('345678');
    const reporter = (await operator.get(`/api/v1/reports/${r.id}/reporter`)).json<Reporter>();
    expect(reporter).toMatchObject({ name: CALLER.name });
    expect(reporter.phone).toContain('345678');
    // The queue filters and lists it like any other.
    const listed = await operator.get(`/api/v1/reports?q=%23${r.id}`);
    expect(listed.json<{ items: ReportDetail[] }>().items[0]).toMatchObject({ channel: 'phone' });

    const [entry] = await t().cityops.db.query<{
      after: Record<string, unknown>;
      actor_id: string;
    }>(
      sql`SELECT after, actor_id FROM audit_log WHERE action = 'report.create' AND entity_id = ${r.id}`,
    );
    expect(entry!.after).toMatchObject({ channel: 'phone', adminUnit: places.phanDinhPhung.unit });
    expect(entry!.actor_id).toBe(operator.id);
    expect(JSON.stringify(entry)).not.toContain('345678');
    expect(JSON.stringify(entry)).not.toContain(CALLER.name);
  });

  it('takes other intake as staff by default, and names a bad channel', async () => {
    const { channel: _ignored, ...rest } = body();
    const res = await operator.post('/api/v1/reports', rest);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<ReportDetail>().channel).toBe('staff');
    const bad = await operator.post('/api/v1/reports', body({ channel: 'sms' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('channel');
  });

  it('takes reports for places in the operator’s own units only', async () => {
    const inside = await local.post('/api/v1/reports', body());
    expect(inside.statusCode, inside.body).toBe(201);
    expect(inside.json<ReportDetail>().adminUnit).toBe(places.phanDinhPhung.unit);

    const before = await count();
    const outside = await local.post('/api/v1/reports', body(at('giaSang')));
    expect(outside.statusCode, outside.body).toBe(403);
    const detail = outside.json<{ detail: string }>().detail;
    expect(detail).toContain(places.giaSang.unit);
    expect(detail).toContain('outside the admin units you work for');
    // Without a place the report would belong to none of their units.
    const placeless = await local.post(
      '/api/v1/reports',
      body({ lat: undefined, lon: undefined, address: 'Tổ 3, phường Phan Đình Phùng' }),
    );
    expect(placeless.statusCode).toBe(400);
    expect(placeless.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('lat');
    // Outside the province, for everyone.
    const far = await operator.post('/api/v1/reports', body(at('hanoi')));
    expect(far.statusCode).toBe(400);
    expect(far.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('lat');
    expect(await count()).toBe(before);
    // Province-wide staff take both.
    expect((await operator.post('/api/v1/reports', body(at('giaSang')))).statusCode).toBe(201);

    const officer = await t().userWith('agency_officer', { agencies: ['URENCO-TN'] });
    expect((await officer.post('/api/v1/reports', body())).statusCode).toBe(403);
  });
});
